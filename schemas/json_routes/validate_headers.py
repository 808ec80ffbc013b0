"""``POST /control/v1/validate-headers``: checks configuration header values without a request.

The body names up to three header values as strings (``x_features``, ``x_policy``, ``x_config``);
the answer has, for each, null when it was not given, else ``{"valid", "normalized", "errors"}``:
the value checked against its header document (:data:`~.headers.HEADER_DOCUMENTS`), its
normalized form (the defaults the published header models fill, :func:`~.headers.normalized_header`),
and one message per problem naming its JSON path (``Invalid JSON: …`` when it is not JSON).
"""

from __future__ import annotations

from typing import Any

from ..headers import HEADER_DOCUMENTS
from ..registry import register_document
from .route import JsonRoute, register_json_route

FIELDS: dict[str, str] = {header.lower().replace("-", "_"): header for header in HEADER_DOCUMENTS}
"""The body's fields and the header each one holds: ``x_features`` -> ``X-Features`` and so on."""

_REQUEST: dict[str, Any] = {
    "title": "ValidateHeadersRequest", "type": "object", "additionalProperties": False,
    "properties": {field: {"type": ["string", "null"], "description": f"the value of the {header} header"}
                   for field, header in FIELDS.items()},
}
_VERDICT: dict[str, Any] = {
    "title": "HeaderVerdict", "type": "object", "required": ["valid", "normalized", "errors"],
    "properties": {"valid": {"type": "boolean"},
                   "normalized": {"type": ["object", "null"], "description": "null when not valid"},
                   "errors": {"type": "array", "items": {"type": "string"}}},
}
_RESPONSE: dict[str, Any] = {
    "title": "ValidateHeadersResponse", "type": "object", "required": list(FIELDS),
    "properties": {field: {"anyOf": [_VERDICT, {"type": "null"}]} for field in FIELDS},
}

register_document("validate-headers-request", _REQUEST)
register_document("validate-headers-response", _RESPONSE)

VALIDATE_HEADERS = register_json_route(JsonRoute(
    "validate-headers", "/control/v1/validate-headers", "validate-headers-request", "validate-headers-response",
    "Check X-Features, X-Policy and X-Config values and normalize them", auth=False))
