"""The heaviest requests the limits allow, and a health probe meanwhile: how long does the server
keep others waiting? The goal (the hardening issue): under 100 ms.

Each shape is sent once to a fresh server with the default limits while a client probes
``GET /control/health`` every 10 ms; the slowest probe and the heavy request's own time are printed.

    python bench/heavy_requests.py
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
from record import record

from sequrity_contract.mockserver import MockConfig, MockServer

GOAL_MS = 100.0
PATH = "/control/chat/v1/messages"


def shapes(config: MockConfig) -> dict[str, dict[str, Any]]:
    """Bodies at the limits: the most objects, the longest text, a long history of turns."""
    most = config.max_body_objects - 10
    words = (config.max_body_bytes - 200) // 5
    turns = (config.max_body_objects - 10) // 2
    return {
        "most objects (text blocks)": {"model": "m", "max_tokens": 16, "messages": [
            {"role": "user", "content": [{"type": "text", "text": "w"}] * most}]},
        "longest text (words)": {"model": "m", "max_tokens": 16, "messages": [
            {"role": "user", "content": "word " * words}]},
        "most turns": {"model": "m", "max_tokens": 16, "messages": [
            {"role": "user" if i % 2 == 0 else "assistant", "content": "hi"} for i in range(turns | 1)]},
    }


async def worst_probe(url: str, body: bytes) -> tuple[int, float, float]:
    async with aiohttp.ClientSession() as http:
        started = time.perf_counter()

        async def heavy() -> int:
            async with http.post(url + PATH, data=body, headers={"Authorization": "Bearer k",
                                                                 "Content-Type": "application/json"}) as response:
                await response.read()
                return response.status

        task = asyncio.create_task(heavy())
        worst = 0.0
        while not task.done():
            probe_started = time.perf_counter()
            async with http.get(url + "/control/health") as probe:
                await probe.read()
            worst = max(worst, time.perf_counter() - probe_started)
            await asyncio.sleep(0.01)
        return await task, worst * 1000, (time.perf_counter() - started) * 1000


def main() -> None:
    config = MockConfig()
    results: dict[str, Any] = {}
    for name, request in shapes(config).items():
        body = json.dumps(request).encode()
        with MockServer(config) as server:
            status, worst_ms, took_ms = asyncio.run(worst_probe(server.url, body))
        verdict = "OK" if worst_ms < GOAL_MS else "MISSED"
        print(f"{name}: {len(body) / 1e6:.1f} MB -> HTTP {status} in {took_ms:.0f} ms; slowest health probe "
              f"meanwhile {worst_ms:.1f} ms (goal < {GOAL_MS:.0f} ms) -> {verdict}")
        results[name] = {"bytes": len(body), "status": status, "took_ms": round(took_ms, 1),
                         "worst_probe_ms": round(worst_ms, 1)}
    print(f"recorded in {record('heavy_requests', results)}")


if __name__ == "__main__":
    main()
