"""The handler of a JSON route (:class:`~sequrity_contract.schemas.json_routes.JsonRoute`): one JSON
body in, one JSON document out.

(proxy, record, replay: the mode handler may answer) -> authenticate (when the route asks for the
key) -> read the body (size limit) -> parse it ("Invalid JSON" otherwise) -> validate it against the
route's request document (400 naming the path) -> a stub or a fault when scripting has one (matched
by the route's name, as ``"endpoint": "<name>"``) -> else the route's answer function -> JSON. Every
request is journalled, with the route's name as its endpoint. Nothing here is particular to one route.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from sequrity_contract.schemas import JsonRoute

from ..errors import ApiError
from ..modes.handler import MODE_HANDLER
from ..scripting.stubs import StubRequest
from ..state import STATE
from ..support.byte_text import text_of
from .auth import Authenticator
from .delivery import Rendered
from .fallbacks import answer_error
from .intake import ClientGone, check_content_type, check_json_route_body, json_route_body, read_body
from .responder import JsonAnswer, JsonRequest
from .routes import answer_scripted

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("mockserver")


def json_route_handler(app: web.Application, route: JsonRoute, provider: str | None, path: str,
                       answer: JsonAnswer) -> Handler:
    """The handler of ``route`` at ``path`` (``provider`` is the path's provider segment)."""
    state = app[STATE]
    mode_handler = app.get(MODE_HANDLER)  # proxy, record, replay
    config, scripting, delivery = state.config, state.scripting, state.delivery
    authenticate = Authenticator(config.api_keys).check if route.auth else None
    journal_route = state.journal.route("POST", path, None, provider, route.name)

    async def handle(request: web.Request) -> web.StreamResponse:
        entry = state.journal.record(request, journal_route)
        raw: bytes | None = None
        try:
            if mode_handler is not None:
                answered = await mode_handler.handle(request, entry, route)
                if answered is not None:
                    return answered
            if authenticate is not None:
                authenticate(request.headers)
            check_content_type(request.headers)
            raw = await read_body(request, config.max_body_bytes)
            body = entry.body = json_route_body(raw, config.max_body_objects)
            state.journal.account(entry, len(raw))
            valid = check_json_route_body(route, body)

            async def synthesized() -> Rendered:
                return delivery.render_document(answer(JsonRequest(valid, provider, config.seed)))

            if scripting.engaged(request.headers):
                stub_request = StubRequest(request.path, None, provider, valid, request.headers, "", False, route)
                scripted = await answer_scripted(state, request, entry, stub_request, None, synthesized)
                if scripted is not None:
                    return scripted
            return await delivery.send_json(await synthesized(), "", entry)
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
