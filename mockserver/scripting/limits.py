"""The limits on stub and fault definitions, defined once here and named in every refusal.

A definition is checked on the way in (the admin API, ``MockServer.stub()``/``.fault()``,
``MockConfig(stubs=, fault=)``, ``--stubs FILE``, ``--fault JSON``), so that nothing
registered can make a later request recurse too deeply or stall the event loop:

- :data:`MAX_JSON_DEPTH`: how deeply a stub or fault definition may nest JSON objects and
  lists (the definition itself is level 1), so matching, validating and rendering it never
  reach Python's recursion limit;
- :data:`MAX_MATCH_VALUES`: JSON values in a stub's ``match`` (every request compares them);
- :data:`MAX_SEQUENCE_STEPS`: steps of a ``sequence`` (each is validated when registered);
- :data:`MAX_PREDICATES`: ``where`` predicates of one stub;
- :data:`MAX_REGEX_PREDICATES`: ``matches`` predicates of one stub, each a pattern of at most
  :data:`MAX_REGEX_CHARS` characters (the regex guard bounds the work of each search).

:func:`check_json_shape` walks a value without recursion and names the JSON path of the
first place that goes too deep.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

MAX_JSON_DEPTH = 64
"""How deeply a stub or fault definition may nest objects and lists (the definition is level 1)."""
MAX_MATCH_VALUES = 1_000
"""JSON values (objects, lists and scalars) a stub's ``match`` may hold."""
MAX_SEQUENCE_STEPS = 100
"""Steps a ``sequence`` stub may have."""
MAX_PREDICATES = 16
"""``where`` predicates one stub may have."""
MAX_REGEX_PREDICATES = 4
"""``matches`` predicates one stub may have (each search costs up to tens of milliseconds)."""
MAX_REGEX_CHARS = 256
"""Characters a ``matches`` pattern may have."""


def _children(value: Any) -> Iterator[tuple[str | int, Any]]:
    if isinstance(value, Mapping):
        return iter(value.items())
    return enumerate(value)


def _is_container(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple)


def format_path(root: str, steps: list[str | int]) -> str:
    """``root`` followed by ``steps`` as a JSON path (``$.match.body.a[0]``), long ones shortened in the middle."""
    parts = [f"[{s}]" if isinstance(s, int) else f".{s}" if str(s).isidentifier() else f"[{s!r}]" for s in steps]
    if len(parts) > 12:
        parts = [*parts[:6], f"...({len(parts) - 10} more)...", *parts[-4:]]
    return root + "".join(parts)


def check_json_shape(value: Any, root: str = "$", max_depth: int = MAX_JSON_DEPTH,
                     max_values: tuple[str, int] | None = None) -> str | None:
    """Why ``value`` is too deep (more than ``max_depth`` nested objects/lists) or too large (more
    than ``max_values``, a limit's name and value, values), naming the JSON path under ``root``;
    None when it is within both."""
    if not _is_container(value):
        return None
    if max_depth < 1:
        return f"{root}: expected JSON nested at most {max_depth} levels deep (MAX_JSON_DEPTH)"
    count = 1
    path: list[str | int] = []
    stack = [_children(value)]
    while stack:
        for key, child in stack[-1]:
            count += 1
            if max_values is not None and count > max_values[1]:
                return f"{root}: expected at most {max_values[1]} JSON values ({max_values[0]}), got more"
            if _is_container(child):
                path.append(key)
                if len(stack) + 1 > max_depth:
                    return (f"{format_path(root, path)}: expected JSON nested at most {max_depth} levels deep "
                            f"(MAX_JSON_DEPTH), got deeper")
                stack.append(_children(child))
                break
        else:
            stack.pop()
            if path:
                path.pop()
    return None
