"""Load: 200 concurrent streams with faults mixed in (``X-Mock-Fault``) and clients that leave
mid-stream; afterwards the server's open connections, tasks and slow answers are back to their
idle values and its log holds no error."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from drivers import ServeProcess, get_json, run_streams

#: Faults of every kind that ends a stream early, plus one that only slows it.
FAULTS: list[dict[str, Any]] = [
    {"status": 529},
    {"status": 429, "retry_after": 1},
    {"disconnect_after_events": 3},
    {"reset_before_headers": True},
    {"empty_response": True},
    {"malformed_data_line": 2},
    {"error_event": 2},
    {"delay_first_event_ms": 30},
]


async def _health(url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        return await get_json(session, url + "/__admin/health")


async def _load_and_settle(url: str, streams: int) -> tuple[dict[str, Any], Any, dict[str, Any]]:
    idle = await _health(url)
    tally = await run_streams(url, streams, faults=FAULTS, abandon_every=7, timeout=120)
    after = idle
    for _ in range(50):  # the server notices closed connections asynchronously: give it up to 5 s
        after = await _health(url)
        if after["open_connections"] == 1 and after["tasks"] <= idle["tasks"] and after["slow_answers"] == 0:
            break
        await asyncio.sleep(0.1)
    return idle, tally, after


def _check(streams: int) -> None:
    with ServeProcess("--latency", "0,5") as server:
        idle, tally, after = asyncio.run(_load_and_settle(server.url, streams))
        code, _ = server.terminate()
        log = server.stderr()
    assert tally.unexpected == []
    assert tally.completed + tally.faulted + tally.abandoned == streams
    assert tally.faulted >= streams // (len(FAULTS) + 1) * 6 // len(FAULTS)  # the injected ones did fire
    assert tally.abandoned > 0 and tally.completed > streams // 2
    assert after["open_connections"] == 1, after  # only the health request's own connection
    assert after["tasks"] <= idle["tasks"], (idle, after)
    assert after["slow_answers"] == 0
    assert code == 0
    assert log.strip() == "", log[-2000:]


def test_200_concurrent_streams_with_faults_leave_nothing_open() -> None:
    _check(200)


@pytest.mark.nightly
def test_2000_concurrent_streams_with_faults_leave_nothing_open() -> None:
    _check(2000)
