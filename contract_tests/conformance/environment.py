"""What a clause runs against: the adapter under test, the real mock servers (one per
stream dialect, started on first use), a scripted responder to make a server answer
with a given message or error, and the live endpoint settings.

:class:`ScriptedResponder` is a :class:`sequrity_contract.mockserver.Responder`: it answers with the
replies queued by :meth:`ConformanceEnv.script` in order, then falls back to the
synthesizer.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp

from sequrity_contract.mockserver import ApiError, MockServer, Reply, RequestContext, Synthesizer
from sequrity_contract.schemas.sse import parse_events

from ..adapters.base import AsyncAdapter, SequrityOptions

__all__ = ["API_KEY", "PLUGIN_OPTIONS", "ConformanceEnv", "LiveSettings", "OptionNames", "ScriptedResponder"]

T = TypeVar("T")
API_KEY = "sq-conformance"
"""The only bearer key the conformance servers accept (a client that loses it gets 401)."""
#: The header the mock server reads faults from (issue 6); probed before fault clauses run.
FAULT_HEADER = "X-Mock-Fault"


class ScriptedResponder:
    """Answers with queued replies (a message dict or an :class:`ApiError`), first in first
    out, then with the synthesizer. Thread-safe: the server runs on its own thread."""

    cacheable = False

    def __init__(self) -> None:
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._fallback = Synthesizer()

    def script(self, *replies: Reply) -> None:
        """Queue ``replies``, replacing whatever was queued."""
        with self._lock:
            self._queue.clear()
            self._queue.extend(replies)

    async def respond(self, context: RequestContext) -> Reply:
        """The next queued reply (a copy), else the synthesizer's answer."""
        with self._lock:
            reply = self._queue.popleft() if self._queue else None
        if reply is None:
            return await self._fallback.respond(context)
        if isinstance(reply, ApiError):
            return ApiError(reply.status, reply.message, reply.headers)
        copy: dict[str, Any] = json.loads(json.dumps(reply))
        return copy


@dataclass(frozen=True)
class OptionNames:
    """How the command that started a run spells the options its messages name (a skip reason
    says which option to pass): the pytest plugin's by default, the ``conformance`` command's own."""

    live_url: str = "--sequrity-live-url"
    api_key: str = "--sequrity-api-key"


PLUGIN_OPTIONS = OptionNames()
"""The pytest plugin's option names."""


@dataclass(frozen=True)
class LiveSettings:
    """The live endpoint: its base ``url``, the ``api_key`` (None: live clauses skip) and
    the ``budget`` of requests each live clause may send."""

    url: str
    api_key: str | None
    budget: int = 10

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"live_url={self.url!r}: expected an http:// or https:// URL")
        if not isinstance(self.budget, int) or self.budget < 1:
            raise ValueError(f"live_budget={self.budget!r}: expected an integer >= 1")


class ConformanceEnv:
    """The adapter under test and everything around it; owns an event loop on which the
    adapter's coroutines run (:meth:`run`), and the mock servers (threads of their own)."""

    def __init__(self, adapter: AsyncAdapter, *, live: LiveSettings | None = None, seed: int = 0,
                 chunk_size: int = 5, option_names: OptionNames = PLUGIN_OPTIONS) -> None:
        self.adapter = adapter
        self.live = live
        self.option_names = option_names
        self.seed = seed
        self.chunk_size = chunk_size
        self.loop = asyncio.new_event_loop()
        self._servers: dict[str, tuple[MockServer, ScriptedResponder]] = {}
        self._fault_support: str | bool | None = False  # False: not probed yet

    # -- running --------------------------------------------------------------------------

    def run(self, coroutine: Awaitable[T]) -> T:
        """Run ``coroutine`` on the environment's loop (from synchronous code)."""
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        """Close the adapter, stop the servers, close the loop; safe to call twice."""
        if self.loop.is_closed():
            return
        try:
            self.run(self.adapter.close())
        finally:
            for server, _ in self._servers.values():
                server.__exit__(None, None, None)
            self._servers.clear()
            self.loop.run_until_complete(self.loop.shutdown_asyncgens())
            self.loop.close()

    # -- servers --------------------------------------------------------------------------

    def server(self, dialect: str = "sequrity") -> MockServer:
        """The running mock server speaking ``dialect`` (started on first use)."""
        if dialect not in self._servers:
            responder = ScriptedResponder()
            server = MockServer(seed=self.seed, api_keys=(API_KEY,), dialect=dialect, responder=responder,
                                chunk_size=self.chunk_size, json_chunk_size=self.chunk_size)
            server.__enter__()
            self._servers[dialect] = (server, responder)
        return self._servers[dialect][0]

    def script(self, *replies: Reply, dialect: str = "sequrity") -> None:
        """Make the ``dialect`` server answer the next requests with ``replies``, in order."""
        self.server(dialect)
        self._servers[dialect][1].script(*replies)

    def fresh(self, dialect: str = "sequrity") -> MockServer:
        """The ``dialect`` server with an empty journal, sessions and script."""
        server = self.server(dialect)
        server.clear()
        self._servers[dialect][1].script()
        return server

    def dialects(self) -> list[str]:
        """The dialects of the servers started so far."""
        return list(self._servers)

    def journal_marks(self) -> dict[str, int]:
        """The sequence number of the newest journal entry of each running server (0: none yet)."""
        marks: dict[str, int] = {}
        for dialect, (server, _) in self._servers.items():
            entries = server.state.journal.entries() if server.state is not None else []
            marks[dialect] = entries[-1].seq if entries else 0
        return marks

    def sent_since(self, marks: dict[str, int]) -> tuple[str, dict[str, Any]] | None:
        """``(dialect, journal entry)`` of the newest request any server received after ``marks``
        (:meth:`journal_marks`), or None when no request arrived."""
        newest: tuple[str, dict[str, Any]] | None = None
        for dialect, (server, _) in list(self._servers.items()):
            for entry in server.requests:
                if entry["seq"] > marks.get(dialect, 0) and (newest is None or entry["time"] >= newest[1]["time"]):
                    newest = (dialect, entry)
        return newest

    def serve_command(self, dialect: str, port: int) -> str:
        """The ``sequrity-mock serve`` command of a server answering as the ``dialect`` server does."""
        return (f"sequrity-mock serve --port {port} --seed {self.seed} --dialect {dialect} "
                f"--chunk-size {self.chunk_size} --json-chunk-size {self.chunk_size}")

    def options(self, dialect: str = "sequrity", **overrides: Any) -> SequrityOptions:
        """:class:`SequrityOptions` for the ``dialect`` server: its URL, the accepted key,
        no retries, a 30 s timeout, with ``overrides`` applied."""
        values: dict[str, Any] = {"base_url": self.server(dialect).url, "api_key": API_KEY,
                                  "dialect": dialect, "max_retries": 0, "timeout": 30.0}
        values.update(overrides)
        return SequrityOptions(**values)

    # -- capabilities ---------------------------------------------------------------------

    def fault_support_missing(self) -> str | None:
        """None when the mock server injects faults asked for by ``X-Mock-Fault``, else why not."""
        if self._fault_support is False:
            self._fault_support = self.run(self._probe_faults())
        return self._fault_support  # type: ignore[return-value]

    async def _probe_faults(self) -> str | None:
        server = self.fresh()
        body = {"model": "probe", "max_tokens": 64, "stream": True,
                "messages": [{"role": "user", "content": "a longer question so that the answer has many events"}]}
        headers = {"Authorization": f"Bearer {API_KEY}", "Content-Type": "application/json",
                   FAULT_HEADER: json.dumps({"disconnect_after_events": 1})}
        try:
            async with aiohttp.ClientSession() as http, http.post(
                    server.messages_url(), json=body, headers=headers) as response:
                raw = b""
                async for chunk in response.content.iter_any():
                    raw += chunk
        except aiohttp.ClientError:
            return None  # the connection broke: the fault was injected
        finally:
            server.clear()
        if response.status >= 400:
            return (f"the mock server refused {FAULT_HEADER} (HTTP {response.status}); "
                    "fault injection is not available")
        events = parse_events(raw)
        if len(events) > 1:  # disconnect_after_events=1 lets exactly one event through
            return (f"the mock server has no fault injection yet: it ignored "
                    f"{FAULT_HEADER}: {{\"disconnect_after_events\": 1}}")
        return None

    def live_skip_reason(self) -> str | None:
        """None when live clauses can run, else why they are skipped."""
        names = self.option_names
        if self.live is None:
            return f"no live endpoint: pass {names.live_url} URL"
        if not self.live.api_key:
            return f"no API key for the live endpoint: pass {names.api_key} or set SEQURITY_API_KEY"
        return None

    def live_options(self, **overrides: Any) -> SequrityOptions:
        """:class:`SequrityOptions` for the live endpoint."""
        assert self.live is not None and self.live.api_key
        values: dict[str, Any] = {"base_url": self.live.url, "api_key": self.live.api_key, "max_retries": 0,
                                  "timeout": 60.0}
        values.update(overrides)
        return SequrityOptions(**values)
