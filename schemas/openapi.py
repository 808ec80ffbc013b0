"""The OpenAPI 3.1 document of the served routes (messages and chat completions), generated from the
schema documents.

Every document and every ``$defs`` entry becomes one entry of ``components/schemas``
(a document under its title, a definition under its own name) and every ``$ref`` is
rewritten to point there. :func:`bundle` gives the same definitions as one
self-contained JSON Schema, for tools that cannot follow references across documents.

The schema documents mirror the published reference field for field; the server enforces more
(the semantic rules of :mod:`.rules`). The OpenAPI document states every rule JSON Schema can
express (:data:`EXPRESSED_RULES`: ``minItems``, ``minimum``, bounds, required tags, the first
turn's role) so that a stock tool such as ``schemathesis run`` generates requests the server
accepts; the rules it cannot express are listed, with their statements, in the request body's
``description`` and under ``x-semantic-rules`` (see ``docs/reference/openapi.md``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

from .chat_endpoint import CHAT_COMPLETIONS
from .chat_rules import MAX_TEMPERATURE
from .endpoint import Endpoint
from .headers import HEADER_DOCUMENTS
from .json_routes import JSON_ROUTES, JsonRoute
from .messages_endpoint import MESSAGES
from .registry import BASE_URI, DOCUMENTS, EVENT_DEFINITIONS, load
from .rules import ERROR_TYPES, MIN_THINKING_BUDGET, rules_for

OPENAPI_VERSION = "3.1.0"
#: Statuses the server answers beyond :data:`ERROR_TYPES` (their ``error.type`` is ``invalid_request_error``):
#: 405 for a method the route does not take, 408 for a body that does not arrive in time (``--body-timeout``).
EXTRA_ERROR_STATUSES = {405: "the route takes POST only (the Allow header says so)",
                        408: "the request body did not arrive within the server's body timeout"}
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


Schemas = dict[str, dict[str, Any]]


def _request_schema(schemas: Schemas, document: str = "request") -> dict[str, Any]:
    return schemas[_document_component(document)]


def _messages_not_empty(schemas: Schemas) -> None:
    _request_schema(schemas)["properties"]["messages"]["minItems"] = 1


def _first_turn_is_user(schemas: Schemas) -> None:
    # the whole rule (turns alternate) compares neighbours, which JSON Schema cannot; the first turn it can
    messages = _request_schema(schemas)["properties"]["messages"]
    # prefixItems take the first item out of what ``items`` checks: the first turn is checked by both here
    messages["prefixItems"] = [{"allOf": [messages["items"], {"properties": {"role": {"const": "user"}}}]}]


def _max_tokens_positive(schemas: Schemas) -> None:
    _request_schema(schemas)["properties"]["max_tokens"]["minimum"] = 1


def _temperature_range(schemas: Schemas) -> None:
    for option in _request_schema(schemas)["properties"]["temperature"]["anyOf"]:
        if option.get("type") == "number":
            option.update(minimum=0, maximum=1)


def _thinking_budget_minimum(schemas: Schemas) -> None:
    # "below max_tokens" compares two fields, which JSON Schema cannot; the minimum it can
    schemas["ThinkingConfigEnabledParam"]["properties"]["budget_tokens"]["minimum"] = MIN_THINKING_BUDGET


def _discriminator_tags_required(schemas: Schemas) -> None:
    for name in sorted(_discriminated(load("request"))):
        member = schemas[name]
        member["required"] = sorted({*member.get("required", []), "type"})


def _chat_messages_not_empty(schemas: Schemas) -> None:
    _request_schema(schemas, CHAT_COMPLETIONS.request)["properties"]["messages"]["minItems"] = 1


def _chat_temperature_range(schemas: Schemas) -> None:
    for option in _request_schema(schemas, CHAT_COMPLETIONS.request)["properties"]["temperature"]["anyOf"]:
        if option.get("type") == "number":
            option.update(minimum=0, maximum=MAX_TEMPERATURE)


def _completion_tokens_positive(schemas: Schemas) -> None:
    properties = _request_schema(schemas, CHAT_COMPLETIONS.request)["properties"]
    for key in ("max_completion_tokens", "max_tokens"):
        for option in properties[key]["anyOf"]:
            if option.get("type") == "integer":
                option["minimum"] = 1


def _discriminated(node: Any) -> set[str]:
    """The ``$defs`` names a discriminator of ``node`` (a document) maps a tag to."""
    found: set[str] = set()
    if isinstance(node, dict):
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict):
            found.update(str(ref).rsplit("/", 1)[-1] for ref in discriminator.get("mapping", {}).values())
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):
                found |= _discriminated(value)
    elif isinstance(node, list):
        for item in node:
            found |= _discriminated(item)
    return found


EXPRESSED_RULES: dict[str, tuple[Callable[[Schemas], None], str]] = {
    "messages_not_empty": (_messages_not_empty, "whole"),
    "alternating_roles": (_first_turn_is_user, "partly: the first turn is a user turn"),
    "max_tokens_positive": (_max_tokens_positive, "whole"),
    "temperature_range": (_temperature_range, "whole"),
    "thinking_budget": (_thinking_budget_minimum, f"partly: budget_tokens >= {MIN_THINKING_BUDGET}"),
    "discriminator_tags_present": (_discriminator_tags_required, "whole"),
    "chat_messages_not_empty": (_chat_messages_not_empty, "whole"),
    "chat_temperature_range": (_chat_temperature_range, "whole"),
    "completion_tokens_positive": (_completion_tokens_positive, "whole"),
}
"""The request rules (:func:`.rules.rules_for`) the OpenAPI document states, by rule name: how, and
whether ``whole`` or ``partly`` (what part)."""


def inexpressible_rules(document: str = "request") -> list[tuple[str, str]]:
    """``(name, statement)`` of every rule of the request document ``document`` the OpenAPI document
    cannot state in full: a request schema-valid for the document that breaks one of these gets 400
    naming the rule's path."""
    return [(r.name, r.summary) for r in rules_for(document)
            if EXPRESSED_RULES.get(r.name, (None, ""))[1] != "whole"]


def _semantic_rules_note(document: str) -> str:
    lines = " ".join(f"{name}: {statement}" for name, statement in inexpressible_rules(document))
    return ("The server also enforces rules JSON Schema cannot express (a request breaking one gets 400 "
            f"invalid_request_error naming the JSON path). {lines} See x-semantic-rules.")


def server_schemas() -> Schemas:
    """:func:`component_schemas` with the constraints of :data:`EXPRESSED_RULES` added."""
    schemas = component_schemas()
    for express, _ in EXPRESSED_RULES.values():
        express(schemas)
    return schemas


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(status: int) -> dict[str, Any]:
    if status in ERROR_TYPES:
        description = f"error.type {ERROR_TYPES[status]!r}; detail repeats error.message"
    else:
        description = f"{EXTRA_ERROR_STATUSES[status]}; error.type 'invalid_request_error'"
    response: dict[str, Any] = {
        "description": description,
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
                       "description": "continue this session (an unknown id starts it); a value that is "
                                      "not a UUID gets 400"})
    return parameters


_STREAMS = {
    MESSAGES.name: ("`event: <type>\\ndata: <one-line JSON>\\n\\n`; each data line is a {event} "
                    "(components/schemas/{event}): message_start, then per block content_block_start, "
                    "content_block_delta..., content_block_stop, then message_delta and message_stop"),
    CHAT_COMPLETIONS.name: ("`data: <one-line JSON>\\n\\n` lines only; each is a {event} "
                            "(components/schemas/{event}): per choice a first chunk with the role, content and "
                            "tool-call deltas, a chunk with finish_reason; then a chunk with usage and no "
                            "choices; the stream ends with `data: [DONE]`"),
}
_SUMMARIES = {
    MESSAGES.name: "Create a message (Anthropic Messages format, Sequrity headers and sessions)",
    CHAT_COMPLETIONS.name: "Create a chat completion (OpenAI Chat Completions format, Sequrity headers and sessions)",
}
SERVED: tuple[Endpoint, ...] = (MESSAGES, CHAT_COMPLETIONS)
"""The endpoints the export describes (an endpoint registered at run time has no documents here)."""


def _sse_schema(endpoint: Endpoint) -> dict[str, Any]:
    event = _document_component(endpoint.event)
    description = "server-sent events " + _STREAMS[endpoint.name].format(event=event)
    data: dict[str, Any] = {"type": "string", "contentMediaType": "application/json", "contentSchema": _ref(event)}
    if endpoint.sse.done is not None:  # the last data line is the terminator, not JSON of the event schema
        data = {"anyOf": [data, {"const": endpoint.sse.done}]}
    properties: dict[str, Any] = {"data": data}
    if endpoint.sse.named:
        properties = {"event": {"type": "string"}, **properties}
    # one event (the pre-3.2 reading of an SSE schema, as schemathesis has it)
    return {"type": "object", "description": description, "properties": properties,
            "required": sorted(properties, key=lambda name: name != "event")}


def _operation(endpoint: Endpoint, operation_id: str, with_provider: bool) -> dict[str, Any]:
    path_parameters = [{"name": "endpoint_type", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": list(endpoint.endpoint_types)}}]
    if with_provider:
        path_parameters.append({"name": "provider", "in": "path", "required": True,
                                "schema": {"type": "string", "enum": list(endpoint.providers)}})
    return {
        "operationId": operation_id,
        "summary": _SUMMARIES[endpoint.name],
        "parameters": path_parameters + _header_parameters(),
        "requestBody": {
            "required": True,
            "description": _semantic_rules_note(endpoint.request),
            "content": {"application/json": {"schema": _ref(_document_component(endpoint.request))}},
        },
        "responses": {
            "200": {
                "description": 'the answer; a server-sent event stream when the body has "stream": true',
                "headers": {"X-Session-ID": {"required": True, "description": "the session of this answer",
                                             "schema": {"type": "string", "format": "uuid"}}},
                "content": {
                    "application/json": {"schema": _ref(_document_component(endpoint.response))},
                    "text/event-stream": {"schema": _sse_schema(endpoint),
                                          "x-event-schema": _ref(_document_component(endpoint.event))},
                },
            },
            **{str(status): _error_response(status) for status in sorted({*ERROR_TYPES, *EXTRA_ERROR_STATUSES})},
        },
        "x-semantic-rules": [{"name": name, "statement": statement}
                             for name, statement in inexpressible_rules(endpoint.request)],
    }


_OPERATION_IDS = {MESSAGES.name: ("createMessageWithProvider", "createMessage"),
                  CHAT_COMPLETIONS.name: ("createChatCompletionWithProvider", "createChatCompletion")}


def _paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for endpoint in SERVED:
        with_provider, default = _OPERATION_IDS[endpoint.name]
        paths[f"/control/{{endpoint_type}}/{{provider}}{endpoint.path}"] = {
            "post": _operation(endpoint, with_provider, with_provider=True)}
        paths[f"/control/{{endpoint_type}}{endpoint.path}"] = {"post": _operation(endpoint, default,
                                                                                  with_provider=False)}
    return paths


def _json_route_operation(route: JsonRoute, with_provider: bool) -> dict[str, Any]:
    """The operation of a JSON route (:mod:`.json_routes`): its documents inline, its error answers."""
    words = route.name.split("-")
    operation_id = words[0] + "".join(w.capitalize() for w in words[1:]) + ("WithProvider" if with_provider else "")
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": route.summary,
        "parameters": [{"name": "provider", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": list(route.providers)}}] if with_provider else [],
        "requestBody": {"required": True,
                        "content": {"application/json": {"schema": _ref(_document_component(route.request))}}},
        "responses": {
            "200": {"description": "the answer",
                    "content": {"application/json": {"schema": _ref(_document_component(route.response))}}},
            **{str(status): _error_response(status)
               for status in (400, *((404,) if with_provider else ()), 405, 408, 413)},
        },
    }
    if route.auth:
        operation["responses"]["401"] = _error_response(401)
    else:
        operation["security"] = []
    return operation


def json_route_schemas(prefix: str = "#/components/schemas/") -> dict[str, dict[str, Any]]:
    """The documents of every JSON route and their definitions, as named schemas (like
    :func:`component_schemas`)."""
    out: dict[str, dict[str, Any]] = {}
    for route in JSON_ROUTES.values():
        for document in (route.request, route.response):
            raw = load(document)
            for name, schema in {_document_component(document): raw, **raw.get("$defs", {})}.items():
                out[name] = _rewrite(schema, document, prefix)
    return out


def _json_route_paths() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for route in JSON_ROUTES.values():
        if "{provider}" in route.path:
            paths[route.path] = {"post": _json_route_operation(route, with_provider=True)}
        paths[route.path.replace("/{provider}", "")] = {"post": _json_route_operation(route, with_provider=False)}
    return paths


@cache
def _document() -> dict[str, Any]:
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Sequrity Control API — messages and chat completions",
            "version": "1.0.0",
            "description": "The messages and chat completions endpoints of Sequrity's Control API, "
                           "as modelled by sequrity-contract. The schemas state every constraint the server "
                           "enforces that JSON Schema can express; the semantic rules it cannot are listed in "
                           "each operation's requestBody.description and x-semantic-rules. Every "
                           "messages and chat completions request needs 'Authorization: Bearer <key>' (401 "
                           "without). The JSON routes (validate-headers, policy generation) take one JSON body "
                           "and answer one JSON document.",
        },
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "security": [{"bearer": []}],
        "paths": {
            **_paths(),
            **_json_route_paths(),
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
            "schemas": {**server_schemas(), **json_route_schemas()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "the Sequrity API key"}},
        },
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the served routes (a fresh copy each call)."""
    return copy.deepcopy(_document())
