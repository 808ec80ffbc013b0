"""Back end 2: draw one small valid value from a compiled schema with a seeded rng.

Deterministic for a given :class:`random.Random` state: the mock server uses it to
synthesise tool inputs and structured outputs. Strings are short, arrays have few items,
objects carry every required property and some optional ones. Every value stays within a
size budget (:mod:`sequrity_contract.strategies.compiler.size_budget`): optional parts are left out when they do not
fit, and a schema that requires more raises :class:`~sequrity_contract.strategies.compiler.size_budget.SchemaTooLarge`.
"""

from __future__ import annotations

import copy
import math
import random
import string
import uuid
from fractions import Fraction
from typing import Any

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
from .regex_sampler import sample_matching
from .size_budget import DEFAULT_MAX_SIZE, Allowance, check_fits, least_size, value_size
from .to_strategy import unique_key

_TRIES = 25
_SHALLOW = 4  # beyond this depth: fewest items, no optional properties, leaf branches first
_MAX_DEPTH = 60
_SPAN = 100
_ALPHABET = string.ascii_lowercase + string.digits + " "
_EXTRA_ITEMS = 3
_EXTRA_CHARS = 8


def sample_node(node: Node, rng: random.Random, depth: int = 0, budget: Allowance | None = None) -> Any:
    """A small value valid for the compiled ``node``, spending from ``budget`` (default: a
    fresh :data:`~sequrity_contract.strategies.compiler.size_budget.DEFAULT_MAX_SIZE` one)."""
    if budget is None:
        budget = Allowance(DEFAULT_MAX_SIZE)
    check_fits(node, budget.left, budget.max_size)  # below, each parent leaves room for its children
    return _sample(node, rng, depth, budget)


def _sample(node: Node, rng: random.Random, depth: int, budget: Allowance) -> Any:
    if depth > _MAX_DEPTH:
        raise UnsupportedSchema("$ref", node.path, "the schema recurses without a way to stop")
    if isinstance(node, RefNode):
        return _sample(node.target, rng, depth + 1, budget)
    if isinstance(node, ConstNode):
        value = rng.choice(node.values)
        if value_size(value) > budget.left:  # pick among the values that fit (one does: check_fits)
            value = rng.choice([v for v in node.values if value_size(v) <= budget.left] or [value])
        budget.spend(value_size(value), "enum", node.path)
        return copy.deepcopy(value)
    if isinstance(node, NullNode):
        return None
    if isinstance(node, BooleanNode):
        return rng.random() < 0.5
    if isinstance(node, IntegerNode):
        return _integer(node.minimum, node.maximum, node.multiple_of, rng)
    if isinstance(node, NumberNode):
        return _number(node, rng)
    if isinstance(node, StringNode):
        return _string(node, rng, budget)
    if isinstance(node, ArrayNode):
        return _array(node, rng, depth, budget)
    if isinstance(node, ObjectNode):
        return _object(node, rng, depth, budget)
    if isinstance(node, UnionNode):
        return _union(node, rng, depth, budget)
    if isinstance(node, FilteredNode):
        mark = budget.left
        for _ in range(_TRIES):
            budget.rollback_to(mark)
            value = _sample(node.inner, rng, depth, budget)
            if node.check(value):
                return value
        raise UnsupportedSchema(node.keyword or "schema", node.path,
                                f"no sampled value satisfied the clause in {_TRIES} tries")
    if isinstance(node, AnyNode):
        return _any(rng, budget, node.path)
    if isinstance(node, NothingNode):
        raise UnsupportedSchema("false", node.path, "no value is valid here (the clause is unsatisfiable)")
    raise UnsupportedSchema(type(node).__name__, node.path, "no sampler for this node")


def _any(rng: random.Random, budget: Allowance, path: str) -> Any:
    kind = rng.randrange(4)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randint(0, _SPAN)
    return _text(rng, 0, 6, budget, path)


def _bounds(lo: int | None, hi: int | None) -> tuple[int, int]:
    if lo is None and hi is None:
        return 0, _SPAN
    if lo is None:
        assert hi is not None
        return min(hi, 0) - _SPAN if hi < 0 else 0, hi
    if hi is None:
        return lo, lo + _SPAN
    return lo, hi


def _integer(lo: int | None, hi: int | None, multiple: int | float | None, rng: random.Random) -> int:
    if multiple is None:
        a, b = _bounds(lo, hi)
        return rng.randint(a, min(b, a + _SPAN))
    step = Fraction(str(multiple)).numerator if isinstance(multiple, float) else multiple
    klo: int | None = None if lo is None else math.ceil(Fraction(lo) / step)
    khi: int | None = None if hi is None else math.floor(Fraction(hi) / step)
    a, b = _bounds(klo, khi)
    if a > b:
        raise UnsupportedSchema("multipleOf", "$", f"no multiple of {multiple} between {lo} and {hi}")
    return rng.randint(a, min(b, a + _SPAN)) * step


def _number(node: NumberNode, rng: random.Random) -> int | float:
    lo, hi = node.minimum, node.maximum
    if node.multiple_of is not None:
        m = node.multiple_of
        first, last = _bounds(None if lo is None else math.ceil(lo / m), None if hi is None else math.floor(hi / m))
        if first > last:
            raise UnsupportedSchema("multipleOf", node.path, f"no multiple of {m} between {lo} and {hi}")
        return rng.randint(first, min(last, first + _SPAN)) * m
    a = float(lo) if lo is not None else (float(hi) - _SPAN if hi is not None else 0.0)
    b = float(hi) if hi is not None else a + _SPAN

    def inside(x: float) -> bool:
        return (a < x if node.exclude_min else a <= x) and (x < b if node.exclude_max else x <= b)

    if rng.random() < 0.3:
        whole = rng.randint(math.ceil(a), math.floor(b)) if math.ceil(a) <= math.floor(b) else None
        if whole is not None and inside(whole):
            return whole
    value = round(rng.uniform(a, b), 3)
    if inside(value):
        return value
    middle = (a + b) / 2
    if inside(middle):
        return middle
    raise UnsupportedSchema("minimum", node.path, f"no number found between {lo} and {hi}")


def _text(rng: random.Random, low: int, high: int | None, budget: Allowance, path: str) -> str:
    top = low + _EXTRA_CHARS if high is None else min(high, low + _EXTRA_CHARS)
    size = min(rng.randint(low, top), max(low, budget.left))
    budget.spend(size, "minLength", path)
    return "".join(rng.choice(_ALPHABET) for _ in range(size))


def _format(fmt: str, rng: random.Random) -> str | None:
    if fmt == "uuid":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if fmt == "date":
        return f"20{rng.randint(10, 39)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if fmt == "time":
        return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"
    if fmt == "date-time":
        return f"{_format('date', rng)}T{_format('time', rng)}"
    if fmt == "email":
        return f"{_word(rng)}@example.com"
    if fmt in ("uri", "url", "iri"):
        return f"https://example.com/{_word(rng)}"
    if fmt == "hostname":
        return f"{_word(rng)}.example.com"
    if fmt == "ipv4":
        return ".".join(str(rng.randint(0, 255)) for _ in range(4))
    if fmt == "ipv6":
        return ":".join(f"{rng.randint(0, 0xFFFF):x}" for _ in range(8))
    return None


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(1, 8)))


def _string(node: StringNode, rng: random.Random, budget: Allowance) -> str:
    if node.pattern is not None:
        text = sample_matching(node.pattern, rng, node.path, max_length=budget.left)
        budget.spend(len(text), "pattern", node.path)
        return text
    if node.format is not None:
        formatted = _format(node.format, rng)
        if formatted is not None and len(formatted) <= budget.left:
            budget.spend(len(formatted), "format", node.path)
            return formatted
    return _text(rng, node.min_length, node.max_length, budget, node.path)


def _element(node: ArrayNode, i: int) -> Node:
    element = node.prefix[i] if i < len(node.prefix) else node.items
    assert element is not None
    return element


def _array(node: ArrayNode, rng: random.Random, depth: int, budget: Allowance) -> list[Any]:
    longest = node.max_items
    if node.items is None:
        longest = len(node.prefix) if longest is None else min(longest, len(node.prefix))
    if depth > _SHALLOW:
        size = node.min_items
    else:
        top = node.min_items + _EXTRA_ITEMS
        if longest is not None:
            top = min(longest, top)
        size = rng.randint(node.min_items, top)
    costs = [1 + least_size(_element(node, i)) for i in range(size)]
    while len(costs) > node.min_items and sum(costs) > budget.left:  # optional items that do not fit
        costs.pop()
    rest = sum(costs)
    out: list[Any] = []
    seen: set[Any] = set()
    for i, cost in enumerate(costs):
        element = _element(node, i)
        rest -= cost
        budget.spend(1, "minItems", node.path)
        budget.left -= rest  # set aside for the smallest values of the later items
        mark = budget.left
        for _ in range(_TRIES if node.unique else 1):
            budget.rollback_to(mark)
            value = _sample(element, rng, depth + 1, budget)
            key = unique_key(value) if node.unique else None
            if key not in seen:
                break
        else:
            if len(out) >= node.min_items:
                budget.rollback_to(mark + 1 + rest)  # the item's own unit too
                return out
            raise UnsupportedSchema("uniqueItems", node.path,
                                    f"could not find {node.min_items} distinct items")
        budget.left += rest
        if node.unique:
            seen.add(key)
        out.append(value)
    return out


def _object(node: ObjectNode, rng: random.Random, depth: int, budget: Allowance) -> dict[str, Any]:
    names = list(node.required)
    optional = [k for k in node.properties if k not in node.required]
    most = node.max_properties
    if depth <= _SHALLOW:
        names.extend(k for k in optional if rng.random() < 0.5)
    if most is not None and len(names) > most:
        names = names[: max(most, len(node.required))]
    spare = iter(k for k in optional if k not in names)
    while len(names) < node.min_properties:
        name = next(spare, None)
        if name is None:
            if node.additional is None:
                raise UnsupportedSchema("minProperties", node.path, "not enough properties may appear")
            name = f"extra_{len(names)}"
        names.append(name)
    subs = [node.properties.get(name, node.additional) for name in names]
    costs = [1 + least_size(sub) for sub in subs if sub is not None]
    assert len(costs) == len(subs)
    needed = max(len(node.required), node.min_properties)
    while len(costs) > needed and sum(costs) > budget.left:  # optional properties that do not fit
        costs.pop()
    rest = sum(costs)
    out: dict[str, Any] = {}
    for name, sub, cost in zip(names, subs, costs, strict=False):
        assert sub is not None
        rest -= cost
        budget.spend(1, "minProperties", node.path)
        budget.left -= rest  # set aside for the smallest values of the later properties
        out[name] = _sample(sub, rng, depth + 1, budget)
        budget.left += rest
    return out


def _leafiness(node: Node) -> int:
    while isinstance(node, RefNode | FilteredNode):
        node = node.target if isinstance(node, RefNode) else node.inner
    return 1 if isinstance(node, ArrayNode | ObjectNode | UnionNode) else 0


def _union(node: UnionNode, rng: random.Random, depth: int, budget: Allowance) -> Any:
    choices = list(node.choices)
    if depth > _SHALLOW:
        choices.sort(key=_leafiness)
        choices = choices[:1] + [c for c in choices[1:] if _leafiness(c) == _leafiness(choices[0])]
    choices = [c for c in choices if least_size(c) <= budget.left] or choices
    mark = budget.left
    for _ in range(_TRIES):
        budget.rollback_to(mark)
        value = _sample(rng.choice(choices), rng, depth + 1, budget)
        if not node.exclusive or node.check is None or node.check(value):
            return value
    raise UnsupportedSchema("oneOf", node.path,
                            f"no sampled value matched exactly one branch in {_TRIES} tries")
