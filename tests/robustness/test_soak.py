"""Soak: many varied requests (a quarter of them streams); once warm (journal, session table and
caches full), the server's resident memory grows by less than 10 %."""

from __future__ import annotations

import asyncio

import pytest
from drivers import ServeProcess, soak

GROWTH_LIMIT = 0.10


def _rss_growth_after_warmup(total: int, warmup: int, *args: str) -> tuple[float, list[tuple[int, int]]]:
    with ServeProcess(*args) as server:
        marks = asyncio.run(soak(server.url, total, pid=server.pid, samples=20))
        code, _ = server.terminate()
        log = server.stderr()
    assert code == 0 and log.strip() == "", log[-2000:]
    warm = next(rss for done, rss in marks if done >= warmup)
    return (marks[-1][1] - warm) / warm, marks


def test_2000_requests_grow_memory_less_than_10_percent_after_warmup() -> None:
    growth, marks = _rss_growth_after_warmup(2_000, 1_000, "--journal-size", "500")
    assert growth < GROWTH_LIMIT, marks


@pytest.mark.nightly
def test_100000_requests_grow_memory_less_than_10_percent_after_warmup() -> None:
    growth, marks = _rss_growth_after_warmup(100_000, 20_000)
    assert growth < GROWTH_LIMIT, marks
