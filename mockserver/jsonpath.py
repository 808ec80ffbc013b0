"""A small JSON path language for stub predicates: ``$``, ``.name``, ``["name"]``, ``[n]``, ``[-n]``.

>>> select(parse_path("$.messages[-1].role"), {"messages": [{"role": "user"}]})
'user'
"""

from __future__ import annotations

import json
import re
from typing import Any

Step = str | int
_STEP = re.compile(r'\.([A-Za-z_][\w-]*)|\[(-?\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


class PathError(ValueError):
    """A path that is not in the supported syntax."""


class Missing:
    """What :func:`select` returns when the path leads nowhere."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = Missing()


def parse_path(text: Any) -> tuple[Step, ...]:
    """The steps of ``text``; :class:`PathError` saying what was expected otherwise."""
    if not isinstance(text, str) or not text.startswith("$"):
        raise PathError(f"expected a JSON path starting with $, e.g. $.messages[-1].content, got {text!r}")
    steps: list[Step] = []
    position = 1
    while position < len(text):
        match = _STEP.match(text, position)
        if match is None:
            raise PathError(f"JSON path {text!r}: unexpected {text[position:]!r} at character {position}; "
                            'expected .name, ["name"] or [index]')
        name, index, quoted = match.groups()
        steps.append(name if name is not None else int(index) if index is not None else json.loads(quoted))
        position = match.end()
    return tuple(steps)


def select(steps: tuple[Step, ...], document: Any) -> Any:
    """The value at ``steps`` in ``document``, or :data:`MISSING`."""
    value = document
    for step in steps:
        if isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return MISSING
        elif not isinstance(value, dict) or step not in value:
            return MISSING
        value = value[step]
    return value
