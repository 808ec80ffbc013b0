"""Values of the ``X-Features``, ``X-Policy`` and ``X-Config`` headers, compiled from
their schema documents (null-free, as the client sends them)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis.strategies import SearchStrategy

from .contract import contract_strategy

HEADER_DOCUMENTS = {"X-Features": "x-features", "X-Policy": "x-policy", "X-Config": "x-config"}
"""Each configuration header and the schema document its JSON value follows."""


def header_value(name: str, *, as_json: bool) -> SearchStrategy[Any]:
    """Values of header ``name``: dicts, or their one-line JSON when ``as_json``."""
    strategy = contract_strategy(HEADER_DOCUMENTS[name])
    return strategy.map(one_line_json) if as_json else strategy


def one_line_json(value: Any) -> str:
    """The one-line, ASCII-only JSON form the client sends in a header."""
    return json.dumps(value, separators=(",", ":"))
