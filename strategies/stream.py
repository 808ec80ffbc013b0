"""Event sequences for a message, cut at hypothesis-drawn points.

The codec is :func:`sequrity_contract.schemas.to_events`; this module only draws where text, thinking and
tool-input JSON are cut (anywhere, empty pieces included), so
``schemas.accumulate(events) == message`` holds for every draw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import hypothesis.strategies as st

from sequrity_contract import schemas
from sequrity_contract.schemas.stream import Dialect

_MAX_CUTS = 4


def drawn_splitter(draw: st.DrawFn) -> Callable[[str], Sequence[str]]:
    """A splitter for :func:`sequrity_contract.schemas.to_events` whose cut points are drawn: any positions,
    repeated ones (empty pieces) and the ends included."""

    def split(text: str) -> list[str]:
        cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=_MAX_CUTS)))
        pieces, start = [], 0
        for cut in cuts:
            pieces.append(text[start:cut])
            start = cut
        pieces.append(text[start:])
        return pieces

    return split


def draw_events(draw: st.DrawFn, message: dict[str, Any], dialect: Dialect) -> list[dict[str, Any]]:
    """The events that stream ``message``, cut at drawn points."""
    return schemas.to_events(message, split_text=drawn_splitter(draw), split_json=drawn_splitter(draw),
                             dialect=dialect)
