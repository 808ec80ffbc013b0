"""The one JSON path language of the mock server, for stub predicates, ignored and redacted
paths: ``$``, ``.name``, ``["name"]``, ``[n]``, ``[-n]`` and the wildcard ``[*]``.

>>> select(parse_path("$.messages[-1].role"), {"messages": [{"role": "user"}]})
'user'
>>> parse_path("messages[*].content")
('messages', None, 'content')
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import MockServerError

Step = str | int | None
"""A key, an index, or ``None`` for the wildcard ``[*]`` (every item of a list or object)."""

_STEP = re.compile(r'\.([A-Za-z_][\w-]*)|\[(-?\d+|\*)\]|\[("(?:[^"\\]|\\.)*")\]')
_FORMS = '.name, ["name"], [index] or [*]'
MAX_INDEX_DIGITS = 9
"""Digits an index step may have (no JSON document has a billion items)."""


class PathError(MockServerError, ValueError):
    """A path that is not in the supported syntax."""


class Missing:
    """What :func:`select` returns when the path leads nowhere."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = Missing()


def _cut(text: str, width: int = 80) -> str:
    """``repr(text)``, cut to about ``width`` characters."""
    shown = repr(text)
    return shown if len(shown) <= width else shown[:width - 3] + "..."


def parse_path(text: Any, *, require_root: bool = False) -> tuple[Step, ...]:
    """The steps of ``text`` (``$.messages[0].content``, ``metadata.user_id``, ``messages[*]``).

    The leading ``$`` is optional unless ``require_root``; a path names at least one step.
    Raises :class:`PathError` naming the path and what was expected.
    """
    example = "$.messages[-1].content" if require_root else "metadata.user_id or messages[*].content"
    if not isinstance(text, str) or not text.strip():
        raise PathError(f"path={text!r}: expected a JSON path such as {example}")
    rest = text.strip()
    if rest.startswith("$"):
        rest = rest[1:]
    elif require_root:
        raise PathError(f"path={text!r}: expected a JSON path starting with $, e.g. {example}")
    if rest[:1].isalpha() or rest[:1] == "_":
        rest = "." + rest  # a leading key needs no dot: metadata.user_id
    steps: list[Step] = []
    position = 0
    while position < len(rest):
        match = _STEP.match(rest, position)
        if match is None:
            raise PathError(f"path={_cut(text)}: unexpected {_cut(rest[position:], 40)}; "
                            f"expected {_FORMS}, e.g. {example}")
        name, index, quoted = match.groups()
        if name is not None:
            steps.append(name)
        elif index is not None:
            if index != "*" and len(index.lstrip("-")) > MAX_INDEX_DIGITS:
                raise PathError(f"path={_cut(text)}: index {_cut(index, 20)}: expected an index of at most "
                                f"{MAX_INDEX_DIGITS} digits (MAX_INDEX_DIGITS)")
            steps.append(None if index == "*" else int(index))
        else:
            try:
                steps.append(json.loads(quoted))
            except ValueError as exc:  # a bad escape such as \q
                raise PathError(f"path={_cut(text)}: the quoted name {_cut(quoted, 40)}: expected a JSON string "
                                f"with valid escapes ({exc.args[0].split(':')[0]})") from None
        position = match.end()
    if not steps:
        raise PathError(f"path={text!r}: expected at least one step, e.g. {example}")
    return tuple(steps)


def select(steps: tuple[Step, ...], document: Any) -> Any:
    """The value at ``steps`` (no wildcards) in ``document``, or :data:`MISSING`."""
    value = document
    for step in steps:
        if step is None:
            raise PathError("select() takes a path without the wildcard [*]")
        if isinstance(step, int):
            if not isinstance(value, list) or not -len(value) <= step < len(value):
                return MISSING
        elif not isinstance(value, dict) or step not in value:
            return MISSING
        value = value[step]
    return value
