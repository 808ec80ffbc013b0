"""The request body as the client sends it: ``null`` fields dropped (docs/contract.md §3).

Nulls are dropped from the request's own objects (the request, messages, content
blocks, tools, ...) but kept inside free-form JSON values, where ``null`` is data:
a tool call's ``input``, a tool's ``input_schema`` (a chat function's ``parameters``), an output
format's ``schema``, ``cache_control``, ``citations`` and ``metadata``. The conformance suite computes
what the server must receive with the same :func:`drop_nulls`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["FREE_FORM_KEYS", "drop_nulls", "encode_body"]

FREE_FORM_KEYS = frozenset({"input", "input_schema", "parameters", "schema", "cache_control", "citations",
                            "metadata"})
"""Keys whose values are free-form JSON: sent exactly as given, nulls included."""


def drop_nulls(value: Any) -> Any:
    """A copy of ``value`` without ``null``-valued keys, except inside :data:`FREE_FORM_KEYS`."""
    if isinstance(value, Mapping):
        return {
            key: (item if key in FREE_FORM_KEYS else drop_nulls(item))
            for key, item in value.items()
            if item is not None
        }
    if isinstance(value, list | tuple):
        return [drop_nulls(item) for item in value]
    return value


def encode_body(request: Mapping[str, Any]) -> bytes:
    """The UTF-8 JSON body for ``request`` with nulls dropped; a value JSON cannot carry
    (NaN, a set, an object) raises ``ValueError`` naming it."""
    if not isinstance(request, Mapping):
        raise TypeError(f"request={request!r}: expected a dict with model, max_tokens and messages")
    try:
        text = json.dumps(drop_nulls(request), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"request: not JSON-serialisable ({exc})") from None
    return text.encode("utf-8")
