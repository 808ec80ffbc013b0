"""The Sequrity Messages contract as data: JSON Schema documents, semantic rules,
the message <-> stream-events codec, the route and header vocabulary, typed models and
the OpenAPI export.

>>> from schemas import validate, check
>>> validate("request", {"model": "m", "max_tokens": 1, "messages": []})
[]
>>> [v.rule for v in check("request", {"model": "m", "max_tokens": 1, "messages": []})]
['messages_not_empty']
"""

from __future__ import annotations

from typing import Any

from .headers import HEADER_DOCUMENTS, one_line_json
from .registry import DOCUMENTS, EVENT_DEFINITIONS, NAMES, is_valid, load, validate
from .routes import ENDPOINT_TYPES, PROVIDERS
from .rules import ERROR_TYPES, RULES, TOOL_USE_ID, Context, Rule, rules_for, tool_use_id
from .stream import (
    DIALECTS,
    Accumulator,
    StreamErrorEvent,
    StreamProtocolError,
    accumulate,
    chunks_of,
    to_events,
)
from .user_schemas import user_schema_violations
from .violations import ContractViolationError, Violation, json_path

__all__ = [
    "DIALECTS",
    "DOCUMENTS",
    "ENDPOINT_TYPES",
    "ERROR_TYPES",
    "EVENT_DEFINITIONS",
    "HEADER_DOCUMENTS",
    "NAMES",
    "PROVIDERS",
    "RULES",
    "TOOL_USE_ID",
    "Accumulator",
    "Context",
    "ContractViolationError",
    "Rule",
    "StreamErrorEvent",
    "StreamProtocolError",
    "Violation",
    "accumulate",
    "check",
    "chunks_of",
    "is_valid",
    "json_path",
    "load",
    "one_line_json",
    "rules_for",
    "to_events",
    "tool_use_id",
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
) -> list[Violation]:
    """Schema violations of ``instance``, or, when it satisfies the schema, the
    violations of every semantic rule for ``name`` (see :data:`RULES`).

    ``request``, ``session_id`` and ``status`` give rules their context: the request a
    response answers, the session it belongs to, the HTTP status of an error body.
    """
    violations = validate(name, instance)
    if violations:
        return violations
    context = Context(request=request, session_id=session_id, status=status)
    return [v for r in rules_for(name) for v in r(instance, context)]
