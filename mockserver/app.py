"""The application factory: :func:`create_app`."""

from __future__ import annotations

from collections.abc import Sequence

from aiohttp import web

from .config import MockConfig
from .matching import Matcher
from .modes import install_modes
from .responder import Responder
from .routes import add_routes
from .state import STATE, ServerState


def create_app(config: MockConfig | None = None, *, responder: Responder | None = None,
               matchers: Sequence[Matcher] = ()) -> web.Application:
    """A ready aiohttp application serving the mock (``config`` defaults to :class:`MockConfig`).

    ``responder`` replaces the synthesizer as the source of answers. The server's parts are
    reachable as ``app[STATE]`` (:class:`~mockserver.state.ServerState`). ``matchers`` are custom
    request matchers of the record and replay modes (see :mod:`mockserver.matching`).
    """
    config = config if config is not None else MockConfig()
    if not isinstance(config, MockConfig):
        raise TypeError(f"config={config!r}: expected a MockConfig")
    app = web.Application(client_max_size=config.max_body_bytes)
    state = app[STATE] = ServerState.create(config, responder)

    async def close_open_streams(app: web.Application) -> None:
        await state.cancel_slow_answers()

    app.on_shutdown.append(close_open_streams)
    install_modes(app, config, matchers)
    add_routes(app)
    return app
