"""The admin API under ``/__admin``: the journal, the sessions and the server's health.

- ``GET /__admin/requests``: journal entries, oldest first (``?limit=N`` keeps the newest N);
- ``DELETE /__admin/requests``: empty the journal;
- ``GET /__admin/sessions``: the session table;
- ``GET /__admin/health``: ``{"status": "ok", ...}`` with counters and the configuration.

Admin requests are not journalled.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from aiohttp import web

from .errors import ApiError
from .state import STATE


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
    """The configuration as JSON, API keys left out."""
    out = dataclasses.asdict(config)
    out["api_keys"] = len(config.api_keys)
    return out


async def admin_health(request: web.Request) -> web.Response:
    """``GET /__admin/health``."""
    state = request.app[STATE]
    return web.json_response({
        "status": "ok",
        "requests": len(state.journal),
        "sessions": len(state.sessions),
        "cached_answers": len(state.answers),
        "config": config_summary(state.config),
    })


def add_admin_routes(app: web.Application) -> None:
    """Register the ``/__admin`` routes on ``app``."""
    from .routes import method_not_allowed

    requests = app.router.add_resource("/__admin/requests")
    requests.add_route("GET", list_requests)
    requests.add_route("DELETE", clear_requests)
    requests.add_route("*", method_not_allowed("GET, DELETE"))
    for path, handler in (("/__admin/sessions", list_sessions), ("/__admin/health", admin_health)):
        resource = app.router.add_resource(path)
        resource.add_route("GET", handler)
        resource.add_route("*", method_not_allowed("GET"))
