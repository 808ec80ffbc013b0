"""A client adapter for the conformance suite: here, the reference client with a name of its own.
Run ``pytest --sequrity-conformance --sequrity-client=my_adapter:make_adapter``."""

from __future__ import annotations

from sequrity_contract.contract_tests.adapters.reference import ReferenceAdapter


class MyAdapter(ReferenceAdapter):
    """Your client's adapter: implement send, stream, reset_session and close."""

    name = "my-client"


def make_adapter() -> MyAdapter:
    """The factory the plugin calls."""
    return MyAdapter()
