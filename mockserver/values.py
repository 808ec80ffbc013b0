"""Values valid against a user's JSON Schema (tool ``input_schema``, ``output_config`` format).

:func:`schema_value` asks the shared schema compiler (``strategies.compiler.sample_value``,
seeded) first and falls back to :func:`minimal_value`; whatever it returns is checked with
:func:`schemas.user_schema_violations`, so a value it gives is always valid.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from schemas import user_schema_violations

_MAX_DEPTH = 24
_FORMAT_SAMPLES = {
    "date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01", "time": "00:00:00Z",
    "email": "a@example.com", "uri": "https://example.com/", "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000", "hostname": "example.com",
    "ipv4": "127.0.0.1", "ipv6": "::1",
}


class NoValue(Exception):
    """No valid value could be found for a schema."""


def _compiler() -> Callable[[dict[str, Any], random.Random], Any] | None:
    try:
        from strategies.compiler import sample_value
    except ImportError:
        return None
    return sample_value


def schema_value(schema: Any, rng: random.Random) -> Any:
    """A value valid against ``schema``; raises :class:`NoValue` when none could be produced."""
    if not isinstance(schema, dict):
        raise NoValue(f"schema={schema!r}: expected a JSON Schema object")
    makers: list[Callable[[], Any]] = []
    sample = _compiler()
    if sample is not None:
        makers.append(lambda: sample(schema, rng))
    makers.append(lambda: minimal_value(schema))
    for make in makers:
        try:
            value = make()
        except Exception:  # an unsupported or broken schema: try the next maker
            continue
        if not user_schema_violations(schema, value):
            return value
    raise NoValue("no generated value satisfies the schema")


def minimal_value(schema: Any, root: dict[str, Any] | None = None, depth: int = 0) -> Any:
    """The smallest simple value the common JSON Schema keywords allow (not checked; may be invalid)."""
    if depth > _MAX_DEPTH:
        raise NoValue("schema nested too deeply")
    if schema is True or schema == {}:
        return {}
    if not isinstance(schema, dict):
        raise NoValue(f"schema={schema!r}: not a schema object")
    root = schema if root is None else root
    if "$ref" in schema:
        return minimal_value(_resolve(schema["$ref"], root), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return minimal_value(schema[key][0], root, depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            if isinstance(part, dict):
                merged.update(part)
        return minimal_value(merged, root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind is None:
        if "properties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
    if kind == "object" or kind is None:
        properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        return {name: minimal_value(properties.get(name, {}), root, depth + 1) if name in properties else ""
                for name in schema.get("required") or [] if isinstance(name, str)}
    if kind == "array":
        count = schema.get("minItems", 0)
        items = schema.get("items", {})
        return [minimal_value(items, root, depth + 1) for _ in range(count if isinstance(count, int) else 0)]
    if kind == "string":
        if schema.get("format") in _FORMAT_SAMPLES:
            return _FORMAT_SAMPLES[schema["format"]]
        length = schema.get("minLength", 0)
        return "a" * (length if isinstance(length, int) and length < 10_000 else 0)
    if kind in ("integer", "number"):
        return _minimal_number(schema, kind)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    raise NoValue(f"type={kind!r}: not a JSON Schema type")


def _minimal_number(schema: dict[str, Any], kind: str) -> int | float:
    low = schema.get("minimum")
    exclusive = schema.get("exclusiveMinimum")
    value: int | float = 0
    if isinstance(low, int | float):
        value = low
    if isinstance(exclusive, int | float):
        value = max(value, exclusive + 1) if kind == "integer" else max(value, exclusive + 0.5)
    high = schema.get("maximum")
    if isinstance(high, int | float) and value > high:
        value = high
    if kind == "integer":
        value = int(value) if float(value).is_integer() else int(value) + 1
    return value


def _resolve(ref: Any, root: dict[str, Any]) -> Any:
    if not isinstance(ref, str) or not ref.startswith("#"):
        raise NoValue(f"$ref={ref!r}: only local references are supported")
    node: Any = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            raise NoValue(f"$ref={ref!r}: does not resolve")
        node = node[part]
    return node
