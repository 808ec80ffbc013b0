"""Drivers of the robustness tests and of their full-size versions under ``bench/``.

A real ``sequrity-mock serve`` process (:class:`ServeProcess`) and bounded aiohttp load
loops against it: concurrent streams with injected faults (:func:`run_streams`), a soak
that samples resident memory (:func:`soak`), and open slow streams (:func:`open_streams`).
Every loop is bounded in count and time; everything runs on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from sequrity_contract.schemas.sse import SSEParser

AUTH = {"Authorization": "Bearer robustness-key", "Content-Type": "application/json"}
PATH = "/control/chat/v1/messages"
SERVE = [sys.executable, "-m", "sequrity_contract", "serve", "--port", "0"]


def fuzz_examples(default: int) -> int:
    """``max_examples`` of a fuzz property: ``default`` (sized for CI), or ``SEQURITY_FUZZ_EXAMPLES``
    when set (``bench/fuzz.py`` sets it for the full run)."""
    return int(os.environ.get("SEQURITY_FUZZ_EXAMPLES") or default)


def stream_request(text: str = "Tell me about the weather in Paris", max_tokens: int = 200) -> dict[str, Any]:
    """A valid streaming request whose answer is several events long."""
    return {"model": "m", "max_tokens": max_tokens, "stream": True,
            "messages": [{"role": "user", "content": text}]}


class ServeProcess:
    """``sequrity-mock serve --port 0 *args`` as a child process; stderr goes to a file.

    ``with ServeProcess("--latency", "0,50") as server:`` gives ``.url``, ``.pid``,
    ``.stderr()`` and ``.terminate()``; leaving the block kills a process still running.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.env = {**os.environ, **(env or {})}
        self._stderr = tempfile.NamedTemporaryFile(prefix="sequrity-mock-", suffix=".stderr", delete=False)  # noqa: SIM115
        self.process: subprocess.Popen[str] | None = None
        self.url = ""
        self.extra_lines: list[str] = []

    def __enter__(self) -> ServeProcess:
        self.process = subprocess.Popen([*SERVE, *self.args], stdout=subprocess.PIPE, stderr=self._stderr,
                                        text=True, env=self.env)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.process.kill()
            raise RuntimeError(f"serve {' '.join(self.args)} did not start: {line!r} {self.stderr()}")
        self.url = line.split()[-1]
        return self

    @property
    def pid(self) -> int:
        """The server's process id."""
        assert self.process is not None
        return self.process.pid

    def stderr(self) -> str:
        """Everything the server wrote to stderr so far."""
        return Path(self._stderr.name).read_text(errors="replace")

    def terminate(self, timeout: float = 15.0) -> tuple[int, float]:
        """SIGTERM; the exit code and the seconds the process took to exit."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=timeout)
        return code, time.monotonic() - started

    def __exit__(self, *exc_info: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._stderr.close()
        os.unlink(self._stderr.name)


def rss_kib(pid: int) -> int:
    """The resident set size of process ``pid`` in KiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"pid={pid}: no VmRSS in /proc/{pid}/status")


async def get_json(session: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None) -> Any:
    """GET ``url`` and decode the JSON answer."""
    async with session.get(url, headers=headers) as response:
        return await response.json()


@dataclass
class StreamTally:
    """What a batch of streams ended as."""

    completed: int = 0
    faulted: int = 0
    abandoned: int = 0
    unexpected: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return {"completed": self.completed, "faulted": self.faulted, "abandoned": self.abandoned,
                "unexpected": self.unexpected[:10]}


async def _one_stream(session: aiohttp.ClientSession, url: str, index: int, fault: dict[str, Any] | None,
                      abandon_after: int | None, tally: StreamTally) -> None:
    headers = dict(AUTH)
    if fault is not None:
        headers["X-Mock-Fault"] = json.dumps(fault)
    parser = SSEParser()
    events: list[dict[str, Any]] = []
    try:
        async with session.post(url + PATH, json=stream_request(f"stream {index} about Paris"),
                                headers=headers) as response:
            if response.status != 200:
                body = await response.read()
                if fault is not None:
                    tally.faulted += 1
                else:
                    tally.unexpected.append(f"stream {index}: status {response.status}: {body[:200]!r}")
                return
            async for chunk in response.content.iter_any():
                events += [json.loads(e.data) for e in parser.feed(chunk)]
                if abandon_after is not None and len(events) >= abandon_after:
                    response.close()
                    tally.abandoned += 1
                    return
    except (aiohttp.ClientError, json.JSONDecodeError) as exc:
        if fault is not None:
            tally.faulted += 1
            return
        tally.unexpected.append(f"stream {index}: {type(exc).__name__}: {exc}")
        return
    if events and events[-1].get("type") == "message_stop":
        tally.completed += 1
    elif any(e.get("type") == "error" for e in events) or fault is not None:
        tally.faulted += 1
    else:
        tally.unexpected.append(f"stream {index}: ended after {len(events)} events without message_stop")


async def run_streams(base_url: str, count: int, *, faults: list[dict[str, Any]] | None = None,
                      abandon_every: int = 0, timeout: float = 60.0) -> StreamTally:
    """Open ``count`` streams at once; every ``len(faults)+1``-th stream carries the next fault of
    ``faults`` (``X-Mock-Fault``) and every ``abandon_every``-th is dropped by the client after 2 events."""
    tally = StreamTally()
    connector = aiohttp.TCPConnector(limit=0)
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    faults = faults or []
    async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
        jobs = []
        for index in range(count):
            fault = faults[(index // (len(faults) + 1)) % len(faults)] if faults and index % (len(faults) + 1) == 1 \
                else None
            abandon = 2 if abandon_every and index % abandon_every == 0 and fault is None else None
            jobs.append(_one_stream(session, base_url, index, fault, abandon, tally))
        await asyncio.wait_for(asyncio.gather(*jobs), timeout)
    return tally


async def soak(base_url: str, total: int, *, concurrency: int = 8, samples: int = 20, pid: int,
               stream_every: int = 4) -> list[tuple[int, int]]:
    """Send ``total`` requests (every ``stream_every``-th a stream, bodies varied so caches and the
    journal fill up), ``concurrency`` at a time; ``samples`` evenly spaced ``(requests_done, rss_kib)``."""
    done = 0
    marks: list[tuple[int, int]] = [(0, rss_kib(pid))]
    step = max(1, total // samples)
    failures: list[str] = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:

        async def worker(offset: int) -> None:
            nonlocal done
            for n in range(offset, total, concurrency):
                body = stream_request(f"soak request {n % 5000}", max_tokens=64)
                body["stream"] = n % stream_every == 0
                async with session.post(base_url + PATH, json=body, headers=AUTH) as response:
                    await response.read()
                    if response.status != 200:
                        failures.append(f"request {n}: status {response.status}")
                done += 1
                if done % step == 0:
                    marks.append((done, rss_kib(pid)))

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
    if failures:
        raise AssertionError(f"{len(failures)} soak requests failed, first: {failures[0]}")
    marks.append((done, rss_kib(pid)))
    return marks


async def open_streams(base_url: str, count: int, started: asyncio.Event | None = None,
                       timeout: float = 30.0) -> list[bytes]:
    """Open ``count`` streams and read each to its end; the raw bytes each one received.

    ``started`` is set once every stream has its first event (so a caller can act mid-stream)."""
    first_events = 0
    bodies: list[bytes] = [b""] * count
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def one(index: int) -> None:
            nonlocal first_events
            try:
                async with session.post(base_url + PATH, json=stream_request(f"slow {index}"),
                                        headers=AUTH) as response:
                    seen_first = False
                    async for chunk in response.content.iter_any():
                        bodies[index] += chunk
                        if not seen_first and b"\n\n" in bodies[index]:
                            seen_first = True
                            first_events += 1
                            if first_events == count and started is not None:
                                started.set()
            except aiohttp.ClientError:
                pass  # the server went away: what the caller checks is what arrived before

        await asyncio.gather(*(one(i) for i in range(count)))
    return bodies
