"""Forwarding to a live upstream: the validating proxy.

:func:`forward` sends a request of any endpoint or JSON route, headers included (``Authorization``, ``X-Api-Key``,
``X-Features``/``X-Policy``/``X-Config``, ``X-Session-ID``, ...), to the same path on the
upstream and relays the answer: status and headers (``X-Session-ID`` among them), the body,
or an SSE stream chunk by chunk as it arrives, never buffered whole. Redirects are relayed, never
followed: a 3xx reaches the client with its status and ``Location`` (the request body is sent to
the upstream once, to the configured URL only). On the way, every
exchange is checked (:mod:`sequrity_contract.mockserver.modes.proxy_checks`) and each violation lands in the
journal entry and the :class:`~sequrity_contract.mockserver.modes.violation_report.ViolationReport`. An unreachable
upstream gives a 502 with the contract's error body. A stream cut short (the client left, the
upstream broke off, or the server shut down) is journalled ``disconnected``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from sequrity_contract.schemas import MESSAGES, Endpoint
from sequrity_contract.schemas.json_routes import ServedRoute
from sequrity_contract.schemas.sse import SSEParser

from ..errors import ApiError
from ..pipeline.journal import JournalEntry
from ..support.byte_text import text_of
from .proxy_checks import StreamChecker, check_request, check_response_body, check_response_headers
from .violation_report import Finding, ViolationReport

#: Headers that belong to one hop, or that aiohttp sets itself; never forwarded either way.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
                        "transfer-encoding", "upgrade", "host", "content-length", "accept-encoding"})
#: Response headers the relay leaves to its own server (the body is relayed decoded).
NOT_RELAYED = HOP_BY_HOP | {"content-encoding", "date", "server"}


@dataclass
class Exchange:
    """One forwarded request and what came back, as the recorder needs it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    at: float = 0.0
    response_body: Any = None
    events: list[tuple[float, dict[str, Any]]] | None = None
    findings: list[Finding] = field(default_factory=list)
    complete: bool = False

    @property
    def passes(self) -> bool:
        """True when the exchange went through completely and broke no clause of the contract."""
        return self.complete and not self.findings


class Upstream:
    """The live server behind the proxy: its base URL and one shared client session."""

    def __init__(self, url: str, *, connect_timeout: float = 10.0, read_timeout: float = 300.0) -> None:
        self.url = url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout, sock_read=read_timeout)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        """The client session (created on first use, on the running loop)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout, auto_decompress=True)
        return self._session

    async def close(self) -> None:
        """Close the client session."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def _forwarded_headers(headers: Any) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}


def _relayed_headers(headers: Any) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in NOT_RELAYED}


async def forward(request: web.Request, raw: bytes, upstream: Upstream, entry: JournalEntry,
                  report: ViolationReport, *, endpoint: ServedRoute = MESSAGES,
                  dialect: str = "sequrity") -> tuple[web.StreamResponse, Exchange]:
    """Relay ``request`` (body ``raw``) to ``upstream``, check both sides, fill ``entry`` and
    ``report``; returns the response sent to the client and the :class:`Exchange`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    body, findings = check_request(raw, request.headers, endpoint)
    exchange = Exchange(request.method, request.path, dict(request.headers), body, findings=findings)
    entry.body = body if body is not None else text_of(raw[:4096])
    url = upstream.url + request.path_qs
    response: web.StreamResponse | None = None
    try:
        async with upstream.session().request(request.method, url, data=raw, allow_redirects=False,
                                              headers=_forwarded_headers(request.headers)) as answer:
            exchange.at = loop.time() - started
            exchange.status = entry.status = answer.status
            relayed = _relayed_headers(answer.headers)
            exchange.response_headers = relayed
            session_id = answer.headers.get("X-Session-ID")
            entry.session_id = session_id
            streams = isinstance(endpoint, Endpoint)  # a JSON route's answer is one document, whatever it says
            is_stream = streams and answer.headers.get("Content-Type", "").startswith("text/event-stream")
            wants_stream = streams and isinstance(body, dict) and body.get("stream") is True
            findings += check_response_headers(answer.status, answer.headers, wants_stream or is_stream,
                                               sessions=streams)
            if not isinstance(endpoint, Endpoint) or not is_stream:
                data = await answer.read()
                findings += check_response_body(answer.status, data, body, session_id, endpoint)
                try:  # JSON when it is JSON; else (an empty body too) the text that stands for the bytes
                    exchange.response_body = await answer.json(content_type=None) if data.strip() else text_of(data)
                except ValueError:
                    exchange.response_body = text_of(data)
                exchange.complete = True
                return web.Response(status=answer.status, body=data, headers=relayed), exchange
            checker = StreamChecker(dialect, body, session_id, endpoint)
            exchange.events = checker.events
            entry.stream = True
            entry.set_events(lambda: [event for _, event in checker.events])
            response = web.StreamResponse(status=answer.status, headers=relayed)
            await response.prepare(request)
            parser = SSEParser()
            async for chunk in answer.content.iter_any():
                await response.write(chunk)
                for event in parser.feed(chunk):
                    findings += checker.event(event, loop.time() - started)
                entry.events_sent = len(checker.events)
            for event in parser.close():
                findings += checker.event(event, loop.time() - started)
            findings += checker.finish()
            entry.events_sent = len(checker.events)
            await response.write_eof()
            exchange.complete = True
            return response, exchange
    except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
        entry.disconnected = True
        assert response is not None
        return response, exchange
    except asyncio.CancelledError:  # the server is shutting down (or the client left): the stream is cut
        if response is not None:
            entry.disconnected = True
        raise
    except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {exc}".rstrip(": ")
        if response is not None:  # the stream had begun: it can only be cut short
            entry.error = f"the upstream stream broke off: {reason}"
            entry.disconnected = True
            return response, exchange
        error = ApiError(502, f"the upstream {upstream.url} could not be reached or did not answer: {reason}")
        entry.status, entry.error = error.status, error.message
        return error.response(), exchange
    finally:
        entry.violations = tuple(report.add(entry.seq, f"{request.method} {request.path}", findings))
