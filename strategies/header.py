"""Values of the ``X-Features``, ``X-Policy`` and ``X-Config`` headers, compiled from
their schema documents (null-free, as the client sends them). An ``X-Policy`` whose code is SQRT
carries a policy that parses (the document's rule ``policy_code_is_sqrt``)."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import HEADER_DOCUMENTS, one_line_json
from sequrity_contract.schemas.headers import POLICY_HEADER

from .contract import contract_strategy
from .policies import policies

POLICY_TOOLS = ("get_weather", "send_email", "search_documents")
"""The tools the policies of drawn ``X-Policy`` values speak of."""


@st.composite
def _policy_headers(draw: st.DrawFn) -> dict[str, Any]:
    header: dict[str, Any] = draw(contract_strategy(HEADER_DOCUMENTS[POLICY_HEADER]))
    codes = header.get("codes")
    if isinstance(codes, dict) and codes.get("language", "sqrt") == "sqrt" and "code" in codes:
        header = {**header, "codes": {**codes, "code": draw(st.just("") | policies(POLICY_TOOLS))}}
    return header


def header_value(name: str, *, as_json: bool) -> SearchStrategy[Any]:
    """Values of header ``name``: dicts, or their one-line JSON when ``as_json``."""
    strategy = _policy_headers() if name == POLICY_HEADER else contract_strategy(HEADER_DOCUMENTS[name])
    return strategy.map(one_line_json) if as_json else strategy
