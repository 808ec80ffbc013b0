"""The OpenAPI 3.1 document of the messages routes, generated from the schema documents.

Every document and every ``$defs`` entry becomes one entry of ``components/schemas``
(a document under its title, a definition under its own name) and every ``$ref`` is
rewritten to point there. :func:`bundle` gives the same definitions as one
self-contained JSON Schema, for tools that cannot follow references across documents.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from .headers import HEADER_DOCUMENTS
from .registry import BASE_URI, DOCUMENTS, EVENT_DEFINITIONS, load
from .routes import ENDPOINT_TYPES, PROVIDERS
from .rules import ERROR_TYPES

OPENAPI_VERSION = "3.1.0"
_ANNOTATIONS_TO_DROP = ("$schema", "$id", "$defs")


def _document_component(name: str) -> str:
    return str(load(name)["title"])


def _split_ref(ref: str, document: str) -> tuple[str, str]:
    """(document name, pointer) a reference found in ``document`` points to."""
    target, _, pointer = ref.partition("#")
    if target.startswith(BASE_URI):
        target = target[len(BASE_URI):]
    if not target:
        return document, pointer
    for name, filename in DOCUMENTS.items():
        if target == filename:
            return name, pointer
    raise ValueError(f"$ref={ref!r} in the {document!r} document points outside the schema documents")


def _component_for(ref: str, document: str) -> str:
    name, pointer = _split_ref(ref, document)
    if pointer in ("", "/"):
        return _document_component(name)
    parts = pointer.strip("/").split("/")
    if len(parts) != 2 or parts[0] != "$defs":
        raise ValueError(
            f"$ref={ref!r} in the {document!r} document: expected '#/$defs/<name>' or a whole document"
        )
    return parts[1]


def _rewrite(node: Any, document: str, prefix: str) -> Any:
    if isinstance(node, list):
        return [_rewrite(item, document, prefix) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _ANNOTATIONS_TO_DROP:
            continue
        if key == "$ref" and isinstance(value, str):
            out[key] = prefix + _component_for(value, document)
        elif key == "discriminator" and isinstance(value, dict):
            mapping = {
                tag: prefix + _component_for(ref, document) for tag, ref in value.get("mapping", {}).items()
            }
            out[key] = {**value, "mapping": mapping}
        elif key in ("properties", "patternProperties"):
            # keys here are property names, not keywords: keep them all
            out[key] = {prop: _rewrite(sub, document, prefix) for prop, sub in value.items()}
        elif key in ("const", "enum", "default", "examples"):
            out[key] = copy.deepcopy(value)
        else:
            out[key] = _rewrite(value, document, prefix)
    return out


def component_schemas(prefix: str = "#/components/schemas/") -> dict[str, dict[str, Any]]:
    """Every document and definition as one flat map of named schemas whose ``$ref``
    read ``<prefix><name>``. Refuses two definitions of one name."""
    out: dict[str, dict[str, Any]] = {}
    for document in DOCUMENTS:
        raw = load(document)
        entries = {_document_component(document): raw, **raw.get("$defs", {})}
        for name, schema in entries.items():
            if name in out:
                raise ValueError(f"two schemas are named {name!r} (one in the {document!r} document)")
            out[name] = _rewrite(schema, document, prefix)
    return out


def bundle(name: str) -> dict[str, Any]:
    """The schema ``name`` (see :data:`sequrity_contract.schemas.NAMES`) as one self-contained JSON Schema:
    every definition it may need under ``$defs``, every ``$ref`` local."""
    schemas = component_schemas("#/$defs/")
    if name in DOCUMENTS:
        root = copy.deepcopy(schemas[_document_component(name)])
    elif name.startswith("event.") and name[6:] in EVENT_DEFINITIONS:
        root = {"$ref": "#/$defs/" + EVENT_DEFINITIONS[name[6:]]}
    else:
        load(name)  # raises the KeyError that lists the names
        raise AssertionError("unreachable")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **root,
            "$defs": {n: schemas[n] for n in sorted(_reachable(root, schemas))}}


def _reachable(root: Any, schemas: dict[str, Any]) -> set[str]:
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


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": f"error.type {ERROR_TYPES[status]!r}; detail repeats error.message",
        "content": {"application/json": {"schema": _ref(_document_component("error"))}},
    }
    if status == 429:
        response["headers"] = {"retry-after": {"description": "seconds to wait before retrying",
                                               "schema": {"type": "integer", "minimum": 0}}}
    return response


def _header_parameters() -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": "X-Api-Key", "in": "header", "required": False, "schema": {"type": "string"},
         "description": "the LLM provider's key (bring your own key)"},
    ]
    for header, document in HEADER_DOCUMENTS.items():
        parameters.append({
            "name": header, "in": "header", "required": False,
            "description": f"a one-line JSON object valid against {_document_component(document)}; "
                           "malformed JSON or a schema violation gives 400 naming the header and the field",
            "content": {"application/json": {"schema": _ref(_document_component(document))}},
        })
    parameters.append({"name": "X-Session-ID", "in": "header", "required": False,
                       "schema": {"type": "string", "format": "uuid"},
                       "description": "continue this session (an unknown id starts it)"})
    return parameters


def _messages_operation(operation_id: str, with_provider: bool) -> dict[str, Any]:
    path_parameters = [{"name": "endpoint_type", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": list(ENDPOINT_TYPES)}}]
    if with_provider:
        path_parameters.append({"name": "provider", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": list(PROVIDERS)}})
    event = _document_component("event")
    return {
        "operationId": operation_id,
        "summary": "Create a message (Anthropic Messages format, Sequrity headers and sessions)",
        "parameters": path_parameters + _header_parameters(),
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _ref(_document_component("request"))}},
        },
        "responses": {
            "200": {
                "description": 'the answer; a server-sent event stream when the body has "stream": true',
                "headers": {"X-Session-ID": {"required": True, "description": "the session of this answer",
                                             "schema": {"type": "string", "format": "uuid"}}},
                "content": {
                    "application/json": {"schema": _ref(_document_component("response"))},
                    "text/event-stream": {
                        "schema": {  # one event (the pre-3.2 reading of an SSE schema, as schemathesis has it)
                            "type": "object",
                            "description": "server-sent events "
                                           "`event: <type>\\ndata: <one-line JSON>\\n\\n`; "
                                           f"each data line is a {event} (components/schemas/{event}): "
                                           "message_start, then per block content_block_start, "
                                           "content_block_delta..., content_block_stop, then message_delta "
                                           "and message_stop",
                            "properties": {
                                "event": {"type": "string"},
                                "data": {"type": "string", "contentMediaType": "application/json",
                                         "contentSchema": _ref(event)},
                            },
                            "required": ["event", "data"],
                        },
                        "x-event-schema": _ref(event),
                    },
                },
            },
            **{str(status): _error_response(status) for status in sorted(ERROR_TYPES)},
        },
    }


@cache
def _document() -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Sequrity Control API — messages",
            "version": "1.0.0",
            "description": "The messages endpoint of Sequrity's Control API, "
                           "as modelled by sequrity-contract.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "paths": {
            "/control/{endpoint_type}/{provider}/v1/messages": {
                "post": _messages_operation("createMessageWithProvider", with_provider=True),
            },
            "/control/{endpoint_type}/v1/messages": {
                "post": _messages_operation("createMessage", with_provider=False),
            },
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
            "schemas": component_schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "the Sequrity API key"}},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the messages routes (a fresh copy each call)."""
    return copy.deepcopy(_document())
