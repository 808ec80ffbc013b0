"""Values valid against a user's JSON Schema (tool ``input_schema``, ``output_config`` format).

:func:`schema_value` samples from the shared schema compiler's tree (seeded) first and falls back to
:func:`minimal_value`; whatever it returns is checked against the schema, so a value it gives is
always valid. The tree and the checker are made once per schema (cached by its content: a request
that repeats a tool's schema pays a dictionary lookup and the sampling, not the compiling). Both stay within
the strategies' size budget (``max_size``: string characters + array items + object
properties, default ``strategies.size_budget.DEFAULT_MAX_SIZE``): a schema that requires more
gives :class:`NoValue` at once instead of a gigantic value built on the event loop.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sequrity_contract.schemas import user_schema_checker
from sequrity_contract.schemas.sse import json_encoder

_MAX_DEPTH = 24
_FORMAT_SAMPLES = {
    "date-time": "2024-01-01T00:00:00Z", "date": "2024-01-01", "time": "00:00:00Z",
    "email": "a@example.com", "uri": "https://example.com/", "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000", "hostname": "example.com",
    "ipv4": "127.0.0.1", "ipv6": "::1",
}


class NoValue(Exception):
    """No valid value could be found for a schema."""


class _Room:
    """The size units :func:`minimal_value` may still spend."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self.left = max_size

    def take(self, units: int, keyword: str) -> None:
        if units > self.left:
            raise NoValue(f"{keyword}: a valid value needs more than max_size={self.max_size} size units "
                          "(string characters, array items and object properties)")
        self.left -= units


class _ValueMaker:
    """Makes values for one schema: its compiled tree (or the reason it has none) and its checker."""

    def __init__(self, schema: dict[str, Any], max_size: int) -> None:
        from sequrity_contract.strategies.compiler import SchemaTooLarge, compile_schema

        self.schema = schema
        self.max_size = max_size
        self.too_large: str | None = None
        self.node: Any = None
        try:
            self.node = compile_schema(schema)
        except SchemaTooLarge as exc:  # the smallest valid value is over budget: no maker can help
            self.too_large = str(exc)
        except Exception:  # an unsupported or broken schema: the minimal value may still do
            self.node = None
        self.is_valid = user_schema_checker(schema)

    def make(self, rng: random.Random) -> Any:
        from sequrity_contract.strategies.compiler import Allowance, SchemaTooLarge, sample_node

        if self.too_large is not None:
            raise NoValue(self.too_large)
        makers: list[Callable[[], Any]] = [lambda: minimal_value(self.schema, max_size=self.max_size)]
        if self.node is not None:
            makers.insert(0, lambda: sample_node(self.node, rng, budget=Allowance(self.max_size)))
        for maker in makers:
            try:
                value = maker()
            except SchemaTooLarge as exc:
                raise NoValue(str(exc)) from None
            except Exception:  # this maker cannot: try the next
                continue
            if self.is_valid(value):
                return value
        raise NoValue("no generated value satisfies the schema")


_schema_key = json_encoder(sort_keys=True)
"""A schema's cache key: its JSON with sorted keys (schemas that differ only in key order share a maker)."""


@lru_cache(maxsize=1024)
def _maker(schema_json: str, max_size: int) -> _ValueMaker:
    return _ValueMaker(json.loads(schema_json), max_size)


def schema_value(schema: Any, rng: random.Random, *, max_size: int | None = None) -> Any:
    """A value valid against ``schema`` of at most ``max_size`` size units (default: the
    strategies' budget); raises :class:`NoValue` when none could be produced."""
    return schema_value_and_check(schema, rng, max_size=max_size)[0]


def schema_value_and_check(schema: Any, rng: random.Random, *, max_size: int | None = None
                           ) -> tuple[Any, Callable[[Any], bool]]:
    """:func:`schema_value` and the compiled check of values against ``schema`` (what
    ``user_schema_checker(schema)`` gives), from one encoding of the schema."""
    from sequrity_contract.strategies.compiler import DEFAULT_MAX_SIZE

    if not isinstance(schema, dict):
        raise NoValue(f"schema={schema!r}: expected a JSON Schema object")
    try:
        key = _schema_key(schema)
    except (TypeError, ValueError):
        raise NoValue("the schema is not JSON") from None
    maker = _maker(key, DEFAULT_MAX_SIZE if max_size is None else max_size)
    return maker.make(rng), maker.is_valid


def minimal_value(schema: Any, root: dict[str, Any] | None = None, depth: int = 0, *,
                  max_size: int | None = None) -> Any:
    """The smallest simple value the common JSON Schema keywords allow (not checked; may be invalid).

    Raises :class:`NoValue` naming the keyword when it would exceed ``max_size`` size units
    (string characters + array items + object properties; default: the strategies' budget).
    """
    from sequrity_contract.strategies.compiler import DEFAULT_MAX_SIZE

    return _minimal(schema, root, depth, _Room(DEFAULT_MAX_SIZE if max_size is None else max_size))


def _minimal(schema: Any, root: dict[str, Any] | None, depth: int, room: _Room) -> Any:
    if depth > _MAX_DEPTH:
        raise NoValue("schema nested too deeply")
    if schema is True or schema == {}:
        return {}
    if not isinstance(schema, dict):
        raise NoValue(f"schema={schema!r}: not a schema object")
    root = schema if root is None else root
    if "$ref" in schema:
        return _minimal(_resolve(schema["$ref"], root), root, depth + 1, room)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            return _minimal(schema[key][0], root, depth + 1, room)
    if isinstance(schema.get("allOf"), list):
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            if isinstance(part, dict):
                merged.update(part)
        return _minimal(merged, root, depth + 1, room)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if kind is None:
        if "properties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
    if kind == "object" or kind is None:
        declared = schema.get("properties")
        properties: dict[str, Any] = declared if isinstance(declared, dict) else {}
        names = [name for name in schema.get("required") or [] if isinstance(name, str)]
        room.take(len(names), "required")
        return {name: _minimal(properties.get(name, {}), root, depth + 1, room) if name in properties else ""
                for name in names}
    if kind == "array":
        count = schema.get("minItems", 0)
        count = count if isinstance(count, int) else 0
        room.take(count, "minItems")
        items = schema.get("items", {})
        return [_minimal(items, root, depth + 1, room) for _ in range(count)]
    if kind == "string":
        if schema.get("format") in _FORMAT_SAMPLES:
            return _FORMAT_SAMPLES[schema["format"]]
        length = schema.get("minLength", 0)
        length = length if isinstance(length, int) else 0
        room.take(length, "minLength")
        return "a" * length
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
