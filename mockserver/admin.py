"""The admin API under ``/__admin``: the journal, the sessions and the server's health.

- ``GET /__admin/requests``: journal entries, oldest first (``?limit=N`` keeps the newest N);
- ``DELETE /__admin/requests``: empty the journal;
- ``GET /__admin/sessions``: the session table;
- ``GET /__admin/health``: ``{"status": "ok", ...}`` with counters, the answering worker and the
  configuration.

Admin requests are not journalled. With ``admin_token`` configured every admin request must carry
``Authorization: Bearer <admin token>``, else it gets a 401 with the contract's error body.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import os
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .errors import ApiError
from .state import STATE

OPEN_CONNECTIONS: web.AppKey[Callable[[], int]] = web.AppKey("sequrity_mock_open_connections", Callable[[], int])
"""Counts the server's open client connections (set by :class:`~mockserver.handle.MockServer`)."""


def _limit(request: web.Request) -> int | None:
    value = request.query.get("limit")
    if value is None:
        return None
    if not value.isdigit():
        raise ApiError(400, f"query parameter limit={value!r}: expected a non-negative integer")
    return int(value)


async def list_requests(request: web.Request) -> web.Response:
    """``GET /__admin/requests``."""
    try:
        limit = _limit(request)
    except ApiError as error:
        return error.response()
    entries = request.app[STATE].journal.entries()
    if limit is not None:
        entries = entries[len(entries) - limit:] if limit else []
    return web.json_response([e.as_dict() for e in entries])


async def clear_requests(request: web.Request) -> web.Response:
    """``DELETE /__admin/requests``."""
    request.app[STATE].journal.clear()
    return web.json_response({"cleared": True})


async def list_sessions(request: web.Request) -> web.Response:
    """``GET /__admin/sessions``."""
    return web.json_response([s.as_dict() for s in request.app[STATE].sessions.all()])


def config_summary(config: Any) -> dict[str, Any]:
    """The configuration as JSON, API keys and the admin token left out (counted / flagged)."""
    out = dataclasses.asdict(config)
    out["api_keys"] = len(config.api_keys)
    out["admin_token"] = config.admin_token is not None
    return out


async def admin_health(request: web.Request) -> web.Response:
    """``GET /__admin/health``."""
    state = request.app[STATE]
    return web.json_response({
        "status": "ok",
        "requests": len(state.journal),
        "journal_bytes": state.journal.body_bytes,
        "sessions": len(state.sessions),
        "cached_answers": len(state.answers),
        "worker": {"index": state.config.worker, "pid": os.getpid()},
        "open_connections": request.app[OPEN_CONNECTIONS]() if OPEN_CONNECTIONS in request.app else None,
        "slow_answers": len(state.slow_answers),
        "tasks": len(asyncio.all_tasks()),
        "config": config_summary(state.config),
    })


def _admin_only(handler: Callable[[web.Request], Any]) -> Callable[[web.Request], Any]:
    """``handler`` behind the admin token (a no-op when the server has none)."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        token = request.app[STATE].config.admin_token
        if token is not None:
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
                return ApiError(401, f"{request.path}: the admin API expects 'Authorization: Bearer <admin token>' "
                                     "with the server's --admin-token").response()
        return await handler(request)

    return guarded


def add_admin_routes(app: web.Application) -> None:
    """Register the ``/__admin`` routes on ``app``."""
    from .routes import method_not_allowed

    requests = app.router.add_resource("/__admin/requests")
    requests.add_route("GET", _admin_only(list_requests))
    requests.add_route("DELETE", _admin_only(clear_requests))
    requests.add_route("*", _admin_only(method_not_allowed("GET, DELETE")))
    for path, handler in (("/__admin/sessions", list_sessions), ("/__admin/health", admin_health)):
        resource = app.router.add_resource(path)
        resource.add_route("GET", _admin_only(handler))
        resource.add_route("*", _admin_only(method_not_allowed("GET")))
    from .admin_stubs import add_stub_routes

    add_stub_routes(app, _admin_only)
