"""The reference client's exceptions, and the one function that turns an HTTP error
response into the right one.

::

    SequrityError                     every error the client raises
    ├── APIConnectionError            no HTTP response: refused, reset, DNS, ...
    │   └── APITimeoutError           no progress within the client's ``timeout``
    ├── APIStatusError                an HTTP status >= 400: .status, .error_type, .message, .body
    │   ├── BadRequestError           400 invalid_request_error
    │   ├── AuthenticationError       401 authentication_error
    │   ├── PermissionDeniedError     403 permission_error
    │   ├── NotFoundError             404 not_found_error
    │   ├── RequestTooLargeError      413 request_too_large
    │   ├── RateLimitError            429 rate_limit_error
    │   └── InternalServerError       5xx api_error
    │       └── OverloadedError       529 overloaded_error
    ├── InvalidResponseError          a 2xx whose body is not the JSON object expected
    └── StreamError                   a 2xx stream that broke: .reason, .error_type
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from sequrity_contract.schemas import ERROR_TYPES

from ..errors import ContractTestsError

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "InternalServerError",
    "InvalidResponseError",
    "NotFoundError",
    "OverloadedError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTooLargeError",
    "SequrityError",
    "StreamError",
    "error_from_response",
]


class SequrityError(ContractTestsError):
    """Base class of every error the reference client raises."""


class APIConnectionError(SequrityError):
    """The request got no HTTP response (connection refused or reset, DNS failure, ...)."""


class APITimeoutError(APIConnectionError):
    """The server made no progress within the client's ``timeout``."""


class APIStatusError(SequrityError):
    """The server answered with an HTTP status >= 400.

    ``status`` is the HTTP status, ``error_type`` the body's ``error.type`` (or the
    contract's type for the status when the body has none), ``message`` the body's
    ``error.message``, else its ``detail``, else the raw text; ``body`` is the parsed JSON
    body (``None`` when it is not JSON) and ``headers`` the response headers.
    """

    status_code: ClassVar[int | None] = None

    def __init__(self, status: int, error_type: str | None, message: str, *,
                 body: Any = None, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.error_type = error_type
        self.message = message
        self.body = body
        self.headers: Mapping[str, str] = headers or {}
        kind = f" {error_type}" if error_type else ""
        super().__init__(f"HTTP {status}{kind}: {message}")


class BadRequestError(APIStatusError):
    """400: the request body or a header broke the contract; the message names the field."""

    status_code = 400


class AuthenticationError(APIStatusError):
    """401: the ``Authorization: Bearer`` key was missing or not accepted."""

    status_code = 401


class PermissionDeniedError(APIStatusError):
    """403: the key may not use this route."""

    status_code = 403


class NotFoundError(APIStatusError):
    """404: unknown endpoint type or provider in the URL."""

    status_code = 404


class RequestTooLargeError(APIStatusError):
    """413: the body is larger than the server accepts."""

    status_code = 413


class RateLimitError(APIStatusError):
    """429: too many requests; ``headers['retry-after']`` says when to come back."""

    status_code = 429


class InternalServerError(APIStatusError):
    """A 5xx status."""

    status_code = 500


class OverloadedError(InternalServerError):
    """529: the upstream is overloaded."""

    status_code = 529


class InvalidResponseError(SequrityError):
    """A 2xx answer whose body is not what the contract promises (not JSON, not an object)."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}")


class StreamError(SequrityError):
    """A stream that started with a 2xx broke: an event out of order, an ``error`` event,
    a line that is not JSON, or the connection closing before ``message_stop``.
    ``reason`` is a short tag (``protocol``, ``error_event``, ``bad_json``, ``not_a_stream``,
    ``truncated``); ``error_type`` is the ``error`` event's type for ``error_event``."""

    def __init__(self, reason: str, message: str, error_type: str | None = None) -> None:
        self.reason = reason
        self.message = message
        self.error_type = error_type
        super().__init__(f"stream {reason}: {message}")


_CLASS_FOR_STATUS: dict[int, type[APIStatusError]] = {
    cls.status_code: cls
    for cls in (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError,
                RequestTooLargeError, RateLimitError, InternalServerError, OverloadedError)
    if cls.status_code is not None
}


def _error_class(status: int) -> type[APIStatusError]:
    if status in _CLASS_FOR_STATUS:
        return _CLASS_FOR_STATUS[status]
    return InternalServerError if status >= 500 else APIStatusError


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def error_from_response(status: int, body: bytes, headers: Mapping[str, str] | None = None) -> APIStatusError:
    """The exception for an error response: its class from ``status``, its message from
    the body's ``error.message``, else ``detail``, else the raw text (else ``HTTP <status>``)."""
    text = body.decode("utf-8", "replace")
    try:
        parsed: Any = json.loads(text)
    except ValueError:
        parsed = None
    message: str | None = None
    error_type: str | None = None
    if isinstance(parsed, dict):
        error = parsed.get("error")
        if isinstance(error, dict):
            if error.get("message") is not None:
                message = _as_text(error["message"])
            if isinstance(error.get("type"), str):
                error_type = error["type"]
        if message is None and parsed.get("detail") is not None:
            message = _as_text(parsed["detail"])
    if message is None:
        message = text.strip() or f"HTTP {status}"
    if error_type is None:
        error_type = ERROR_TYPES.get(status, "api_error" if status >= 500 else None)
    return _error_class(status)(status, error_type, message, body=parsed, headers=headers)
