"""The admin API as an aiohttp sub-application mounted at ``/__admin``.

Every error is the contract's JSON error body (:func:`json_errors`). With ``admin_token``
configured, a middleware makes every admin request carry
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
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every admin error as the contract's JSON error body: an :class:`ApiError` raised by a handler,
    and the HTTP errors aiohttp raises itself (a body over the size limit, a bad request line...)."""
    try:
        response = await handler(request)
    except ApiError as error:
        response = error.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = _as_api_error(request, exc).response()
    return response


def _as_api_error(request: web.Request, exc: web.HTTPException) -> ApiError:
    if exc.status == 413:
        limit = request.config_dict[STATE].config.max_body_bytes
        return ApiError(413, f"admin request body: expected at most {limit} bytes (--max-body-bytes)")
    allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
    return ApiError(exc.status, f"{request.path}: {exc.reason}", allow)


@web.middleware
async def admin_token(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Let a request through when the server has no admin token, or when it carries the token."""
    token = request.config_dict[STATE].config.admin_token
    if token is not None:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        # surrogateescape: a header's undecodable bytes (aiohttp keeps them as surrogates) compare as bytes
        given_bytes = given.strip().encode("utf-8", "surrogateescape")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given_bytes, token.encode()):
            return ApiError(401, f"{request.path}: the admin API expects 'Authorization: Bearer <admin token>' "
                                 "with the server's --admin-token").response()
    return await handler(request)


def admin_app() -> web.Application:
    """The admin sub-application (mount it with ``app.add_subapp(PREFIX, admin_app())``)."""
    admin = web.Application(middlewares=[json_errors, admin_token, replicate_writes])
    add_journal_routes(admin)
    add_stub_routes(admin)
    admin.router.add_route("*", r"/{tail:[\s\S]*}", not_found)
    return admin
