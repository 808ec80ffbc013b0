"""Typed view of ``error.json``: the error body of every 4xx/5xx answer."""

from __future__ import annotations

from typing import Literal

from ._base import ContractModel

ErrorType = Literal[
    "invalid_request_error",
    "authentication_error",
    "permission_error",
    "not_found_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "overloaded_error",
]


class ErrorDetail(ContractModel):
    """``error``: the kind of error and its message (read by the Anthropic SDK)."""

    type: ErrorType
    message: str


class ErrorBody(ContractModel):
    """``{"type": "error", "error": {...}, "detail": ...}``; ``detail`` is read by the official client."""

    type: Literal["error"]
    error: ErrorDetail
    detail: str
