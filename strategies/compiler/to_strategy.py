"""Back end 1: a hypothesis strategy for a compiled schema tree.

Values are built by construction; only the clauses a construction may overshoot
(:class:`~sequrity_contract.strategies.compiler.nodes.FilteredNode`, ``oneOf`` exclusivity) are filtered. A schema whose
smallest valid value exceeds the size budget is refused up front with
:class:`~sequrity_contract.strategies.compiler.size_budget.SchemaTooLarge` (hypothesis could not draw it anyway).
"""

from __future__ import annotations

import copy
import math
from datetime import UTC
from fractions import Fraction
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from .nodes import (
    AnyNode,
    ArrayNode,
    BooleanNode,
    ConstNode,
    FilteredNode,
    IntegerNode,
    Node,
    NothingNode,
    NullNode,
    NumberNode,
    ObjectNode,
    RefNode,
    StringNode,
    UnionNode,
    UnsupportedSchema,
)
from .size_budget import DEFAULT_MAX_SIZE, check_fits, check_max_size

_STRATEGY_ATTRIBUTE = "_hypothesis_strategy"
"""Where a node keeps its strategy: memoised on the node, it lives exactly as long as the node."""
_MAX_EXTRA_PROPERTIES = 2

JSON_VALUES: SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=5,
)
"""Any JSON value, small."""

_FORMATS: dict[str, SearchStrategy[str]] = {
    "date-time": st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    "date": st.dates().map(lambda d: d.isoformat()),
    "time": st.times().map(lambda t: t.isoformat() + "Z"),
    "email": st.emails(),
    "uuid": st.uuids().map(str),
    "ipv4": st.ip_addresses(v=4).map(str),
    "ipv6": st.ip_addresses(v=6).map(str),
    "uri": st.from_regex(r"\Ahttps?://[a-z]{1,10}\.(com|org|dev)(/[a-z0-9]{0,8})?\Z"),
    "hostname": st.from_regex(r"\A[a-z]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z]{2,5})?\Z"),
}


def unique_key(value: Any) -> Any:
    """A hashable key under which two JSON values are equal exactly when JSON Schema's
    ``uniqueItems`` calls them equal (``1 == 1.0``, ``true != 1``, key order ignored)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(unique_key(v) for v in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, unique_key(v)) for k, v in value.items()))
    return (type(value).__name__, value)


def to_strategy(node: Node, *, max_size: int = DEFAULT_MAX_SIZE) -> SearchStrategy[Any]:
    """The hypothesis strategy that generates values valid for ``node`` (memoised per node).

    Raises :class:`~sequrity_contract.strategies.compiler.size_budget.SchemaTooLarge` naming the keyword and path when
    every valid value needs more than ``max_size`` units (string characters, array items and
    object properties), instead of letting hypothesis try.
    """
    check_fits(node, check_max_size(max_size))
    return _strategy(node)


def _strategy(node: Node) -> SearchStrategy[Any]:
    strategy: SearchStrategy[Any] | None = node.__dict__.get(_STRATEGY_ATTRIBUTE)
    if strategy is None:
        strategy = node.__dict__[_STRATEGY_ATTRIBUTE] = _build(node)
    return strategy


def _build(node: Node) -> SearchStrategy[Any]:
    if isinstance(node, RefNode):
        return st.deferred(lambda: _strategy(node.target))
    if isinstance(node, AnyNode):
        return JSON_VALUES
    if isinstance(node, NothingNode):
        return st.nothing()
    if isinstance(node, ConstNode):
        values = node.values
        if all(isinstance(v, str | int | float | bool) or v is None for v in values):
            return st.sampled_from(values)
        return st.sampled_from(values).map(copy.deepcopy)
    if isinstance(node, NullNode):
        return st.none()
    if isinstance(node, BooleanNode):
        return st.booleans()
    if isinstance(node, IntegerNode):
        return _integers(node.minimum, node.maximum, node.multiple_of)
    if isinstance(node, NumberNode):
        return _numbers(node)
    if isinstance(node, StringNode):
        return _strings(node)
    if isinstance(node, ArrayNode):
        return _arrays(node)
    if isinstance(node, ObjectNode):
        return _objects(node)
    if isinstance(node, UnionNode):
        union = st.one_of([_strategy(c) for c in node.choices])
        return union.filter(node.check) if node.exclusive and node.check else union
    if isinstance(node, FilteredNode):
        return _strategy(node.inner).filter(node.check)
    raise UnsupportedSchema(type(node).__name__, node.path, "no strategy for this node")


def _integers(lo: int | None, hi: int | None, multiple: int | float | None) -> SearchStrategy[int]:
    if multiple is None:
        return st.integers(lo, hi)
    step = Fraction(str(multiple)).numerator if isinstance(multiple, float) else multiple
    klo = None if lo is None else math.ceil(Fraction(lo) / step)
    khi = None if hi is None else math.floor(Fraction(hi) / step)
    if klo is not None and khi is not None and klo > khi:
        return st.nothing()
    return st.integers(klo, khi).map(lambda k: k * step)


def _numbers(node: NumberNode) -> SearchStrategy[Any]:
    lo, hi = node.minimum, node.maximum
    if node.multiple_of is not None:
        m = node.multiple_of
        klo = None if lo is None else math.ceil(lo / m)
        khi = None if hi is None else math.floor(hi / m)
        if klo is not None and khi is not None and klo > khi:
            return st.nothing()
        return st.integers(klo, khi).map(lambda k: k * m)
    floats = st.floats(lo, hi, exclude_min=node.exclude_min and lo is not None,
                       exclude_max=node.exclude_max and hi is not None, allow_nan=False, allow_infinity=False)
    ilo = None if lo is None else (math.floor(lo) + 1 if node.exclude_min else math.ceil(lo))
    ihi = None if hi is None else (math.ceil(hi) - 1 if node.exclude_max else math.floor(hi))
    if ilo is not None and ihi is not None and ilo > ihi:
        return floats
    return st.integers(ilo, ihi) | floats


def _strings(node: StringNode) -> SearchStrategy[str]:
    if node.pattern is not None:
        bounded = node.max_length is not None or node.min_length > 0
        return st.from_regex(node.pattern, fullmatch=bounded)
    if node.format in _FORMATS:
        return _FORMATS[node.format]
    return st.text(min_size=node.min_length, max_size=node.max_length)


def _arrays(node: ArrayNode) -> SearchStrategy[list[Any]]:
    items = _strategy(node.items) if node.items is not None else None
    if not node.prefix and items is not None:
        return st.lists(items, min_size=node.min_items, max_size=node.max_items,
                        unique_by=unique_key if node.unique else None)
    prefix = [_strategy(p) for p in node.prefix]
    longest = len(prefix) if items is None else None
    if node.max_items is not None:
        longest = node.max_items if longest is None else min(longest, node.max_items)

    @st.composite
    def arrays(draw: st.DrawFn) -> list[Any]:
        cap = longest if longest is not None else node.min_items + len(prefix) + 3
        size = draw(st.integers(node.min_items, max(node.min_items, cap)))
        out = [draw(prefix[i]) for i in range(min(size, len(prefix)))]
        if size > len(prefix) and items is not None:
            out.extend(draw(st.lists(items, min_size=size - len(prefix), max_size=size - len(prefix))))
        return out

    strategy = arrays()
    if node.unique:
        strategy = strategy.filter(lambda xs: len({unique_key(x) for x in xs}) == len(xs))
    return strategy


def _objects(node: ObjectNode) -> SearchStrategy[dict[str, Any]]:
    required = {k: _strategy(node.properties[k]) for k in node.required}
    optional = {k: _strategy(v) for k, v in node.properties.items() if k not in node.required}
    fixed = st.fixed_dictionaries(required, optional=optional)
    if node.additional is not None:
        names = st.text(min_size=1, max_size=8).filter(lambda k: k not in node.properties)
        extras = st.dictionaries(names, _strategy(node.additional), max_size=_MAX_EXTRA_PROPERTIES)
        strategy = st.tuples(fixed, extras).map(lambda pair: {**pair[1], **pair[0]})
    else:
        strategy = fixed
    if node.min_properties or node.max_properties is not None:
        most = node.max_properties

        def sized(value: dict[str, Any]) -> bool:
            return node.min_properties <= len(value) and (most is None or len(value) <= most)

        strategy = strategy.filter(sized)
    return strategy
