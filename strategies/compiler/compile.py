"""One JSON Schema compiler, two back ends.

:func:`compile_schema` turns a schema into a tree of :mod:`sequrity_contract.strategies.compiler.nodes` once (cached
by the schema's content); :func:`to_strategy` makes a hypothesis strategy of the tree and
:func:`sample_value` draws a value from it with a seeded :class:`random.Random`, so the mock
server synthesises values from the same definitions the tests generate from.

>>> import random
>>> sample_value({"type": "integer", "minimum": 3, "maximum": 3}, random.Random(0))
3
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urldefrag, urljoin

from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sequrity_contract.schemas import DOCUMENTS, json_path, load
from sequrity_contract.schemas.registry import BASE_URI

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
from .schema_merge import ANNOTATIONS, merge

#: Keywords the compiler refuses (values would need search, not construction).
UNSUPPORTED_KEYWORDS = frozenset({
    "$dynamicRef", "$recursiveRef", "unevaluatedProperties", "unevaluatedItems", "contains",
    "dependentSchemas", "dependencies", "patternProperties", "propertyNames", "if",
})
_TYPE_KEYWORDS = {
    "object": ("properties", "required", "additionalProperties", "minProperties", "maxProperties"),
    "array": ("items", "prefixItems", "minItems", "maxItems", "uniqueItems", "additionalItems"),
    "string": ("minLength", "maxLength", "pattern", "format"),
    "number": ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"),
}
_ALL_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")
Path = tuple[str | int, ...]


class _Document:
    """A schema document, the URI it lives at, and a validator rooted in it."""

    def __init__(self, contents: Any, uri: str, registry: Registry) -> None:
        self.contents = contents
        self.uri = uri
        cls = validator_for(contents, default=Draft202012Validator) if isinstance(contents, dict) else (
            Draft202012Validator)
        self.validator = cls(contents, registry=registry)

    def checker(self, clause: Any) -> Callable[[Any], bool]:
        """A predicate: does a value satisfy ``clause`` (a part of this document)?"""
        evolved = self.validator.evolve(schema=clause)
        return evolved.is_valid


class _Compiler:
    def __init__(self, root: Any, documents: Mapping[str, Any]) -> None:
        base = root.get("$id", "urn:sequrity-strategies:root") if isinstance(root, dict) else "urn:root"
        resources = [(uri, Resource.from_contents(doc, default_specification=DRAFT202012))
                     for uri, doc in documents.items()]
        resources.append((base, Resource.from_contents(root, default_specification=DRAFT202012)))
        self.registry: Registry = Registry().with_resources(resources)
        self.documents: dict[str, _Document] = {}
        self.root = self._document(base, root)
        self.extra = dict(documents)
        self.refs: dict[tuple[str, str], Node] = {}

    def _document(self, uri: str, contents: Any) -> _Document:
        if uri not in self.documents:
            self.documents[uri] = _Document(contents, uri, self.registry)
        return self.documents[uri]

    # -- references ------------------------------------------------------------------

    def _locate(self, ref: str, doc: _Document, path: Path) -> tuple[_Document, str, Any]:
        url, fragment = urldefrag(urljoin(doc.uri, ref))
        if url == doc.uri or not url:
            target_doc = doc
        elif url in self.documents:
            target_doc = self.documents[url]
        elif url in self.extra:
            target_doc = self._document(url, self.extra[url])
        else:
            raise UnsupportedSchema("$ref", json_path(path), f"{ref!r} is not a local reference "
                                    "(only '#/...' JSON pointers and documents passed in are resolved)")
        if fragment and not fragment.startswith("/"):
            raise UnsupportedSchema("$ref", json_path(path),
                                    f"{ref!r}: anchors are not resolved, use '#/...'")
        node: Any = target_doc.contents
        for raw in fragment.split("/")[1:] if fragment else []:
            part = raw.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(part)] if isinstance(node, list) else node[part]
            except (KeyError, IndexError, ValueError, TypeError):
                raise UnsupportedSchema("$ref", json_path(path), f"{ref!r} points at nothing") from None
        return target_doc, fragment, node

    def _ref(self, ref: str, doc: _Document, path: Path) -> Node:
        target_doc, fragment, target = self._locate(ref, doc, path)
        key = (target_doc.uri, fragment)
        if key in self.refs:
            return self.refs[key]
        target_path: Path = tuple(p for p in fragment.split("/")[1:]) if fragment else ()
        node = RefNode(json_path(path), ref, lambda: self.compile(target, target_doc, target_path))
        self.refs[key] = node
        return node

    def _deref(self, schema: Any, doc: _Document, path: Path, seen: frozenset[str] = frozenset()) -> Any:
        """``schema`` with a leading ``$ref`` replaced by its target (for merging)."""
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if ref in seen:
                raise UnsupportedSchema("allOf", json_path(path), f"recursive {ref!r} inside allOf")
            seen = seen | {ref}
            _, _, target = self._locate(ref, doc, path)
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            resolved = self._deref_all(target, doc, path, seen)
            schema = merge(rest, resolved, json_path(path)) if rest else target
        return self._deref_all(schema, doc, path, seen)

    def _deref_all(self, schema: Any, doc: _Document, path: Path, seen: frozenset[str]) -> Any:
        if isinstance(schema, dict) and "allOf" in schema:
            merged: Any = {k: v for k, v in schema.items() if k != "allOf"}
            for member in schema["allOf"]:
                merged = merge(merged, self._deref(member, doc, path, seen), json_path([*path, "allOf"]))
            return self._deref(merged, doc, path, seen) if isinstance(merged, dict) and (
                "$ref" in merged or "allOf" in merged) else merged
        return schema

    # -- compiling -------------------------------------------------------------------

    def compile(self, schema: Any, doc: _Document, path: Path) -> Node:
        where = json_path(path)
        if schema is True:
            return AnyNode(where)
        if schema is False:
            return NothingNode(where)
        if not isinstance(schema, dict):
            raise UnsupportedSchema("schema", where, f"a schema is an object or a boolean, got {schema!r}")
        for keyword in schema:
            if keyword in UNSUPPORTED_KEYWORDS:
                raise UnsupportedSchema(keyword, where, "this keyword is not compiled")
        if "$ref" in schema:
            rest = {k: v for k, v in schema.items() if k not in ANNOTATIONS and k != "$ref"}
            if not rest:
                return self._ref(schema["$ref"], doc, path)
            return self.compile(self._deref(schema, doc, path), doc, path)
        if "allOf" in schema:
            return self.compile(self._deref(schema, doc, path), doc, path)
        if "not" in schema:
            rest = {k: v for k, v in schema.items() if k != "not"}
            return FilteredNode(where, self.compile(rest, doc, path), doc.checker(schema), "not")
        if "enum" in schema or "const" in schema:
            return self._enum(schema, doc, where)
        if "anyOf" in schema or "oneOf" in schema:
            return self._union(schema, doc, path)
        # OpenAPI's ``nullable`` means nothing to JSON Schema validators, so it is ignored.
        return self._typed(schema, doc, path)

    def _enum(self, schema: dict[str, Any], doc: _Document, where: str) -> Node:
        values = [schema["const"]] if "const" in schema else list(schema["enum"])
        check = doc.checker(schema)
        kept = tuple(v for v in values if check(v))
        if not kept:
            return NothingNode(where)
        return ConstNode(where, kept)

    def _union(self, schema: dict[str, Any], doc: _Document, path: Path) -> Node:
        where = json_path(path)
        base = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
        keyword = "anyOf" if "anyOf" in schema else "oneOf"
        constrained = {k: v for k, v in base.items() if k not in ANNOTATIONS}
        choices = []
        for i, branch in enumerate(schema[keyword]):
            branch_path = (*path, keyword, i)
            if constrained:
                merged = merge(constrained, self._deref(branch, doc, branch_path), json_path(branch_path))
                node = self.compile(merged, doc, branch_path)
            else:
                node = self.compile(branch, doc, branch_path)
            if not isinstance(node, NothingNode):
                choices.append(node)
        if not choices:
            return NothingNode(where)
        exclusive = "oneOf" in schema or ("anyOf" in schema and "oneOf" in base)
        check = doc.checker(schema) if exclusive else None
        return UnionNode(where, tuple(choices), exclusive, check)

    def _typed(self, schema: dict[str, Any], doc: _Document, path: Path) -> Node:
        where = json_path(path)
        if "type" in schema:
            types = [schema["type"]] if isinstance(schema["type"], str) else list(schema["type"])
        else:
            types = [t for t, keys in _TYPE_KEYWORDS.items() if any(k in schema for k in keys)]
            if not types:
                return AnyNode(where)
            if "number" in types:
                types.append("integer")
        if "number" in types and "integer" in types:
            types.remove("integer")
        nodes = [self._of_type(t, schema, doc, path) for t in types]
        nodes = [n for n in nodes if not isinstance(n, NothingNode)]
        if not nodes:
            return NothingNode(where)
        return nodes[0] if len(nodes) == 1 else UnionNode(where, tuple(nodes))

    def _of_type(self, kind: str, schema: dict[str, Any], doc: _Document, path: Path) -> Node:
        where = json_path(path)
        if kind == "null":
            return NullNode(where)
        if kind == "boolean":
            return BooleanNode(where)
        if kind in ("integer", "number"):
            return self._numeric(kind, schema, doc, where)
        if kind == "string":
            node = StringNode(where, int(schema.get("minLength", 0)), _opt_int(schema.get("maxLength")),
                              schema.get("pattern"), schema.get("format"))
            if node.max_length is not None and node.max_length < node.min_length:
                return NothingNode(where)
            if node.pattern is not None or node.format is not None:
                clause = {k: schema[k] for k in _TYPE_KEYWORDS["string"] if k in schema}
                return FilteredNode(where, node, doc.checker({"type": "string", **clause}), "pattern")
            return node
        if kind == "array":
            return self._array(schema, doc, path)
        if kind == "object":
            return self._object(schema, doc, path)
        raise UnsupportedSchema("type", where, f"unknown type {kind!r}; expected one of {list(_ALL_TYPES)}")

    def _numeric(self, kind: str, schema: dict[str, Any], doc: _Document, where: str) -> Node:
        lo, hi = schema.get("minimum"), schema.get("maximum")
        xlo, xhi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        exclude_min = exclude_max = False
        if xlo is True:  # draft 4 boolean form
            exclude_min = True
        elif isinstance(xlo, int | float) and not isinstance(xlo, bool) and (lo is None or xlo >= lo):
            lo, exclude_min = xlo, True
        if xhi is True:
            exclude_max = True
        elif isinstance(xhi, int | float) and not isinstance(xhi, bool) and (hi is None or xhi <= hi):
            hi, exclude_max = xhi, True
        multiple = schema.get("multipleOf")
        if kind == "integer":
            ilo = None if lo is None else (math.floor(lo) + 1 if exclude_min and lo == math.floor(lo)
                                           else math.ceil(lo))
            ihi = None if hi is None else (math.ceil(hi) - 1 if exclude_max and hi == math.ceil(hi)
                                           else math.floor(hi))
            if ilo is not None and ihi is not None and ilo > ihi:
                return NothingNode(where)
            node: Node = IntegerNode(where, ilo, ihi, multiple)
        else:
            if lo is not None and hi is not None and (lo > hi or (lo == hi and (exclude_min or exclude_max))):
                return NothingNode(where)
            node = NumberNode(where, lo, hi, exclude_min, exclude_max, multiple)
        if isinstance(multiple, float) or (kind == "number" and multiple is not None):
            clause = {k: schema[k] for k in _TYPE_KEYWORDS["number"] if k in schema}
            node = FilteredNode(where, node, doc.checker({"type": kind, **clause}), "multipleOf")
        return node

    def _array(self, schema: dict[str, Any], doc: _Document, path: Path) -> Node:
        where = json_path(path)
        items = schema.get("items", True)
        if isinstance(items, list):  # draft 4-7 tuple form
            prefix_schemas, rest, rest_key = items, schema.get("additionalItems", True), "additionalItems"
        else:
            prefix_schemas, rest, rest_key = schema.get("prefixItems", []), items, "items"
        prefix = tuple(self.compile(s, doc, (*path, "prefixItems" if rest_key == "items" else "items", i))
                       for i, s in enumerate(prefix_schemas))
        rest_node: Node | None = self.compile(rest, doc, (*path, rest_key))
        min_items, max_items = int(schema.get("minItems", 0)), _opt_int(schema.get("maxItems"))
        if isinstance(rest_node, NothingNode):
            rest_node = None
            max_items = len(prefix) if max_items is None else min(max_items, len(prefix))
        for i, node in enumerate(prefix):
            if isinstance(node, NothingNode):  # positions from i on cannot be filled
                max_items = i if max_items is None else min(max_items, i)
                break
        if max_items is not None and max_items < min_items:
            return NothingNode(where)
        return ArrayNode(where, prefix, rest_node, min_items, max_items, bool(schema.get("uniqueItems")))

    def _object(self, schema: dict[str, Any], doc: _Document, path: Path) -> Node:
        where = json_path(path)
        additional_path = (*path, "additionalProperties")
        additional = self.compile(schema.get("additionalProperties", True), doc, additional_path)
        extra = None if isinstance(additional, NothingNode) else additional
        properties: dict[str, Node] = {}
        for name, sub in (schema.get("properties") or {}).items():
            properties[name] = self.compile(sub, doc, (*path, "properties", name))
        required = tuple(dict.fromkeys(schema.get("required", ())))
        for name in required:
            if name not in properties:
                if extra is None:
                    return NothingNode(where)
                properties[name] = extra
            elif isinstance(properties[name], NothingNode):
                return NothingNode(where)
        properties = {k: v for k, v in properties.items() if not isinstance(v, NothingNode)}
        return ObjectNode(where, properties, required, extra, int(schema.get("minProperties", 0)),
                          _opt_int(schema.get("maxProperties")))


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


_CACHE: dict[str, Node] = {}
_CACHE_LIMIT = 1024


def compile_schema(schema: dict[str, Any] | bool, *, documents: Mapping[str, Any] | None = None) -> Node:
    """Compile ``schema`` into a node tree, once per schema content.

    Local ``$ref`` s (``#/...``) are resolved lazily (recursive schemas compile); references to
    other documents resolve against ``documents`` (URI -> schema). Raises
    :class:`UnsupportedSchema` naming the keyword and JSON path of anything it cannot compile.
    """
    try:
        key = json.dumps([schema, documents or {}], sort_keys=True)
    except (TypeError, ValueError) as exc:
        raise UnsupportedSchema("schema", "$", f"a JSON-serialisable schema ({exc})") from None
    node = _CACHE.get(key)
    if node is None:
        compiler = _Compiler(schema, documents or {})
        node = compiler.compile(schema, compiler.root, ())
        _force(node, set())
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[key] = node
    return node


def contract_documents() -> dict[str, Any]:
    """The contract's schema documents by URI, for ``documents=`` when compiling
    ``schemas.load(name)`` (their cross-document ``$ref`` s resolve against it)."""
    return {BASE_URI + filename: load(name) for name, filename in DOCUMENTS.items()}


def _force(node: Node, seen: set[int]) -> None:
    """Resolve every reference now, so unsupported keywords surface at compile time."""
    if id(node) in seen:
        return
    seen.add(id(node))
    children: list[Node] = []
    if isinstance(node, RefNode):
        children = [node.target]
    elif isinstance(node, FilteredNode):
        children = [node.inner]
    elif isinstance(node, UnionNode):
        children = list(node.choices)
    elif isinstance(node, ArrayNode):
        children = [*node.prefix, *([node.items] if node.items else [])]
    elif isinstance(node, ObjectNode):
        children = [*node.properties.values(), *([node.additional] if node.additional else [])]
    for child in children:
        _force(child, seen)
