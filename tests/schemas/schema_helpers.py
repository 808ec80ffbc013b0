"""Helpers for the schema tests: a structural normaliser that makes two JSON Schemas
comparable, and validators for one ``$defs`` entry of a document.

Kept in the tests on purpose: the library never needs to compare schemas.
"""

from __future__ import annotations

import copy
import functools
import json
from typing import Any

from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sequrity_contract.schemas.registry import BASE_URI, DOCUMENTS, registry

#: Keywords that annotate a schema and do not change which instances it accepts.
ANNOTATIONS = frozenset({"title", "description", "$schema", "$id", "$defs", "$comment", "examples"})
#: Keywords whose value is one sub-schema, a list of them, or a map of names to them.
ONE_SCHEMA = frozenset(
    {
        "items",
        "additionalProperties",
        "not",
        "contains",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "if",
        "then",
        "else",
    }
)
SCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "dependentSchemas"})
_JSON_TYPES = {"string": str, "object": dict, "array": list, "boolean": bool}


def canonical(value: Any) -> str:
    """A stable text form of a JSON value, for sorting and set membership."""
    return json.dumps(value, sort_keys=True, default=repr)


def _number(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def normalise(schema: Any, resolver: Any) -> Any:
    """The structural core of ``schema``: ``$ref`` inlined (resolved with ``resolver``),
    annotations dropped, unions and ``required`` sorted, and a few spellings that accept
    the same instances made identical (``additionalProperties: true`` dropped, ``type``
    beside a ``const`` of that type dropped, ``{"const": {}}`` written as an empty object)."""
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        target = normalise(resolved.contents, resolved.resolver)
        siblings = normalise({k: v for k, v in schema.items() if k != "$ref"}, resolver)
        if not siblings:
            return target
        if isinstance(target, dict) and not set(target) & set(siblings):
            return {**target, **siblings}
        return {"allOf": sorted([target, siblings], key=canonical)}
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS or key.startswith("x-"):
            continue
        if key in ONE_SCHEMA:
            out[key] = normalise(value, resolver)
        elif key in SCHEMA_LISTS:
            branches = [normalise(v, resolver) for v in value]
            out[key] = branches if key == "prefixItems" else sorted(branches, key=canonical)
        elif key in SCHEMA_MAPS:
            out[key] = {name: normalise(v, resolver) for name, v in value.items()}
        elif key == "discriminator":
            out[key] = {
                "propertyName": value["propertyName"],
                "mapping": {
                    tag: normalise({"$ref": ref}, resolver) for tag, ref in value.get("mapping", {}).items()
                },
            }
        elif key in ("required", "enum"):
            out[key] = sorted(value, key=canonical)
        else:
            out[key] = _number(value)
    if out.get("additionalProperties") is True:
        del out["additionalProperties"]
    if out.get("const") == {} and isinstance(out.get("const"), dict):
        del out["const"]
        out.update(type="object", maxProperties=0)
    elif "const" in out and isinstance(out.get("type"), str):
        python_type = _JSON_TYPES.get(out["type"])
        if python_type is not None and type(out["const"]) is python_type:
            del out["type"]
    if set(out) == {"allOf"} and len(out["allOf"]) == 1:
        return out["allOf"][0]
    return out


def normalise_standalone(schema: dict[str, Any]) -> Any:
    """:func:`normalise` a self-contained schema (its ``$ref`` point into its own ``$defs``)."""
    uri = "urn:standalone"
    resource = Resource.from_contents(schema, default_specification=DRAFT202012)
    return normalise(schema, Registry().with_resource(uri, resource).resolver(base_uri=uri))


def document_uri(name: str) -> str:
    """The ``$id`` of the document ``name`` (``request``, ``response``, ..., or a registered document
    with an ``$id``, such as ``responses.request``)."""
    if name in DOCUMENTS:
        return BASE_URI + DOCUMENTS[name]
    from sequrity_contract.schemas import load

    return str(load(name)["$id"])


def normalise_document(name: str, pointer: str = "") -> Any:
    """:func:`normalise` the document ``name``, or its part at the JSON pointer ``pointer``."""
    return normalise({"$ref": document_uri(name) + "#" + pointer}, registry().resolver())


def first_difference(left: Any, right: Any, path: str = "$") -> str | None:
    """Where two JSON values first differ, as a readable line; None when equal."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                return f"{path}.{key}: only in {'right' if key not in left else 'left'}"
            found = first_difference(left[key], right[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if left == right else f"{path}: {canonical(left)[:300]} != {canonical(right)[:300]}"


def definition_validator(document: str, definition: str) -> Draft202012Validator:
    """A validator for ``#/$defs/<definition>`` of our document ``document``."""
    return Draft202012Validator(
        {"$ref": f"{document_uri(document)}#/$defs/{definition}"}, registry=registry()
    )


def definitions_of(document: str) -> list[str]:
    """The names under ``$defs`` of our document ``document``."""
    from sequrity_contract.schemas import load

    return sorted(load(document).get("$defs", {}))


# -- invalid instances by mutation -----------------------------------------------------------

_WRONG_VALUES: tuple[Any, ...] = (None, True, 7, 2.5, "text", [], {})
MUTATIONS = ("wrong_type", "drop_key", "unknown_tag", "extra_key")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            out.extend(_paths(sub, (*prefix, key)))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            out.extend(_paths(sub, (*prefix, i)))
    return out


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _same_json_type(a: Any, b: Any) -> bool:
    def kind(x: Any) -> str:
        if isinstance(x, bool) or x is None:
            return repr(x)
        if isinstance(x, int | float):
            return "number"
        return type(x).__name__

    return kind(a) == kind(b)


def mutate(value: Any, path: tuple[Any, ...], mutation: str, replacement_index: int) -> Any:
    """A copy of ``value`` broken at ``path``: a value of another JSON type, a dropped key,
    an unknown ``type`` tag or an unexpected key. The copy may still be valid."""
    out = copy.deepcopy(value)
    target = _get(out, path)
    if mutation == "drop_key" and path and isinstance(path[-1], str):
        del _get(out, path[:-1])[path[-1]]
        return out
    if mutation == "unknown_tag" and isinstance(target, dict) and "type" in target:
        target["type"] = "no_such_type"
        return out
    if mutation == "extra_key" and isinstance(target, dict):
        target["unexpected_key"] = 1
        return out
    choices = [w for w in _WRONG_VALUES if not _same_json_type(w, target)]
    replacement = copy.deepcopy(choices[replacement_index % len(choices)])
    if not path:
        return replacement
    _get(out, path[:-1])[path[-1]] = replacement
    return out


def mutations_of(valid: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Instances drawn from ``valid`` and then broken by :func:`mutate` at a random place."""

    @st.composite
    def build(draw: st.DrawFn) -> Any:
        value = draw(valid)
        path = draw(st.sampled_from(_paths(value)))
        mutation = draw(st.sampled_from(MUTATIONS))
        return mutate(value, path, mutation, draw(st.integers(0, len(_WRONG_VALUES))))

    return build()


@functools.cache
def valid_instances(name: str) -> st.SearchStrategy[Any]:
    """hypothesis-jsonschema's strategy for the schema ``name``, built once (building is slow). A
    registered document (``responses.*``) is self-contained: its own ``$defs``, local references."""
    from hypothesis_jsonschema import from_schema

    from sequrity_contract.schemas import NAMES, load
    from sequrity_contract.schemas.openapi import bundle

    return from_schema(bundle(name) if name in NAMES else load(name))


@functools.cache
def invalid_instances(name: str) -> st.SearchStrategy[Any]:
    """:func:`mutations_of` the valid instances of ``name``, built once."""
    return mutations_of(valid_instances(name))


def examples(n: int) -> int:
    """``n`` examples for a slow property under the dev and CI profiles; proportionally
    more under ``sequrity-nightly`` (``n`` per 100 of the profile's max_examples)."""
    from hypothesis import settings

    return n * max(1, settings.default.max_examples // 100)
