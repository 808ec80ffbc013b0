"""The application factory: :func:`create_app`."""

from __future__ import annotations

from aiohttp import web

from .config import MockConfig
from .responder import Responder
from .routes import add_routes
from .state import STATE, ServerState


def create_app(config: MockConfig | None = None, *, responder: Responder | None = None) -> web.Application:
    """A ready aiohttp application serving the mock (``config`` defaults to :class:`MockConfig`).

    ``responder`` replaces the synthesizer as the source of answers. The server's parts are
    reachable as ``app[STATE]`` (:class:`~mockserver.state.ServerState`).
    """
    config = config if config is not None else MockConfig()
    if not isinstance(config, MockConfig):
        raise TypeError(f"config={config!r}: expected a MockConfig")
    app = web.Application(client_max_size=config.max_body_bytes)
    state = app[STATE] = ServerState.create(config, responder)

    async def close_open_streams(app: web.Application) -> None:
        await state.cancel_slow_answers()

    app.on_shutdown.append(close_open_streams)
    add_routes(app)
    return app
