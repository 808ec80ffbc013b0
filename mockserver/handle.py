""":class:`MockServer`: the mock running on a free loopback port, for tests and scripts.

``with MockServer() as server:`` runs it on a background thread with its own event loop;
``async with MockServer() as server:`` runs it on the current loop. Either way the handle
gives the URLs, the journal, the sessions and a reset.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, TypeVar

from aiohttp import web

from sequrity_contract.schemas import MESSAGES, get_endpoint

from .access_log import EntryAccessLogger, access_logger, attach_entries
from .admin.replication import join_workers
from .admin.routes import OPEN_CONNECTIONS
from .app import create_app
from .config import MAX_HEADER_BYTES, MockConfig
from .modes.handler import MODE_HANDLER
from .modes.matching import Matcher
from .modes.violation_report import ViolationReport
from .pipeline.responder import Responder
from .scripting.handles import FaultHandle, StubHandle, add_stub, set_fault
from .state import STATE, ServerState

T = TypeVar("T")
#: Seconds open requests get to finish when the server stops; then they are cancelled.
SHUTDOWN_TIMEOUT = 2.0


def base_url(host: str, port: int) -> str:
    """``http://host:port``, an IPv6 address in brackets (``http://[::1]:8765``, a zone as
    ``[fe80::1%25eth0]``) as URLs require."""
    if ":" in host and not host.startswith("["):
        host = "[" + host.replace("%", "%25") + "]"
    return f"http://{host}:{port}"


class MockServer:
    """A running mock server. ``config`` (default :class:`MockConfig`) with ``overrides``
    applied, e.g. ``MockServer(seed=7, api_keys=("k",))``; ``responder`` replaces the synthesizer;
    ``matchers`` are custom request matchers of the record and replay modes, e.g.
    ``MockServer(mode="replay", cassette="session.json", matchers=[same_features])``."""

    __test__ = False  # not a pytest test class

    def __init__(self, config: MockConfig | None = None, *, responder: Responder | None = None,
                 matchers: Sequence[Matcher] = (), **overrides: Any) -> None:
        base = config if config is not None else MockConfig()
        if not isinstance(base, MockConfig):
            raise TypeError(f"config={config!r}: expected a MockConfig")
        self.config = base.replace(**overrides) if overrides else base
        self._responder = responder
        self._matchers = tuple(matchers)
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._threaded = False
        self._stop_requested: asyncio.Event | None = None
        self.port: int | None = None
        self.state: ServerState | None = None
        """The running (or last run) server's parts; still readable after it stopped."""

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on the current event loop."""
        if self._runner is not None:
            raise RuntimeError("MockServer is already running")
        app = create_app(self.config, responder=self._responder, matchers=self._matchers)
        # one access-log line per request when the access logger is enabled for INFO (else no logging at all)
        access = access_logger()
        if access is not None:
            attach_entries(app[STATE].journal)
        # keepalive_timeout: aiohttp closes a connection whose next request head is not complete in time
        runner = web.AppRunner(app, access_log=access, access_log_class=EntryAccessLogger,
                               shutdown_timeout=SHUTDOWN_TIMEOUT, keepalive_timeout=self.config.idle_timeout,
                               max_line_size=MAX_HEADER_BYTES, max_field_size=MAX_HEADER_BYTES)
        app[OPEN_CONNECTIONS] = lambda: len(runner.server.connections) if runner.server is not None else 0
        replica = await join_workers(app)  # a worker of `serve --workers` takes its siblings' admin state
        await runner.setup()
        if replica is not None:
            await replica.serve_control(runner)
        site = web.TCPSite(runner, self.config.host, self.config.port, reuse_port=self.config.reuse_port or None)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.state = app[STATE]
        self._loop = asyncio.get_running_loop()
        sockets = [s for server in [site._server] if server for s in server.sockets]  # type: ignore[attr-defined]
        self.port = sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop serving: open streams get :data:`SHUTDOWN_TIMEOUT` seconds, then are closed."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> MockServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def __enter__(self) -> MockServer:
        ready = threading.Event()
        failure: list[BaseException] = []

        async def serve_until_stopped() -> None:
            self._stop_requested = asyncio.Event()
            try:
                await self.start()
            except BaseException as exc:
                failure.append(exc)
                return
            finally:
                ready.set()
            try:
                await self._stop_requested.wait()
            finally:
                await self.stop()

        def serve() -> None:
            asyncio.run(serve_until_stopped())  # cancels and awaits whatever is left at the end

        self._thread = threading.Thread(target=serve, name="sequrity-mock", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            raise failure[0]
        self._threaded = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._thread is not None and self._stop_requested is not None:
            self._loop.call_soon_threadsafe(self._stop_requested.set)
            self._thread.join(timeout=SHUTDOWN_TIMEOUT + 5)
        self._thread = None
        self._threaded = False

    # -- addresses -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:43121`` or ``http://[::1]:43121`` (what clients take as
        ``base_url``)."""
        if self.port is None:
            raise RuntimeError("MockServer is not running: use it as a (async) context manager first")
        return base_url(self.config.host, self.port)

    def endpoint_url(self, endpoint: str = "messages", endpoint_type: str = "chat", provider: str | None = None) -> str:
        """The full URL of a route of ``endpoint``, e.g. ``endpoint_url("messages", "code", "openai")``."""
        described = get_endpoint(endpoint)
        if endpoint_type not in described.endpoint_types:
            raise ValueError(f"endpoint_type={endpoint_type!r}: expected one of {', '.join(described.endpoint_types)}")
        if provider is not None and provider not in described.providers:
            raise ValueError(f"provider={provider!r}: expected None or one of {', '.join(described.providers)}")
        return self.url + described.route_path(endpoint_type, provider)

    def base_url(self, endpoint_type: str = "chat", provider: str | None = None, endpoint: str = "messages") -> str:
        """The ``base_url`` an SDK that appends the endpoint's own path wants (docs/contract.md §1): for the
        anthropic SDK, which appends ``/v1/messages``, ``base_url("chat", "anthropic")`` is
        ``{url}/control/chat/anthropic``. (The official ``sequrity`` client takes :attr:`url`.)"""
        route = self.endpoint_url(endpoint, endpoint_type, provider)
        return route.removesuffix(get_endpoint(endpoint).path)

    def messages_url(self, endpoint_type: str = "chat", provider: str | None = None) -> str:
        """The full URL of a messages route, e.g. ``messages_url("code", "openai")``."""
        return self.endpoint_url(MESSAGES.name, endpoint_type, provider)

    def _call(self, read: Callable[[ServerState], T]) -> T:
        """Run ``read`` on the server's state inside its event loop (thread-safe)."""
        if self._runner is None or self._loop is None:
            raise RuntimeError("MockServer is not running: use it as a (async) context manager first")
        state = self._runner.app[STATE]
        if not self._threaded:
            return read(state)

        async def on_loop() -> T:
            return read(state)

        coroutine: Coroutine[Any, Any, T] = on_loop()
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The journal entries, oldest first (the form ``GET /__admin/requests`` returns)."""
        return self._call(lambda state: [e.as_dict() for e in state.journal.entries()])

    @property
    def sessions(self) -> list[dict[str, Any]]:
        """The sessions, least recently used first (the form ``GET /__admin/sessions`` returns)."""
        return self._call(lambda state: [s.as_dict() for s in state.sessions.all()])

    def clear(self) -> None:
        """Forget journal and sessions, as on a freshly started server (stubs and fault back to the
        configured ones, scenarios and fault counts restarted; in record and replay modes the
        violation report emptied and every recording playable again)."""
        self._call(lambda state: state.clear())
        modes = self._runner.app.get(MODE_HANDLER) if self._runner is not None else None
        if modes is not None:
            self._call(lambda state: modes.reset())

    @property
    def violations(self) -> dict[str, Any]:
        """The proxy's violation report (the form ``GET /__admin/violations`` returns)."""
        modes = self._runner.app.get(MODE_HANDLER) if self._runner is not None else None
        return self._call(lambda state: modes.report.as_dict() if modes is not None
                          else ViolationReport(state.config.mode, state.config.upstream).as_dict())

    # -- stubs and faults --------------------------------------------------------------

    def stub(self, definition: Mapping[str, Any] | None = None, /, **fields: Any) -> StubHandle:
        """Register a stub (the JSON model of :mod:`sequrity_contract.mockserver.scripting.stubs`, as a dict and/or
        keywords), e.g. ``server.stub(match={"model": "m"}, message={"content": "Hi"})``; a bad definition
        raises :class:`~sequrity_contract.mockserver.scripting.stubs.StubError` naming the JSON path."""
        return add_stub(self._call, definition, fields)

    def fault(self, spec: Mapping[str, Any] | None = None, /, **fields: Any) -> FaultHandle:
        """Inject a fault into every request from now on (replacing the server-wide fault), e.g.
        ``server.fault(status=529, retry_after=0, times=2)``; see
        :mod:`sequrity_contract.mockserver.scripting.faults`."""
        return set_fault(self._call, spec, fields)

    @property
    def stubs(self) -> list[dict[str, Any]]:
        """The registered stubs, oldest first, each with its ``calls`` count."""
        return self._call(lambda state: [{**s.as_dict(), "calls": state.scripting.stubs.calls(s.id)}
                                         for s in state.scripting.stubs.all()])

    def clear_stubs(self) -> None:
        """Unregister every stub (the configured ones come back with :meth:`clear`)."""
        self._call(lambda state: state.scripting.clear_stubs())

    def clear_fault(self) -> None:
        """Stop injecting the server-wide fault."""
        self._call(lambda state: state.scripting.set_fault(None))

    def __repr__(self) -> str:
        where = self.url if self.port is not None else "not running"
        return f"<MockServer {where} seed={self.config.seed}>"
