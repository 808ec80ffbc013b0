"""The mock server's errors: :class:`MockServerError`, the base of every error it raises, and the
contract's error answer (docs/contract.md §8), :class:`ApiError`, with its JSON body.

``{"type": "error", "error": {"type": T, "message": M}, "detail": M}`` serves both the
Anthropic SDK (``error.type``/``error.message``) and the official client (``detail``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from sequrity_contract.schemas import ERROR_TYPES


def error_type_for(status: int) -> str:
    """The ``error.type`` for an HTTP ``status`` (``api_error`` for unlisted 5xx)."""
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "api_error" if status >= 500 else "invalid_request_error"


def error_body(status: int, message: str) -> dict[str, Any]:
    """The error document for ``status`` carrying ``message``."""
    return {"type": "error", "error": {"type": error_type_for(status), "message": message}, "detail": message}


class MockServerError(Exception):
    """The base of every error :mod:`sequrity_contract.mockserver` raises (a bad stub, fault or
    cassette, a worker that cannot start, an error answer): catch it to catch them all."""


class ApiError(MockServerError):
    """An answer that is an HTTP error: ``status``, a ``message`` naming the cause, extra ``headers``."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})

    @property
    def body(self) -> dict[str, Any]:
        """The contract error document of this error."""
        return error_body(self.status, self.message)

    def response(self) -> web.Response:
        """This error as an aiohttp response."""
        return web.Response(
            status=self.status,
            body=json.dumps(self.body).encode(),  # ASCII escapes: header text may hold lone surrogates
            content_type="application/json",
            headers=self.headers,
        )

    def __repr__(self) -> str:
        return f"ApiError({self.status}, {self.message!r})"


def bad_request(message: str) -> ApiError:
    """A 400 ``invalid_request_error``."""
    return ApiError(400, message)
