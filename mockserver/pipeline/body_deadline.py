"""How long a request's body may take to arrive: :data:`BODY_TIMEOUT` seconds from the moment the
server waits for it (the request head is in), then a 408.

A client that sends its body slowly, or declares a ``Content-Length`` longer than what it sends,
gets ``408 Request Timeout`` with the contract's error body (``request body: ... body_timeout ...``)
and ``Connection: close``; what it sends after that is not read as a next request.
:func:`~sequrity_contract.mockserver.app.create_app` stores the configured ``body_timeout`` on the
application under :data:`BODY_TIMEOUT`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

from aiohttp import web

from ..errors import ApiError

T = TypeVar("T")

DEFAULT_BODY_TIMEOUT = 60.0
"""Seconds a request body may take to arrive, unless ``MockConfig.body_timeout`` says otherwise."""
BODY_TIMEOUT: web.AppKey[float] = web.AppKey("sequrity_mock_body_timeout", float)
"""Where the application keeps its ``body_timeout`` (absent: :data:`DEFAULT_BODY_TIMEOUT`)."""


def body_timeout_error(seconds: float, received: int, declared: int | None) -> ApiError:
    """The 408 for a body that did not arrive within ``seconds``."""
    length = "" if declared is None else f" of the {declared} declared in Content-Length"
    return ApiError(408, f"request body: expected it to arrive within {seconds:g} s (body_timeout; "
                         f"sequrity-mock serve --body-timeout), got {received} bytes{length}",
                    headers={"Connection": "close"})


async def within_body_timeout(request: web.Request, reading: Awaitable[T]) -> T:
    """The result of ``reading`` (the request's body); a 408 :class:`ApiError` when it takes longer
    than the application's :data:`BODY_TIMEOUT`."""
    seconds = request.config_dict.get(BODY_TIMEOUT, DEFAULT_BODY_TIMEOUT)
    try:
        async with asyncio.timeout(seconds):
            return await reading
    except TimeoutError:
        received = request.content.total_bytes
        raise body_timeout_error(seconds, received, request.content_length) from None
