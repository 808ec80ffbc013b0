"""Merging two JSON Schema clauses into one that means both (``allOf`` of simple cases).

:func:`merge` raises :class:`~sequrity_contract.strategies.compiler.nodes.UnsupportedSchema` when two keywords
cannot be combined into one clause (two different ``pattern`` s, two ``anyOf`` s...).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any

from .nodes import UnsupportedSchema

ANNOTATIONS = frozenset({
    "title", "description", "default", "examples", "$comment", "$schema", "$id", "$anchor",
    "readOnly", "writeOnly", "deprecated", "discriminator", "contentMediaType", "contentEncoding",
    "$defs", "definitions", "format_hint",
})
"""Keywords that do not constrain values."""

_LOWER_BOUNDS = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties")
_UPPER_BOUNDS = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties")


def _types(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _both(a: Any, b: Any) -> Any:
    if a is True or a == {}:
        return b
    if b is True or b == {}:
        return a
    return {"allOf": [a, b]}


def _multiple(a: int | float, b: int | float, path: str) -> int | float:
    fa, fb = Fraction(str(a)), Fraction(str(b))
    lcm = Fraction(math.lcm(fa.numerator, fb.numerator), math.gcd(fa.denominator, fb.denominator))
    if lcm.denominator == 1:
        return int(lcm)
    if isinstance(a, int) or isinstance(b, int):
        raise UnsupportedSchema("multipleOf", path, f"cannot combine multipleOf {a} and {b}")
    return float(lcm)


def merge(a: dict[str, Any] | bool, b: dict[str, Any] | bool, path: str) -> dict[str, Any] | bool:
    """One clause equivalent to ``{"allOf": [a, b]}`` for ``$ref``-free clauses."""
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    out = dict(a)
    for key, value in b.items():
        if key not in out or key in ANNOTATIONS:
            out.setdefault(key, value)
            continue
        mine = out[key]
        if _canonical(mine) == _canonical(value):
            continue
        if key == "type":
            kept = [t for t in _types(mine) if t in _types(value)]
            if "integer" in _types(mine) and "number" in _types(value) and "integer" not in kept:
                kept.append("integer")
            if "number" in _types(mine) and "integer" in _types(value) and "integer" not in kept:
                kept.append("integer")
            if not kept:
                return False
            out[key] = kept
        elif key == "required":
            out[key] = list(dict.fromkeys([*mine, *value]))
        elif key in _LOWER_BOUNDS and not isinstance(mine, bool) and not isinstance(value, bool):
            out[key] = max(mine, value)
        elif key in _UPPER_BOUNDS and not isinstance(mine, bool) and not isinstance(value, bool):
            out[key] = min(mine, value)
        elif key == "multipleOf":
            out[key] = _multiple(mine, value, path)
        elif key == "enum":
            theirs = {_canonical(v) for v in value}
            out[key] = [v for v in mine if _canonical(v) in theirs]
        elif key == "const":
            return False
        elif key == "uniqueItems":
            out[key] = bool(mine or value)
        elif key == "items" and isinstance(mine, dict | bool) and isinstance(value, dict | bool):
            out[key] = _both(mine, value)
        elif key == "not":
            out[key] = {"anyOf": [mine, value]}
        elif key == "properties":
            continue  # merged below, together with additionalProperties
        elif key == "additionalProperties":
            continue
        else:
            raise UnsupportedSchema(key, path, f"cannot combine {key}={_canonical(mine)[:60]} "
                                               f"with {key}={_canonical(value)[:60]} under allOf")
    if "properties" in a or "properties" in b or "additionalProperties" in a or "additionalProperties" in b:
        _merge_properties(a, b, out)
    return out


def _merge_properties(a: dict[str, Any], b: dict[str, Any], out: dict[str, Any]) -> None:
    """``properties`` and ``additionalProperties`` of both sides: a name one side does not
    list must satisfy that side's ``additionalProperties``."""
    pa, pb = a.get("properties", {}), b.get("properties", {})
    properties: dict[str, Any] = {}
    for name in dict.fromkeys([*pa, *pb]):
        left = pa[name] if name in pa else a.get("additionalProperties", True)
        right = pb[name] if name in pb else b.get("additionalProperties", True)
        properties[name] = _both(left, right)
    if properties:
        out["properties"] = properties
    extra = _both(a.get("additionalProperties", True), b.get("additionalProperties", True))
    if extra is not True:
        out["additionalProperties"] = extra
    else:
        out.pop("additionalProperties", None)
