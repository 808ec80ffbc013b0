"""The JSON configuration headers of a request (docs/contract.md §2): which document each
header's value satisfies, and the one-line JSON form the value travels in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

HEADER_DOCUMENTS: dict[str, str] = {
    "X-Features": "x-features",
    "X-Policy": "x-policy",
    "X-Config": "x-config",
}
"""The configuration headers and the documents their JSON values satisfy."""


def one_line_json(value: Mapping[str, Any]) -> str:
    """``value`` as compact, ASCII-only JSON on one line (what a header can carry).

    Raises ``ValueError`` for NaN or infinities and ``TypeError`` for values JSON cannot hold.

    >>> one_line_json({"a": [1, {"b": "é"}]})
    '{"a":[1,{"b":"\\\\u00e9"}]}'
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
