"""Values of the ``X-Features``, ``X-Policy`` and ``X-Config`` headers, compiled from
their schema documents (null-free, as the client sends them)."""

from __future__ import annotations

from typing import Any

from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import HEADER_DOCUMENTS, one_line_json

from .contract import contract_strategy


def header_value(name: str, *, as_json: bool) -> SearchStrategy[Any]:
    """Values of header ``name``: dicts, or their one-line JSON when ``as_json``."""
    strategy = contract_strategy(HEADER_DOCUMENTS[name])
    return strategy.map(one_line_json) if as_json else strategy
