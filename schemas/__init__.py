"""The Sequrity Control API contract as data: JSON Schema documents, semantic rules,
the message <-> stream-events codecs, the endpoints (:class:`Endpoint`), the route, header and
SSE vocabulary, typed models and the OpenAPI export. For example::

    >>> from sequrity_contract.schemas import validate, check
    >>> validate("request", {"model": "m", "max_tokens": 1, "messages": []})
    []
    >>> [v.rule for v in check("request", {"model": "m", "max_tokens": 1, "messages": []})]
    ['messages_not_empty']
"""

from __future__ import annotations

from typing import Any

from . import messages_endpoint as messages_endpoint  # first: messages is the first endpoint registered
from . import responses as responses  # registers the responses documents
from .chat_endpoint import CHAT_COMPLETIONS
from .chat_stream import ChunkAccumulator, accumulate_chunks, to_chunks
from .endpoint import (
    ENDPOINTS,
    Endpoint,
    StreamCodec,
    UnknownEndpointError,
    get_endpoint,
    register_endpoint,
    unregister_endpoint,
)
from .headers import HEADER_DOCUMENTS, normalized_header, one_line_json
from .json_routes import JSON_ROUTES, POLICY_GEN, VALIDATE_HEADERS, JsonRoute, register_json_route
from .lang_graph import lang_graph_fields, lang_graph_violations
from .messages_endpoint import MESSAGES
from .registry import (
    DOCUMENTS,
    EVENT_DEFINITIONS,
    NAMES,
    is_valid,
    load,
    register_document,
    unregister_document,
    validate,
)
from .routes import CHAT_PROVIDERS, CONTROL_API_PATHS, ENDPOINT_TYPES, PROVIDERS
from .rules import ERROR_TYPES, RULES, TOOL_USE_ID, Context, Rule, rules_for, tool_use_id, violations_of_rules
from .sqrt import header as policy_header  # noqa: F401  (registers the rule that X-Policy code is SQRT)
from .sse import DATA_ONLY, NAMED_EVENTS, SSEFormat
from .stream import (
    DIALECTS,
    Accumulator,
    StreamErrorEvent,
    StreamProtocolError,
    accumulate,
    chunks_of,
    to_events,
)
from .user_schemas import user_schema_checker, user_schema_violations
from .violations import ContractError, ContractViolationError, Violation, json_path

__all__ = [
    "CHAT_COMPLETIONS",
    "CHAT_PROVIDERS",
    "CONTROL_API_PATHS",
    "DATA_ONLY",
    "DIALECTS",
    "DOCUMENTS",
    "ENDPOINTS",
    "ENDPOINT_TYPES",
    "ERROR_TYPES",
    "EVENT_DEFINITIONS",
    "HEADER_DOCUMENTS",
    "JSON_ROUTES",
    "MESSAGES",
    "NAMED_EVENTS",
    "NAMES",
    "POLICY_GEN",
    "PROVIDERS",
    "RULES",
    "TOOL_USE_ID",
    "VALIDATE_HEADERS",
    "Accumulator",
    "ChunkAccumulator",
    "Context",
    "ContractError",
    "ContractViolationError",
    "Endpoint",
    "JsonRoute",
    "Rule",
    "SSEFormat",
    "StreamCodec",
    "StreamErrorEvent",
    "StreamProtocolError",
    "UnknownEndpointError",
    "Violation",
    "accumulate",
    "accumulate_chunks",
    "check",
    "chunks_of",
    "get_endpoint",
    "is_valid",
    "json_path",
    "lang_graph_fields",
    "lang_graph_violations",
    "load",
    "normalized_header",
    "one_line_json",
    "register_document",
    "register_endpoint",
    "register_json_route",
    "rules_for",
    "to_chunks",
    "to_events",
    "tool_use_id",
    "unregister_document",
    "unregister_endpoint",
    "user_schema_checker",
    "user_schema_violations",
    "validate",
]


def check(
    name: str,
    instance: Any,
    *,
    request: dict[str, Any] | None = None,
    session_id: str | None = None,
    status: int | None = None,
    from_json: bool = False,
) -> list[Violation]:
    """Schema violations of ``instance``, or, when it satisfies the schema, the
    violations of every semantic rule for ``name`` (see :data:`RULES`).

    ``request``, ``session_id`` and ``status`` give rules their context: the request a
    response answers, the session it belongs to, the HTTP status of an error body.
    ``from_json=True``: the instance was parsed from JSON text (see :func:`is_valid`).
    """
    violations = validate(name, instance, from_json=from_json)
    if violations:
        return violations
    return violations_of_rules(name, instance, Context(request=request, session_id=session_id, status=status))
