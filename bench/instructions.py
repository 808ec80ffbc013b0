"""Instructions per request of the mock server and of the bare aiohttp handler, counted by
valgrind: a cross-check of ``bench/server.py`` that machine noise cannot move.

Throughput on a shared machine drifts by tens of percent between rounds; the number of
instructions a server executes per request does not. Each server (the same two as
``bench/server.py``: ours with journal, validation and synthesis on, and the bare handler
answering the same bytes) runs under ``valgrind --tool=cachegrind`` twice, serving ``--few``
and then ``--many`` identical requests over 16 keep-alive connections; the difference of the
two totals divided by the difference of the counts is the cost of one request, start-up and
shutdown cancelled out. The printed ratio is bare / ours: the throughput ratio a CPU-bound
server would reach if every instruction cost the same (cache misses are not counted).

    python bench/instructions.py [--few 800] [--many 4000] [--traffic realistic --distinct] [--ours-only]

Needs valgrind (``apt-get install -y valgrind``); takes about two minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from record import record
from server import PATH, TARGETS, TRAFFIC, Server, server_commands

CONNECTIONS = 16


def _request_bytes(stream: bool, traffic: str = "hello", number: int | None = None) -> bytes:
    """One POST of the ``traffic`` request (its "Hello" made "Hello N" when ``number`` is given)."""
    request = TRAFFIC[traffic]
    text = json.dumps({**request, "stream": True} if stream else request)
    if number is not None:
        text = text.replace('"Hello"', f'"Hello {number}"', 1)
    body = text.encode()
    return (f"POST {PATH} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer bench\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


async def _drive(port: int, requests: int, stream: bool, traffic: str = "hello", distinct: bool = False) -> None:
    """Send ``requests`` POSTs (identical, or each distinct) over 16 keep-alive connections, reading
    every answer."""
    raw = _request_bytes(stream, traffic)
    numbers = iter(range(10**9))

    async def connection(count: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(count):
            writer.write(_request_bytes(stream, traffic, next(numbers)) if distinct else raw)
            head = (await reader.readuntil(b"\r\n\r\n")).lower()
            if not head.startswith(b"http/1.1 200"):
                raise RuntimeError(f"the server answered {head.splitlines()[0]!r}")
            if b"transfer-encoding: chunked" in head:
                while size := int((await reader.readuntil(b"\r\n"))[:-2], 16):
                    await reader.readexactly(size + 2)
                await reader.readexactly(2)
            else:
                length = int(re.search(rb"content-length: *(\d+)", head)[1])  # type: ignore[index]
                await reader.readexactly(length)
        writer.close()

    share, rest = divmod(requests, CONNECTIONS)
    await asyncio.gather(*(connection(share + (i < rest)) for i in range(CONNECTIONS)))


def _instructions(name: str, command: list[str], requests: int, stream: bool, scratch: str,
                  traffic: str = "hello", distinct: bool = False) -> int:
    """The instructions the server ``command`` executes from start to exit, serving ``requests``."""
    out = os.path.join(scratch, f"{name}-{requests}-{stream}.cg")
    server = Server(name, ["valgrind", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out}",
                           *command], startup_s=300)
    try:
        asyncio.run(_drive(server.port, requests, stream, traffic, distinct))
    finally:
        server.stop()
    summary = next(line for line in Path(out).read_text().splitlines() if line.startswith("summary:"))
    return int(summary.split()[1])


def main() -> int:
    """Count, print the table and the ratios, and record them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=800, help="requests in the short run (default 800)")
    parser.add_argument("--many", type=int, default=4000, help="requests in the long run (default 4000)")
    parser.add_argument("--traffic", choices=sorted(TRAFFIC), default="hello",
                        help="the request (see bench/server.py): hello (default) or realistic")
    parser.add_argument("--distinct", action="store_true",
                        help="every request a distinct body (a cache miss: validated and synthesized afresh)")
    parser.add_argument("--ours-only", action="store_true",
                        help="count our server only and record nothing: a quick before/after of a change")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("bench/instructions.py: valgrind not found; install it with: apt-get install -y valgrind",
              file=sys.stderr)
        return 2
    if not 0 < args.few < args.many:
        print(f"bench/instructions.py: --few {args.few} --many {args.many}: expected 0 < few < many", file=sys.stderr)
        return 2
    results: dict[str, object] = {"few": args.few, "many": args.many, "traffic": args.traffic,
                                  "distinct": args.distinct}
    with tempfile.TemporaryDirectory() as scratch:
        commands = server_commands(scratch)
        if args.ours_only:
            for mode in TARGETS:
                few, many = (_instructions("sequrity-mock", commands["sequrity-mock"], n, mode == "stream", scratch,
                                           args.traffic, args.distinct) for n in (args.few, args.many))
                print(f"{mode}: {(many - few) / (args.many - args.few):,.0f} instructions/request", flush=True)
            return 0
        print("| mode | bare aiohttp instructions/request | sequrity-mock instructions/request | bare / ours |")
        print("|---|---|---|---|")
        for mode in TARGETS:
            stream = mode == "stream"
            per_request = {}
            for name, command in commands.items():
                few, many = (_instructions(name, command, n, stream, scratch, args.traffic, args.distinct)
                              for n in (args.few, args.many))
                per_request[name] = (many - few) / (args.many - args.few)
            bare, ours = per_request["bare aiohttp"], per_request["sequrity-mock"]
            results[mode] = {"bare": bare, "ours": ours, "ratio": bare / ours}
            print(f"| {mode} | {bare:,.0f} | {ours:,.0f} | {bare / ours:.2f}x |", flush=True)
    print(f"recorded in {record('instructions', results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
