"""Playing a recorded interaction back: status, headers, and the body or the stream events.

Timing follows ``speed``: ``"recorded"`` waits as long as the upstream took (the answer's
``at``, then each event's ``at``), a number ``f`` plays ``f`` times as fast (``2.0`` halves
every wait), ``"none"`` sends everything at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from sequrity_contract.schemas.sse import NAMED_EVENTS, SSEFormat

from ..pipeline.delivery import SSE_HEADERS, noting_disconnect, write_events
from ..pipeline.journal import JournalEntry
from ..support.byte_text import bytes_of, dumps


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
               entry: JournalEntry, sse: SSEFormat = NAMED_EVENTS) -> web.StreamResponse:
    """Answer ``request`` with the recorded ``interaction``, timed as ``speed`` says (streams in
    the ``sse`` format of the route's endpoint)."""
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
        # a text body is sent as the bytes it stands for; a JSON one as compact JSON (lone surrogates escaped)
        data = bytes_of(body) if isinstance(body, str) else dumps(body, compact=True).encode()
        return web.Response(status=status, body=data, headers=headers)
    entry.stream = True
    entry.set_events(lambda: [item["event"] for item in events])
    response = web.StreamResponse(status=status, headers={**SSE_HEADERS, **headers})
    with noting_disconnect(entry):
        await response.prepare(request)
        writes = [sse.encode_event(item["event"]) for item in events]
        if not await write_events(request, response, writes,
                                  lambda n: _sleep_until(started, float(events[n]["at"]), factor), entry):
            return response
        if sse.terminator:
            await response.write(sse.terminator)
        await response.write_eof()
    return response
