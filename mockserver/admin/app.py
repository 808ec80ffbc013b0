"""The admin API as an aiohttp sub-application mounted at ``/__admin``.

With ``admin_token`` configured, a middleware makes every admin request carry
``Authorization: Bearer <admin token>`` (compared in constant time); any other gets a 401 with
the contract's error body. Paths under ``/__admin`` that name nothing get the server's 404.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from ..errors import ApiError
from ..pipeline.fallbacks import Handler, not_found
from ..state import STATE
from .replication import replicate_writes
from .routes import add_journal_routes
from .stubs import add_stub_routes

PREFIX = "/__admin"
"""Where the admin API is mounted."""


@web.middleware
async def admin_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let a request through when the server has no admin token, or when it carries the token."""
    token = request.config_dict[STATE].config.admin_token
    if token is not None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return ApiError(401, f"{request.path}: the admin API expects 'Authorization: Bearer <admin token>' "
                                 "with the server's --admin-token").response()
    return await handler(request)


def admin_app() -> web.Application:
    """The admin sub-application (mount it with ``app.add_subapp(PREFIX, admin_app())``)."""
    admin = web.Application(middlewares=[admin_token, replicate_writes])
    add_journal_routes(admin)
    add_stub_routes(admin)
    admin.router.add_route("*", r"/{tail:[\s\S]*}", not_found)
    return admin
