"""Playing a recorded interaction back: status, headers, and the body or the stream events.

Timing follows ``speed``: ``"recorded"`` waits as long as the upstream took (the answer's
``at``, then each event's ``at``), a number ``f`` plays ``f`` times as fast (``2.0`` halves
every wait), ``"none"`` sends everything at once.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from .delivery import SSE_HEADERS, client_gone, noting_disconnect
from .journal import JournalEntry
from .sse import encode_event

REPLAY_SPEEDS = ("recorded", "none")


def parse_replay_speed(value: Any) -> float | str:
    """``"recorded"``, ``"none"`` or a positive factor (a number or a numeric string);
    a :class:`ValueError` naming ``replay_speed=`` otherwise."""
    if isinstance(value, str) and value.strip().lower() in REPLAY_SPEEDS:
        return value.strip().lower()
    try:
        factor = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        factor = float("nan")
    if not 0 < factor < float("inf"):
        raise ValueError(f"replay_speed={value!r}: expected 'recorded', 'none' or a factor > 0 such as 2.0")
    return factor


def wait_factor(speed: float | str) -> float | None:
    """How recorded waits scale: 1.0 for ``recorded``, None (no waits) for ``none``, else 1/factor."""
    if speed == "none":
        return None
    return 1.0 if speed == "recorded" else 1.0 / float(speed)


async def _sleep_until(started: float, at: float, factor: float | None) -> None:
    if factor is None:
        return
    delay = started + at * factor - asyncio.get_running_loop().time()
    if delay > 0:
        await asyncio.sleep(delay)


async def play(request: web.Request, interaction: dict[str, Any], speed: float | str,
               entry: JournalEntry) -> web.StreamResponse:
    """Answer ``request`` with the recorded ``interaction``, timed as ``speed`` says."""
    started = asyncio.get_running_loop().time()
    factor = wait_factor(speed)
    recorded = interaction["response"]
    status = recorded["status"]
    headers = dict(recorded.get("headers") or {})
    entry.status = status
    entry.session_id = headers.get("X-Session-ID")
    events = recorded.get("events")
    await _sleep_until(started, float(recorded.get("at", 0.0)), factor)
    if events is None:
        headers.setdefault("Content-Type", "application/json")
        body = recorded["body"]
        data = body.encode() if isinstance(body, str) else json.dumps(body, ensure_ascii=False,
                                                                      separators=(",", ":")).encode()
        return web.Response(status=status, body=data, headers=headers)
    entry.stream = True
    entry.set_events(lambda: [item["event"] for item in events])
    response = web.StreamResponse(status=status, headers={**SSE_HEADERS, **headers})
    with noting_disconnect(entry):
        await response.prepare(request)
        for item in events:
            await _sleep_until(started, float(item["at"]), factor)
            if client_gone(request):
                entry.disconnected = True
                return response
            await response.write(encode_event(item["event"]))
            entry.events_sent += 1
        await response.write_eof()
    return response
