"""However a request body arrives (in one piece, in parts with pauses, chunked), the server reads
all of it, applies the size limit, and counts it once against the journal's byte budget."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest

from sequrity_contract.mockserver import MockServer

BODY = json.dumps({"model": "m", "max_tokens": 50, "messages": [{"role": "user", "content": "slowly now"}]}).encode()


async def _open(server: MockServer) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    host, port = server.url.removeprefix("http://").split(":")
    return await asyncio.open_connection(host, int(port))


def _head(server: MockServer, extra: str) -> bytes:
    path = server.messages_url().split(server.url, 1)[1]
    return (f"POST {path} HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer k\r\n"
            f"Content-Type: application/json\r\nConnection: close\r\n{extra}\r\n").encode()


async def _answer(reader: asyncio.StreamReader) -> tuple[int, Any]:
    """Status and JSON body of a ``Connection: close`` answer."""
    data = await asyncio.wait_for(reader.read(), 10)
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def _send(server: MockServer, extra_head: str, parts: list[bytes], pause_s: float) -> tuple[int, Any]:
    """Send the head (plus ``extra_head`` lines), then ``parts``: with ``pause_s`` before each, or
    all in the head's write when ``pause_s`` is 0."""
    reader, writer = await _open(server)
    head = _head(server, extra_head)
    if not pause_s:
        writer.write(head + b"".join(parts))
    else:
        writer.write(head)
        for part in parts:
            await writer.drain()
            await asyncio.sleep(pause_s)
            writer.write(part)
    answer = await _answer(reader)
    writer.close()
    return answer


async def _in_parts(server: MockServer, parts: list[bytes], pause_s: float = 0.2) -> tuple[int, Any]:
    """Send a body of ``Content-Length`` as ``parts`` with a pause before each."""
    return await _send(server, f"Content-Length: {sum(map(len, parts))}\r\n", parts, pause_s)


async def _chunked(server: MockServer, body: bytes, chunk: int, pause_s: float = 0) -> tuple[int, Any]:
    """Send ``body`` chunked, ``chunk`` bytes a chunk: in one write, or chunk by chunk with pauses."""
    pieces = [body[start:start + chunk] for start in range(0, len(body), chunk)]
    encoded = [b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces] + [b"0\r\n\r\n"]
    return await _send(server, "Transfer-Encoding: chunked\r\n", encoded, pause_s)


@pytest.mark.anyio
async def test_a_body_arriving_in_parts_is_read_whole() -> None:
    async with MockServer() as server:
        status, message = await _in_parts(server, [BODY[:10], BODY[10:40], BODY[40:]])
        assert status == 200 and message["type"] == "message"
        (entry,) = server.requests
        assert entry["body"] == json.loads(BODY)


@pytest.mark.anyio
async def test_a_chunked_body_is_read_whole_and_limited_alike_however_it_arrives() -> None:
    async with MockServer(max_body_bytes=len(BODY)) as server:
        status, message = await _chunked(server, BODY, chunk=7)
        assert status == 200 and message["type"] == "message"
        refusals = [await _chunked(server, BODY + b" " * 10, chunk=7, pause_s=pause) for pause in (0, 0.1)]
        assert [status for status, _ in refusals] == [413, 413]
        assert refusals[0][1] == refusals[1][1]  # in one segment or in parts: the same answer
        assert f"at most {len(BODY)} bytes" in refusals[0][1]["error"]["message"]


@pytest.mark.anyio
async def test_an_entry_that_left_the_journal_while_reading_counts_no_bytes() -> None:
    async with MockServer(journal_size=1) as server:
        reader, writer = await _open(server)
        writer.write(_head(server, f"Content-Length: {len(BODY)}\r\n") + BODY[:5])  # journalled, still reading
        await writer.drain()
        await asyncio.sleep(0.2)
        quick = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "quick"}]}
        async with aiohttp.ClientSession() as client:
            async with client.post(server.messages_url(), json=quick, headers={"Authorization": "Bearer k"}) as answer:
                assert answer.status == 200
                quick_bytes = int(answer.request_info.headers["Content-Length"])
            writer.write(BODY[5:])  # the first request completes after the journal dropped it
            status, _ = await _answer(reader)
            writer.close()
            assert status == 200
            async with client.get(server.url + "/__admin/health") as health:
                counters = await health.json()
        assert [e["body"] for e in server.requests] == [quick]
        assert counters["journal_bytes"] == quick_bytes
