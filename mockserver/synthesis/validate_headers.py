"""The answer of ``POST /control/v1/validate-headers`` (:mod:`sequrity_contract.schemas.json_routes.validate_headers`):
per header value given, whether it is valid against its document and its rules (an ``X-Policy``'s
SQRT code must parse), its normalized form and the problems, each naming its JSON path."""

from __future__ import annotations

from typing import Any

from sequrity_contract.schemas import HEADER_DOCUMENTS, check, load, normalized_header
from sequrity_contract.schemas.json_routes.validate_headers import FIELDS

from ..pipeline.responder import JsonRequest
from ..support.strict_json import InvalidJson, loads_strict
from .registry import register_json_answer


@register_json_answer("validate-headers")
def answer(request: JsonRequest) -> dict[str, Any]:
    """``{field: verdict or null}`` for every header field of the body."""
    return {field: None if request.body.get(field) is None else verdict(header, request.body[field])
            for field, header in FIELDS.items()}


def verdict(header: str, text: str) -> dict[str, Any]:
    """The verdict on one header's value ``text``."""
    try:
        value = loads_strict(text)
    except InvalidJson as exc:
        return {"valid": False, "normalized": None, "errors": [f"Invalid JSON: {exc}"]}
    document = HEADER_DOCUMENTS[header]
    errors = [violation.message for violation in check(document, value, from_json=True)]
    if errors:
        return {"valid": False, "normalized": None, "errors": errors}
    return {"valid": True, "normalized": normalized_header(load(document), value), "errors": []}
