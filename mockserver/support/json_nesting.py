"""How deeply JSON nests, and the bound on the files the server reads (cassettes, ``--stubs``,
``--fault``): :data:`MAX_NESTING` levels, checked without recursion.

>>> nesting({"a": [1, {"b": []}]})
4
>>> nesting("text")
0
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import MockServerError

MAX_NESTING = 500
"""The deepest nesting of arrays and objects a file the server reads may hold (and a cassette it
writes: an exchange nested deeper is not recorded)."""


class TooDeep(MockServerError, ValueError):
    """JSON nested deeper than :data:`MAX_NESTING`; the message says so and names the bound."""


def nesting(value: Any) -> int:
    """The number of arrays and objects on the deepest path of ``value`` (0 for a scalar)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children if isinstance(child, dict | list))
    return deepest


def too_deep(levels: int | None = None) -> str:
    """The sentence for JSON nested ``levels`` deep (None: too deep to parse)."""
    got = "more levels than the parser can follow" if levels is None else f"{levels} levels"
    return f"expected JSON nested at most {MAX_NESTING} levels deep (arrays and objects), got {got}"


def loads(text: str | bytes) -> Any:
    """``text`` parsed as JSON; :class:`TooDeep` when Python's parser cannot follow its nesting,
    :class:`ValueError` when it is not JSON. (Measure the result with :func:`nesting`.)"""
    try:
        return json.loads(text)
    except RecursionError:
        raise TooDeep(too_deep()) from None


def loads_bounded(text: str | bytes) -> Any:
    """``text`` parsed as JSON; :class:`TooDeep` when it nests deeper than :data:`MAX_NESTING`
    (whether or not Python's parser could follow it), :class:`ValueError` when it is not JSON."""
    value = loads(text)
    levels = nesting(value)
    if levels > MAX_NESTING:
        raise TooDeep(too_deep(levels))
    return value
