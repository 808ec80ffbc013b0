"""A lang-graph program that runs to its bounds does not hold the server: it runs off the event loop,
so a health probe and an ordinary messages request sent while it runs are answered before it ends,
and it ends in a 400 naming the bound it passed. A statement that would walk a huge value (a
comparison or copy of a list shared many times over) is refused at once, naming max_value_items."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from sequrity_contract.mockserver import MockServer

AUTH = {"Authorization": "Bearer k"}
PROGRAM_ROUTE = "/control/lang-graph/anthropic/v1/messages"
MESSAGES_ROUTE = "/control/chat/v1/messages"


def _list(name: str, first: int) -> list[str]:
    """Statements building the list ``name`` of 81920 numbers (10 doubled 13 times)."""
    return [f"{name} = [{first}, 0, 0, 0, 0, 0, 0, 0, 0, 0]", *[f"{name}.extend({name})"] * 13]


# Each iteration compares two lists of 81920 numbers: the run ends at the time bound, not sooner.
SLOW = "\n".join([*_list("a", 0), *_list("b", 1), "for x in a:", "    c = a == b", "    d = 1 in a"])
# One statement that would compare 65536 x 81920 numbers (and a final value that size).
HUGE = "\n".join([*_list("a", 0), *_list("b", 0), "A = [a]", *["A.extend(A)"] * 16, "B = [b]",
                  *["B.extend(B)"] * 16, "c = A == B", "final_return_value = A"])


def program_body(program: str) -> dict[str, Any]:
    return {"model": "m", "max_tokens": 256, "messages": [{"role": "user", "content": "Execute the graph."}],
            "tools": [{"name": "node", "input_schema": {"type": "object"}}], "user_provided_program": program,
            "context_vars": {"initial_state": {"value": {}, "meta": {"consumers": ["*"]}}}}


async def _post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> tuple[int, Any]:
    async with session.post(url, json=body, headers=AUTH) as answer:
        return answer.status, await answer.json()


def _started(server: MockServer, path: str) -> bool:
    return any(entry["path"] == path for entry in server.requests)


def test_a_slow_program_does_not_hold_health_probes_or_other_requests() -> None:
    asyncio.run(_a_slow_program_does_not_hold_health_probes_or_other_requests())


async def _a_slow_program_does_not_hold_health_probes_or_other_requests() -> None:
    finished: list[str] = []
    with MockServer(seed=0) as server:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:

            async def tracked(name: str, request: Any) -> Any:
                result = await request
                finished.append(name)
                return result

            slow = asyncio.create_task(tracked("program", _post(session, server.url + PROGRAM_ROUTE,
                                                                program_body(SLOW))))
            deadline = time.monotonic() + 30  # generous: only to fail rather than hang if it never starts
            while not _started(server, PROGRAM_ROUTE):  # the program's request is in (its journal entry)
                assert time.monotonic() < deadline and not slow.done()
                await asyncio.sleep(0.01)

            async def health() -> int:
                async with session.get(server.url + "/control/health") as answer:
                    return answer.status

            probe = await tracked("health", health())
            normal = await tracked("messages", _post(session, server.url + MESSAGES_ROUTE, {
                "model": "m", "max_tokens": 64, "messages": [{"role": "user", "content": "Hello"}]}))
            status, refused = await slow
    assert probe == 200 and normal[0] == 200 and normal[1]["type"] == "message"
    assert finished == ["health", "messages", "program"]
    assert status == 400 and "max_seconds=" in refused["error"]["message"]


def test_several_slow_programs_at_once_still_leave_the_loop_free() -> None:
    asyncio.run(_several_slow_programs_at_once_still_leave_the_loop_free())


async def _several_slow_programs_at_once_still_leave_the_loop_free() -> None:
    finished: list[str] = []
    with MockServer(seed=0) as server:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:

            async def program(index: int) -> tuple[int, Any]:
                result = await _post(session, server.url + PROGRAM_ROUTE, program_body(SLOW + f"\ne = {index}"))
                finished.append(f"program {index}")
                return result

            slow = [asyncio.create_task(program(index)) for index in range(4)]  # more than the workers
            deadline = time.monotonic() + 30
            while sum(e["path"] == PROGRAM_ROUTE for e in server.requests) < 4:
                assert time.monotonic() < deadline
                await asyncio.sleep(0.01)
            async with session.get(server.url + "/control/health") as answer:
                assert answer.status == 200
                finished.append("health")
            results = await asyncio.gather(*slow)
    assert finished[0] == "health"
    assert all(status == 400 and "max_seconds=" in body["error"]["message"] for status, body in results)


def test_a_statement_walking_a_huge_value_is_refused_naming_the_bound() -> None:
    asyncio.run(_a_statement_walking_a_huge_value_is_refused_naming_the_bound())


async def _a_statement_walking_a_huge_value_is_refused_naming_the_bound() -> None:
    with MockServer(seed=0) as server:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
            status, refused = await _post(session, server.url + PROGRAM_ROUTE, program_body(HUGE))
    assert status == 400
    message = refused["error"]["message"]
    assert "max_value_items=" in message and "user_provided_program" in message and "line " in message
