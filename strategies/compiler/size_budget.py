"""The size budget of generated values: how big a value a schema requires, and what is left.

Size is counted in *units*: one per character of a generated string and one per array item
or object property (roughly a lower bound on the value's JSON length). :func:`least_size` is
a lower bound on the size of any value valid for a compiled node; :func:`check_fits` refuses
a schema whose smallest valid value exceeds the budget with :class:`SchemaTooLarge`, naming
the keyword and JSON path that ask for too much (``minLength``, ``minItems``,
``minProperties``, ``required`` or a ``pattern`` repeat count), so no back end starts
building a gigantic value. :class:`Allowance` is the running budget of the seeded sampler.
"""

from __future__ import annotations

import re
from re import _parser as sre_parse  # private since Python 3.11
from typing import Any

from .nodes import (
    ArrayNode,
    ConstNode,
    FilteredNode,
    Node,
    ObjectNode,
    RefNode,
    StringNode,
    UnionNode,
    UnsupportedSchema,
)

DEFAULT_MAX_SIZE = 64 * 1024
"""The default budget: 65 536 units (string characters + array items + object properties)."""

_LEAST_ATTRIBUTE = "_least_size"
"""Where a node keeps its least size: memoised on the node, it lives exactly as long as the node."""


class SchemaTooLarge(UnsupportedSchema):
    """Every value valid for the schema is bigger than the size budget (``max_size``) allows.

    A subclass of :class:`~sequrity_contract.strategies.compiler.nodes.UnsupportedSchema`: ``keyword`` and ``path`` name
    the clause that asks for too much.
    """


def too_large(keyword: str, path: str, needed: int, left: int, max_size: int) -> SchemaTooLarge:
    """The error for a clause at ``path`` whose values need ``needed`` units when ``left`` remain."""
    room = f"max_size={max_size}" if left >= max_size else f"{left:,} units left of max_size={max_size}"
    why = (f"a valid value needs at least {needed:,} size units (string characters, array items and "
           f"object properties) but the budget allows {room}; lower the keyword or raise max_size")
    return SchemaTooLarge(keyword, path, why)


def check_max_size(max_size: object) -> int:
    """``max_size`` if it is a non-negative integer; else a :class:`TypeError`/:class:`ValueError`
    naming ``max_size=value``."""
    if isinstance(max_size, bool) or not isinstance(max_size, int):
        raise TypeError(f"max_size={max_size!r}: expected a non-negative integer (size units)")
    if max_size < 0:
        raise ValueError(f"max_size={max_size!r}: expected a non-negative integer (size units)")
    return max_size


def pattern_min_length(pattern: str) -> int:
    """The length of the shortest string that fully matches ``pattern`` (0 if it does not parse)."""
    try:
        return int(sre_parse.parse(pattern).getwidth()[0])
    except (re.error, TypeError, ValueError, OverflowError, RecursionError):
        return 0


def value_size(value: Any) -> int:
    """The size of a JSON value in units: string characters (not keys) + array items + object properties."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(1 + value_size(v) for v in value)
    if isinstance(value, dict):
        return sum(1 + value_size(v) for v in value.values())
    return 0


def least_size(node: Node) -> int:
    """A lower bound on the size of every value valid for ``node`` (memoised per node)."""
    return _least(node, set())


def _least(node: Node, active: set[int]) -> int:
    known: int | None = node.__dict__.get(_LEAST_ATTRIBUTE)
    if known is not None:
        return known
    if id(node) in active:  # a recursive reference: a lower bound may count it as empty
        return 0
    active.add(id(node))
    try:
        size = _compute(node, active)
    finally:
        active.discard(id(node))
    node.__dict__[_LEAST_ATTRIBUTE] = size
    return size


def _compute(node: Node, active: set[int]) -> int:
    if isinstance(node, RefNode):
        return _least(node.target, active)
    if isinstance(node, FilteredNode):
        return _least(node.inner, active)
    if isinstance(node, UnionNode):
        return min((_least(c, active) for c in node.choices), default=0)
    if isinstance(node, ConstNode):
        return min((value_size(v) for v in node.values), default=0)
    if isinstance(node, StringNode):
        return max(node.min_length, pattern_min_length(node.pattern) if node.pattern is not None else 0)
    if isinstance(node, ArrayNode):
        prefix = node.prefix[: node.min_items]
        size = sum(1 + _least(p, active) for p in prefix)
        rest = node.min_items - len(prefix)
        if rest > 0 and node.items is not None:
            size += rest * (1 + _least(node.items, active))
        return size
    if isinstance(node, ObjectNode):
        size = sum(1 + _least(node.properties[name], active) for name in node.required)
        extra = node.min_properties - len(node.required)
        if extra > 0:
            spare = [v for k, v in node.properties.items() if k not in node.required]
            spare += [node.additional] if node.additional is not None else []
            size += extra * (1 + min((_least(s, active) for s in spare), default=0))
        return size
    return 0


def _required_parts(node: Node) -> list[Node]:
    """The sub-nodes every value of ``node`` contains (a union: its branches)."""
    if isinstance(node, RefNode):
        return [node.target]
    if isinstance(node, FilteredNode):
        return [node.inner]
    if isinstance(node, UnionNode):
        return list(node.choices)
    if isinstance(node, ArrayNode):
        parts = list(node.prefix[: node.min_items])
        return parts + ([node.items] if node.items is not None and node.min_items > len(parts) else [])
    if isinstance(node, ObjectNode):
        return [node.properties[name] for name in node.required]
    return []


def _keyword(node: Node) -> str:
    if isinstance(node, StringNode):
        wide = node.pattern is not None and pattern_min_length(node.pattern) > node.min_length
        return "pattern" if wide else "minLength"
    if isinstance(node, ArrayNode):
        return "minItems"
    if isinstance(node, ObjectNode):
        return "minProperties" if node.min_properties > len(node.required) else "required"
    if isinstance(node, UnionNode):
        return "anyOf"
    if isinstance(node, ConstNode):
        return "enum"
    return "schema"


def culprit(node: Node, limit: int) -> Node:
    """The innermost clause under ``node`` whose own values exceed ``limit`` (the one to blame)."""
    seen = {id(node)}
    while True:
        child = next((c for c in _required_parts(node) if least_size(c) > limit), None)
        if child is None or id(child) in seen:
            return node
        seen.add(id(child))
        node = child


def check_fits(node: Node, left: int, max_size: int | None = None) -> None:
    """Raise :class:`SchemaTooLarge` naming the keyword and path when the smallest value valid
    for ``node`` needs more than ``left`` units (``max_size``: the whole budget, for the message)."""
    needed = least_size(node)
    if needed > left:
        blamed = culprit(node, left)
        total = left if max_size is None else max_size
        raise too_large(_keyword(blamed), blamed.path, least_size(blamed), left, total)


class Allowance:
    """The units a sampler may still spend on the value it is building (``max_size`` in all)."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.left = max_size

    def spend(self, units: int, keyword: str, path: str) -> None:
        """Take ``units``; :class:`SchemaTooLarge` naming ``keyword`` at ``path`` when they are not left."""
        if units > self.left:
            raise too_large(keyword, path, units, self.left, self.max_size)
        self.left -= units

    def rollback_to(self, mark: int) -> None:
        """Give back what was spent since ``self.left`` was ``mark`` (a value that was thrown away)."""
        self.left = mark
