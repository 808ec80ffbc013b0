"""The admin API under ``/__admin``: the journal, the sessions and the server's health.

- ``GET /__admin/requests``: journal entries, oldest first (``?limit=N`` keeps the newest N);
- ``DELETE /__admin/requests``: empty the journal;
- ``GET /__admin/sessions``: the session table;
- ``GET /__admin/health``: ``{"status": "ok", ...}`` with counters, the answering worker and the
  configuration.

- ``GET``/``DELETE /__admin/violations``: the validating proxy's violation report.

Admin requests are not journalled.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ..errors import ApiError
from ..modes.handler import MODE_HANDLER
from ..modes.violation_report import ViolationReport
from ..pipeline.fallbacks import method_not_allowed
from ..scripting.stubs import redact_match
from ..state import STATE

OPEN_CONNECTIONS: web.AppKey[Callable[[], int]] = web.AppKey("sequrity_mock_open_connections")
"""Counts the server's open client connections (set by :class:`~sequrity_contract.mockserver.handle.MockServer`)."""


#: Digits ``?limit=`` may have (more than any journal holds).
LIMIT_DIGITS = 9


def _limit(request: web.Request) -> int | None:
    value = request.query.get("limit")
    if value is None:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= LIMIT_DIGITS):
        shown = repr(value) if len(value) <= 40 else f"{value[:37]!r}... ({len(value)} characters)"
        raise ApiError(400, f"query parameter limit={shown}: expected a non-negative integer of at most "
                            f"{LIMIT_DIGITS} ASCII digits (0-9)")
    return int(value)


async def list_requests(request: web.Request) -> web.Response:
    """``GET /__admin/requests``."""
    limit = _limit(request)
    entries = request.config_dict[STATE].journal.entries()
    if limit is not None:
        entries = entries[len(entries) - limit:] if limit else []
    return web.json_response([e.as_dict() for e in entries])


async def clear_requests(request: web.Request) -> web.Response:
    """``DELETE /__admin/requests``."""
    request.config_dict[STATE].journal.clear()
    return web.json_response({"cleared": True})


async def list_sessions(request: web.Request) -> web.Response:
    """``GET /__admin/sessions``."""
    return web.json_response([s.as_dict() for s in request.config_dict[STATE].sessions.all()])


def config_summary(config: Any) -> dict[str, Any]:
    """The configuration as JSON, API keys and the admin token left out (counted / flagged), and the
    values of credential headers a configured stub matches redacted."""
    out = dataclasses.asdict(config)
    out["api_keys"] = len(config.api_keys)
    out["admin_token"] = config.admin_token is not None
    out["stubs"] = [{**stub, "match": redact_match(stub["match"])} if "match" in stub else stub
                    for stub in out["stubs"]]
    return out


async def admin_health(request: web.Request) -> web.Response:
    """``GET /__admin/health``."""
    state = request.config_dict[STATE]
    return web.json_response({
        "status": "ok",
        "requests": len(state.journal),
        "journal_bytes": state.journal.body_bytes,
        "sessions": len(state.sessions),
        "cached_answers": len(state.answers),
        "worker": {"index": state.config.worker, "pid": os.getpid()},
        "open_connections": (request.config_dict[OPEN_CONNECTIONS]() if OPEN_CONNECTIONS in request.config_dict
                             else None),
        "slow_answers": len(state.slow_answers),
        "tasks": len(asyncio.all_tasks()),
        "config": config_summary(state.config),
    })


async def violations_report(request: web.Request) -> web.Response:
    """``GET /__admin/violations``: the proxy's violation report (empty when nothing is proxied)."""
    handler = request.config_dict.get(MODE_HANDLER)
    if handler is None:
        config = request.config_dict[STATE].config
        return web.json_response(ViolationReport(config.mode, config.upstream).as_dict())
    return web.json_response(handler.report.as_dict())


async def clear_violations(request: web.Request) -> web.Response:
    """``DELETE /__admin/violations``: empty the report."""
    handler = request.config_dict.get(MODE_HANDLER)
    if handler is not None:
        handler.report.clear()
    return web.json_response({"cleared": True})


def add_journal_routes(admin: web.Application) -> None:
    """Register the journal, session, health and violation routes on the ``admin`` sub-application."""
    requests = admin.router.add_resource("/requests")
    requests.add_route("GET", list_requests)
    requests.add_route("DELETE", clear_requests)
    requests.add_route("*", method_not_allowed("GET, DELETE"))
    for path, handler in (("/sessions", list_sessions), ("/health", admin_health)):
        resource = admin.router.add_resource(path)
        resource.add_route("GET", handler)
        resource.add_route("*", method_not_allowed("GET"))
    violations = admin.router.add_resource("/violations")
    violations.add_route("GET", violations_report)
    violations.add_route("DELETE", clear_violations)
    violations.add_route("*", method_not_allowed("GET, DELETE"))
