"""Reading an admin request's JSON body: the same checks as the messages route, in the same words.

``Content-Type`` must be JSON when present (:func:`~sequrity_contract.mockserver.pipeline.intake.check_content_type`),
the body at most ``--max-body-bytes`` (a 413 naming the limit), decodable in its
``Content-Encoding``, and strict JSON. The body is parsed in a worker thread, so that a large one
does not hold up the event loop (a health probe keeps answering meanwhile).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import hdrs, web
from aiohttp.http_exceptions import HttpProcessingError

from ..errors import ApiError, bad_request
from ..pipeline.intake import check_content_type, parse_json, read_body
from ..state import STATE

T = TypeVar("T")


_UNREADABLE = (HttpProcessingError, web.RequestPayloadError)


def _undecodable(request: web.Request) -> ApiError:
    encoding = request.headers.get(hdrs.CONTENT_ENCODING, "identity")[:40]
    return bad_request(f"admin request body: expected bytes encoded as the Content-Encoding header says "
                       f"({encoding!r}), got bytes that do not decode")


async def raw_admin_body(request: web.Request) -> bytes:
    """The body of an admin request; a 413 over the server's body limit, a 400 for a body that
    does not decode in its ``Content-Encoding`` or a non-JSON ``Content-Type``."""
    try:
        raw = await read_body(request, request.config_dict[STATE].config.max_body_bytes)
    except _UNREADABLE:
        raise _undecodable(request) from None
    check_content_type(request.headers)
    return raw


async def parsed_off_loop(request: web.Request, parse: Callable[[Any], T]) -> T:
    """The admin request's JSON body, read and then parsed as JSON and by ``parse`` in a worker
    thread; the :class:`~sequrity_contract.mockserver.errors.ApiError` of either is raised here."""
    raw = await raw_admin_body(request)
    return await asyncio.to_thread(lambda: parse(parse_json(raw, "admin request body")))
