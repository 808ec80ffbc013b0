"""The application factory: :func:`create_app`."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from sequrity_contract.schemas import ENDPOINTS, JSON_ROUTES

from .admin.app import PREFIX as ADMIN_PREFIX
from .admin.app import admin_app
from .config import MockConfig
from .modes.handler import install_modes
from .modes.matching import Matcher
from .pipeline.body_deadline import BODY_TIMEOUT
from .pipeline.fallbacks import method_not_allowed, not_found
from .pipeline.json_routes import json_route_handler
from .pipeline.responder import Responder
from .pipeline.routes import endpoint_handler, health
from .state import STATE, ServerState
from .synthesis import JSON_ANSWERS


def create_app(config: MockConfig | None = None, *, responder: Responder | None = None,
               matchers: Sequence[Matcher] = ()) -> web.Application:
    """A ready aiohttp application serving the mock (``config`` defaults to :class:`MockConfig`).

    ``responder`` replaces the synthesizer as the source of answers. The server's parts are
    reachable as ``app[STATE]`` (:class:`~sequrity_contract.mockserver.state.ServerState`). ``matchers`` are custom
    request matchers of the record and replay modes (see :mod:`sequrity_contract.mockserver.modes.matching`).
    """
    config = config if config is not None else MockConfig()
    if not isinstance(config, MockConfig):
        raise TypeError(f"config={config!r}: expected a MockConfig")
    app = web.Application(client_max_size=config.max_body_bytes)
    state = app[STATE] = ServerState.create(config, responder)
    app[BODY_TIMEOUT] = config.body_timeout

    async def close_open_streams(app: web.Application) -> None:
        await state.cancel_slow_answers()

    app.on_shutdown.append(close_open_streams)
    install_modes(app, config, matchers)
    add_routes(app)
    return app


def add_routes(app: web.Application) -> None:
    """Register every route of the mock on ``app``: the one place that wires them. The routes of
    every registered endpoint (:data:`~sequrity_contract.schemas.ENDPOINTS`), of every JSON route
    (:data:`~sequrity_contract.schemas.JSON_ROUTES`, answered by its function in
    :data:`~sequrity_contract.mockserver.synthesis.JSON_ANSWERS`), health, the admin sub-application,
    and last the catch-all 404."""
    refuse_post_only = method_not_allowed("POST")
    for endpoint in ENDPOINTS.values():
        for endpoint_type, provider, path in endpoint.routes():
            resource = app.router.add_resource(path)
            resource.add_route("POST", endpoint_handler(app, endpoint, endpoint_type, provider))
            resource.add_route("*", refuse_post_only)
    for json_route in JSON_ROUTES.values():
        for provider, path in json_route.routes():
            resource = app.router.add_resource(path)
            resource.add_route("POST", json_route_handler(app, json_route, provider, path,
                                                          JSON_ANSWERS[json_route.name]))
            resource.add_route("*", refuse_post_only)
    resource = app.router.add_resource("/control/health")
    resource.add_route("GET", health)
    resource.add_route("*", method_not_allowed("GET"))
    app.add_subapp(ADMIN_PREFIX, admin_app())
    app.router.add_route("*", r"/{tail:[\s\S]*}", not_found)  # [\s\S]: newlines (%0A) too
