"""The OpenAPI 3.1 document of the served routes, derived from the registries: every
:class:`~.endpoint.Endpoint` of :data:`~.endpoint.ENDPOINTS`, every JSON route of
:data:`~.json_routes.JSON_ROUTES`, and ``/control/health``.

An endpoint states what the export needs (its path, documents, providers, SSE format, ``summary``,
``operation`` and ``stream_order``); the documents its operations reach, package or registered
(:func:`~.registry.register_document`), and every document they refer to become
``components/schemas``: a document under its title (its name when it has none), a definition under
its own name, or ``<document title>.<name>`` when an earlier document has taken that name; every
``$ref`` is rewritten to point there. :func:`bundle` gives the same definitions as one
self-contained JSON Schema, for tools that cannot follow references across documents.

The schema documents mirror the published reference field for field; the server enforces more
(the semantic rules of :mod:`.rules`). The export states every rule JSON Schema can express (a rule
registered with a :class:`~.rules.SchemaForm`: ``minItems``, bounds, required tags, the first turn's
role) so that a stock tool such as ``schemathesis run`` generates requests the server accepts; the
rules it cannot state in full are listed, with their statements, in the request body's
``description`` and under ``x-semantic-rules`` (see ``docs/reference/openapi.md``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any
from urllib.parse import urljoin

from .endpoint import ENDPOINTS, Endpoint
from .headers import HEADER_DOCUMENTS
from .json_routes import JSON_ROUTES, JsonRoute
from .registry import EVENT_DEFINITIONS, document_uri, load, names
from .rules import ERROR_TYPES, RULES, Rule, rules_for

OPENAPI_VERSION = "3.1.0"
#: Statuses the server answers beyond :data:`ERROR_TYPES` (their ``error.type`` is ``invalid_request_error``):
#: 405 for a method the route does not take, 408 for a body that does not arrive in time (``--body-timeout``).
EXTRA_ERROR_STATUSES = {405: "the route takes POST only (the Allow header says so)",
                        408: "the request body did not arrive within the server's body timeout"}
ENDPOINT_TAG = "endpoint"
"""The tag of every operation of a registered endpoint (``schemathesis.toml`` selects them by it)."""
JSON_ROUTE_TAG = "json-route"
"""The tag of every operation of a JSON route."""
_ANNOTATIONS_TO_DROP = ("$schema", "$id", "$defs")
_NOT_KEYWORDS = ("const", "enum", "default", "examples")
_COMPONENT_NAME = re.compile(r"[^A-Za-z0-9._-]")

Schemas = dict[str, dict[str, Any]]


def _is_document(name: str) -> bool:
    return not (name.startswith("event.") and name[6:] in EVENT_DEFINITIONS)


def _document_uris() -> dict[str, str]:
    """Every document's URI (see :func:`~.registry.document_uri`) -> its name."""
    uris: dict[str, str] = {}
    for name in names():
        uri = document_uri(name) if _is_document(name) else None
        if uri is not None:
            uris.setdefault(uri, name)
    return uris


def _split_ref(ref: str, document: str, uris: dict[str, str]) -> tuple[str, str]:
    """(document name, pointer) a reference found in ``document`` points to."""
    target, _, pointer = ref.partition("#")
    if not target:
        return document, pointer
    absolute = urljoin(document_uri(document) or "", target)
    if absolute in uris:
        return uris[absolute], pointer
    raise ValueError(f"$ref={ref!r} in the {document!r} document points outside the schema documents")


def _refs(node: Any) -> Iterable[str]:
    """Every ``$ref`` and discriminator mapping target in ``node``."""
    if isinstance(node, list):
        for item in node:
            yield from _refs(item)
    elif isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict):
            yield from (str(ref) for ref in discriminator.get("mapping", {}).values())
        for key, value in node.items():
            if key not in _NOT_KEYWORDS:
                yield from _refs(value)


def documents_reached(roots: Iterable[str]) -> list[str]:
    """``roots`` (document names) and every document they refer to, directly or through others,
    each once, in the order first reached."""
    uris = _document_uris()
    order: list[str] = []
    pending = [root for root in roots if _is_document(root)]
    pending.reverse()
    while pending:
        name = pending.pop()
        if name in order:
            continue
        order.append(name)
        targets = [_split_ref(ref, name, uris)[0] for ref in _refs(load(name))]
        pending.extend(reversed([t for t in targets if t not in order]))
    return order


def export_documents() -> list[str]:
    """The documents the export's operations reach: each endpoint's request, response, event and
    error documents, each JSON route's documents, the header documents, and what they refer to."""
    roots = [name for endpoint in ENDPOINTS.values()
             for name in (endpoint.request, endpoint.response, endpoint.event, endpoint.error)]
    roots += [name for route in JSON_ROUTES.values() for name in (route.request, route.response)]
    return documents_reached([*roots, *HEADER_DOCUMENTS.values()])


class ComponentNames:
    """The component name of each document and of each of its definitions (see the module docstring)."""

    def __init__(self, documents: Iterable[str]) -> None:
        self.documents: dict[str, str] = {}
        self.definitions: dict[tuple[str, str], str] = {}
        taken: set[str] = set()
        for document in documents:
            title = _COMPONENT_NAME.sub("_", str(load(document).get("title") or document))
            if title in taken:
                title = _COMPONENT_NAME.sub("_", document)
            if title in taken:
                raise ValueError(f"two schemas are named {title!r} (one is the {document!r} document)")
            self.documents[document] = title
            taken.add(title)
        for document, title in self.documents.items():
            for definition in load(document).get("$defs", {}):
                name = definition if definition not in taken else f"{title}.{definition}"
                if name in taken:
                    raise ValueError(f"two schemas are named {name!r} (one in the {document!r} document)")
                self.definitions[document, definition] = name
                taken.add(name)

    def of_ref(self, ref: str, document: str, uris: dict[str, str]) -> str:
        """The component a reference found in ``document`` points to."""
        target, pointer = _split_ref(ref, document, uris)
        if pointer in ("", "/"):
            return self.documents[target]
        parts = pointer.strip("/").split("/")
        if len(parts) != 2 or parts[0] != "$defs":
            raise ValueError(
                f"$ref={ref!r} in the {document!r} document: expected '#/$defs/<name>' or a whole document")
        return self.definitions[target, parts[1]]


def _rewrite(node: Any, component: Callable[[str], str], prefix: str) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, component, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ANNOTATIONS_TO_DROP:
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = prefix + component(value)
        elif key == "discriminator" and isinstance(value, dict):
            mapping = {tag: prefix + component(ref) for tag, ref in value.get("mapping", {}).items()}
            out[key] = {**value, "mapping": mapping}
        elif key in ("properties", "patternProperties"):
            # keys here are property names, not keywords: keep them all
            out[key] = {prop: _rewrite(sub, component, prefix) for prop, sub in value.items()}
        elif key in _NOT_KEYWORDS:
            out[key] = copy.deepcopy(value)
        else:
            out[key] = _rewrite(value, component, prefix)
    return out


def component_schemas(prefix: str = "#/components/schemas/", documents: Iterable[str] | None = None, *,
                      stated_rules: bool = False) -> Schemas:
    """Every document of ``documents`` (default: :func:`export_documents`) and its definitions as
    one flat map of named schemas whose ``$ref`` read ``<prefix><name>``. ``stated_rules``: with
    the constraint of every rule of a document that has a :class:`~.rules.SchemaForm` added."""
    names_of = ComponentNames(export_documents() if documents is None else documents)
    uris = _document_uris()
    out: Schemas = {}
    for document, title in names_of.documents.items():
        raw = load(document)
        if stated_rules:
            for stated in rules_for(document):
                if stated.schema_form is not None:
                    stated.schema_form.edit(raw)

        def component(ref: str, document: str = document) -> str:
            return names_of.of_ref(ref, document, uris)

        out[title] = _rewrite(raw, component, prefix)
        for definition, schema in raw.get("$defs", {}).items():
            out[names_of.definitions[document, definition]] = _rewrite(schema, component, prefix)
    return out


def server_schemas() -> Schemas:
    """:func:`component_schemas` with the constraints of every rule JSON Schema can state added."""
    return component_schemas(stated_rules=True)


def bundle(name: str) -> dict[str, Any]:
    """The schema ``name`` (see :func:`~.registry.names`) as one self-contained JSON Schema:
    every definition it may need under ``$defs``, every ``$ref`` local."""
    load(name)  # raises the KeyError that lists the names
    document = name if _is_document(name) else "event"
    names_of = ComponentNames(documents_reached([document]))
    schemas = component_schemas("#/$defs/", names_of.documents)
    if _is_document(name):
        root = copy.deepcopy(schemas[names_of.documents[name]])
    else:
        root = {"$ref": "#/$defs/" + names_of.definitions["event", EVENT_DEFINITIONS[name[6:]]]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root,
            "$defs": {n: schemas[n] for n in sorted(_reachable(root, schemas))}}


def _reachable(root: Any, schemas: Schemas) -> set[str]:
    """The names of the definitions ``root`` refers to, directly or through others."""
    seen: set[str] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] not in seen:
                seen.add(ref[8:])
                pending.append(schemas[ref[8:]])
            pending.extend(v for k, v in node.items() if k not in ("const", "enum", "default"))
    return seen


def stated_rules(document: str) -> list[Rule]:
    """The rules of ``document`` the export states (whole or in part) in JSON Schema."""
    return [r for r in rules_for(document) if r.schema_form is not None]


def inexpressible_rules(document: str = "request") -> list[tuple[str, str]]:
    """``(name, statement)`` of every rule of the request document ``document`` the OpenAPI document
    cannot state in full: a request schema-valid for the document that breaks one of these gets 400
    naming the rule's path."""
    return [(r.name, r.summary) for r in rules_for(document)
            if r.schema_form is None or r.schema_form.part is not None]


def _semantic_rules_note(document: str) -> str:
    rules = inexpressible_rules(document)
    if not rules:
        return "The server enforces no rule beyond those the schema states."
    lines = " ".join(f"{name}: {statement}" for name, statement in rules)
    return ("The server also enforces rules JSON Schema cannot express (a request breaking one gets 400 "
            f"invalid_request_error naming the JSON path). {lines} See x-semantic-rules.")


class _Export:
    """The parts of one export: the component names, and the operations built from them."""

    def __init__(self) -> None:
        self.names = ComponentNames(export_documents())

    def ref(self, document: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{self.names.documents[document]}"}

    def error_response(self, status: int, error: str = "error") -> dict[str, Any]:
        if status in ERROR_TYPES:
            description = f"error.type {ERROR_TYPES[status]!r}; detail repeats error.message"
        else:
            description = f"{EXTRA_ERROR_STATUSES[status]}; error.type 'invalid_request_error'"
        response: dict[str, Any] = {"description": description,
                                    "content": {"application/json": {"schema": self.ref(error)}}}
        if status == 429:
            response["headers"] = {"retry-after": {"description": "seconds to wait before retrying",
                                                   "schema": {"type": "integer", "minimum": 0}}}
        return response

    def header_parameters(self) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = [
            {"name": "X-Api-Key", "in": "header", "required": False, "schema": {"type": "string"},
             "description": "the LLM provider's key (bring your own key)"},
        ]
        for header, document in HEADER_DOCUMENTS.items():
            title = self.names.documents[document]
            parameters.append({
                "name": header, "in": "header", "required": False,
                "description": f"a one-line JSON object valid against {title}; "
                               "malformed JSON or a schema violation gives 400 naming the header and the field",
                "content": {"application/json": {"schema": self.ref(document)}},
            })
        parameters.append({"name": "X-Session-ID", "in": "header", "required": False,
                           "schema": {"type": "string", "format": "uuid"},
                           "description": "continue this session (an unknown id starts it); a value that is "
                                          "not a UUID gets 400"})
        return parameters

    def sse_schema(self, endpoint: Endpoint) -> dict[str, Any]:
        event = self.names.documents[endpoint.event]
        framing = ("`event: <type>\\ndata: <one-line JSON>\\n\\n`" if endpoint.sse.named
                   else "`data: <one-line JSON>\\n\\n` lines only")
        description = f"server-sent events {framing}; each data line is a {event} (components/schemas/{event})"
        if endpoint.stream_order:
            description += f": {endpoint.stream_order}"
        if endpoint.sse.done is not None:
            description += f"; the stream ends with `data: {endpoint.sse.done}`"
        data: dict[str, Any] = {"type": "string", "contentMediaType": "application/json",
                                "contentSchema": self.ref(endpoint.event)}
        if endpoint.sse.done is not None:  # the last data line is the terminator, not JSON of the event schema
            data = {"anyOf": [data, {"const": endpoint.sse.done}]}
        properties: dict[str, Any] = {"data": data}
        if endpoint.sse.named:
            properties = {"event": {"type": "string"}, **properties}
        # one event (the pre-3.2 reading of an SSE schema, as schemathesis has it)
        return {"type": "object", "description": description, "properties": properties,
                "required": sorted(properties, key=lambda name: name != "event")}

    def endpoint_operation(self, endpoint: Endpoint, with_provider: bool) -> dict[str, Any]:
        path_parameters = [{"name": "endpoint_type", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": list(endpoint.endpoint_types)}}]
        if with_provider:
            path_parameters.append({"name": "provider", "in": "path", "required": True,
                                    "schema": {"type": "string", "enum": list(endpoint.providers)}})
        statuses = sorted({*ERROR_TYPES, *EXTRA_ERROR_STATUSES})
        return {
            "operationId": endpoint.operation_id + ("WithProvider" if with_provider else ""),
            "summary": endpoint.operation_summary,
            "tags": [ENDPOINT_TAG],
            "parameters": path_parameters + self.header_parameters(),
            "requestBody": {
                "required": True,
                "description": _semantic_rules_note(endpoint.request),
                "content": {"application/json": {"schema": self.ref(endpoint.request)}},
            },
            "responses": {
                "200": {
                    "description": 'the answer; a server-sent event stream when the body has "stream": true',
                    "headers": {"X-Session-ID": {"required": True, "description": "the session of this answer",
                                                 "schema": {"type": "string", "format": "uuid"}}},
                    "content": {
                        "application/json": {"schema": self.ref(endpoint.response)},
                        "text/event-stream": {"schema": self.sse_schema(endpoint),
                                              "x-event-schema": self.ref(endpoint.event)},
                    },
                },
                **{str(status): self.error_response(status, endpoint.error) for status in statuses},
            },
            "x-semantic-rules": [{"name": name, "statement": statement}
                                 for name, statement in inexpressible_rules(endpoint.request)],
        }

    def json_route_operation(self, route: JsonRoute, with_provider: bool) -> dict[str, Any]:
        """The operation of a JSON route (:mod:`.json_routes`): its documents, its error answers."""
        words = route.name.split("-")
        operation_id = words[0] + "".join(w.capitalize() for w in words[1:]) + ("WithProvider" if with_provider else "")
        operation: dict[str, Any] = {
            "operationId": operation_id,
            "summary": route.summary,
            "tags": [JSON_ROUTE_TAG],
            "parameters": [{"name": "provider", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": list(route.providers)}}] if with_provider else [],
            "requestBody": {"required": True, "content": {"application/json": {"schema": self.ref(route.request)}}},
            "responses": {
                "200": {"description": "the answer",
                        "content": {"application/json": {"schema": self.ref(route.response)}}},
                **{str(status): self.error_response(status)
                   for status in (400, *((404,) if with_provider else ()), 405, 408, 413)},
            },
        }
        if route.auth:
            operation["responses"]["401"] = self.error_response(401)
        else:
            operation["security"] = []
        return operation

    def paths(self) -> dict[str, Any]:
        paths: dict[str, Any] = {}
        for endpoint in ENDPOINTS.values():
            paths[f"/control/{{endpoint_type}}/{{provider}}{endpoint.path}"] = {
                "post": self.endpoint_operation(endpoint, with_provider=True)}
            paths[f"/control/{{endpoint_type}}{endpoint.path}"] = {
                "post": self.endpoint_operation(endpoint, with_provider=False)}
        for route in JSON_ROUTES.values():
            if "{provider}" in route.path:
                paths[route.path] = {"post": self.json_route_operation(route, with_provider=True)}
            paths[route.path.replace("/{provider}", "")] = {
                "post": self.json_route_operation(route, with_provider=False)}
        return paths


def _registries() -> tuple[object, ...]:
    """What the export is derived from, as a key that changes when a registry changes."""
    return (tuple((name, id(e)) for name, e in ENDPOINTS.items()), names(),
            tuple((name, id(r)) for name, r in JSON_ROUTES.items()), tuple(RULES))


@cache
def _document(registries: tuple[object, ...]) -> dict[str, Any]:
    export = _Export()
    endpoints = ", ".join(e.name.replace("_", " ") for e in ENDPOINTS.values())
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Sequrity Control API",
            "version": "1.0.0",
            "description": f"The Control API routes as modelled by sequrity-contract: the endpoints ({endpoints}), "
                           "each under /control/{endpoint_type}[/{provider}], the JSON routes and the health check. "
                           "The schemas state every constraint the server enforces that JSON Schema can express; the "
                           "semantic rules it cannot are listed in each operation's requestBody.description and "
                           "x-semantic-rules. Every endpoint request needs 'Authorization: Bearer <key>' (401 "
                           "without). The JSON routes (validate-headers, policy generation) take one JSON body "
                           "and answer one JSON document.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "tags": [{"name": ENDPOINT_TAG, "description": "LLM-message endpoints: sessions, configuration headers, "
                                                       "JSON or server-sent events"},
                 {"name": JSON_ROUTE_TAG, "description": "one JSON body in, one JSON document out"}],
        "paths": {
            **export.paths(),
            "/control/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness check",
                    "security": [],
                    "responses": {"200": {"description": "the server is up", "content": {
                        "application/json": {"schema": {"type": "object", "additionalProperties": True}}}}},
                },
            },
        },
        "components": {
            "schemas": server_schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "the Sequrity API key"}},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the served routes, as the registries hold them now (a fresh copy
    each call)."""
    return copy.deepcopy(_document(_registries()))
