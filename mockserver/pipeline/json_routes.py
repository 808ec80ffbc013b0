"""The handler of a JSON route (:class:`~sequrity_contract.schemas.json_routes.JsonRoute`): one JSON
body in, one JSON document out.

authenticate (when the route asks for the key) -> read the body (size limit) -> parse it ("Invalid
JSON" otherwise) -> validate it against the route's request document (400 naming the path) -> the
route's answer function -> JSON. Every request is journalled, with the route's name as its endpoint.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from sequrity_contract.schemas import JsonRoute, validate

from ..errors import ApiError, bad_request
from ..state import STATE
from ..support.byte_text import text_of
from ..support.strict_json import InvalidJson, loads_strict
from .auth import Authenticator
from .fallbacks import answer_error
from .intake import ClientGone, check_content_type, check_objects, read_body
from .responder import JsonAnswer, JsonRequest

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("mockserver")


def json_route_handler(app: web.Application, route: JsonRoute, provider: str | None, path: str,
                       answer: JsonAnswer) -> Handler:
    """The handler of ``route`` at ``path`` (``provider`` is the path's provider segment)."""
    state = app[STATE]
    config = state.config
    authenticate = Authenticator(config.api_keys).check if route.auth else None
    journal_route = state.journal.route("POST", path, None, provider, route.name)

    async def handle(request: web.Request) -> web.StreamResponse:
        entry = state.journal.record(request, journal_route)
        raw: bytes | None = None
        try:
            if authenticate is not None:
                authenticate(request.headers)
            check_content_type(request.headers)
            raw = await read_body(request, config.max_body_bytes)
            if len(raw) > config.max_body_objects:
                check_objects(raw, config.max_body_objects)
            try:
                body = loads_strict(raw)
            except InvalidJson as exc:
                raise bad_request(f"request body: Invalid JSON: {exc}") from None
            entry.body = body
            state.journal.account(entry, len(raw))
            violations = validate(route.request, body, from_json=True)
            if violations:
                raise bad_request(f"request body: {violations[0].message}")
            document = answer(JsonRequest(body, provider, config.seed))
            entry.status = 200
            return web.Response(body=json.dumps(document).encode(), content_type="application/json")
        except ApiError as error:
            if entry.body is None and raw is not None:
                entry.body = text_of(raw[:4096])
            return answer_error(entry, error)
        except ClientGone as gone:
            entry.disconnected, entry.error = True, str(gone)
            return web.Response(status=400)  # nobody reads it: the connection is gone
        except Exception as exc:
            log.exception("mock server failure on %s", request.path)
            return answer_error(entry, ApiError(500, f"the mock server failed: {type(exc).__name__}: {exc}"))

    return handle
