"""The request journal: a bounded ring buffer of what every request asked and got.

Entries keep the time, method, path, route, headers (credentials redacted in every view:
``headers``, :meth:`JournalEntry.as_dict`, the admin API),
parsed body, session, status and, for streams, the events sent and whether the client
disconnected. The oldest entries fall out once ``size`` is reached.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from aiohttp import web

from ..support.young_collector import YoungCollector

#: Headers whose values never reach the journal.
CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "proxy-authorization", "cookie"})
REDACTED = "<redacted>"
#: ``body_bytes`` of an entry that has left the journal.
DROPPED = -1


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with credential values replaced by ``<redacted>``."""
    return {k: (REDACTED if k.lower() in CREDENTIAL_HEADERS else v) for k, v in headers.items()}


def _text(raw: bytes) -> str:
    """A header name or value as aiohttp decodes it (UTF-8, undecodable bytes kept as surrogates)."""
    return raw.decode("utf-8", "surrogateescape")


def pack_headers(raw_headers: tuple[tuple[bytes, bytes], ...]) -> bytes:
    """A request's raw header pairs as one bytes object: names and values alternating, joined by CRLF
    (which HTTP forbids inside names and values). A held journal of ten thousand entries then keeps
    one object per entry's headers rather than a tuple, a pair and two bytes per header."""
    return b"\r\n".join(chain.from_iterable(raw_headers))


def unpack_headers(packed: bytes) -> dict[str, str]:
    """The headers of :func:`pack_headers`, decoded as aiohttp decodes them (a repeated name: the last value)."""
    if not packed:
        return {}
    parts = packed.split(b"\r\n")
    return {_text(name): _text(value) for name, value in zip(parts[::2], parts[1::2], strict=True)}


@dataclass(frozen=True, slots=True)
class JournalRoute:
    """What every request to one route shares: method, path, endpoint type, provider and endpoint
    name (None for routes of no endpoint), and the index of the serving worker process."""

    method: str
    path: str
    endpoint_type: str | None = None
    provider: str | None = None
    endpoint: str | None = None
    worker: int = 0


class JournalEntry:
    """One request and its answer. Fields are filled in as the request is handled."""

    __slots__ = ("__dict__", "_body", "_headers", "body_bytes", "route", "seq", "session_id", "status", "time")

    # Fields most requests leave as they are: class-level defaults, so a new entry does not
    # store them; an entry gets its own value (in its ``__dict__``) when one is set.
    error: str | None = None
    stream: bool = False
    events_sent: int = 0
    disconnected: bool = False
    _events: Callable[[], list[dict[str, Any]]] | None = None
    stub: str | None = None
    """The id of the stub that answered, if one did."""
    faults: tuple[dict[str, Any], ...] = ()
    """The faults injected into this request (see :mod:`sequrity_contract.mockserver.scripting.faults`); add with
    :meth:`add_fault`."""
    violations: tuple[dict[str, Any], ...] = ()
    """Contract violations the validating proxy found (see
    :mod:`sequrity_contract.mockserver.modes.violation_report`)."""
    policy: tuple[dict[str, Any], ...] = ()
    """The policy's decisions on the answer's tool calls, in order (see
    :mod:`sequrity_contract.mockserver.policy`): each with the tool, the verdict, why, and the rules that fired."""

    def __init__(self, seq: int, route: JournalRoute, packed_headers: bytes, when: float) -> None:
        self.seq = seq
        self.route = route
        self.time = when
        self._headers = packed_headers
        """The request headers as :func:`pack_headers` made them; the ``headers`` property decodes and redacts."""
        self._body: Any = None
        """The body as given to :attr:`body`: a JSON value, a text preview, or the raw bytes of a valid
        JSON body, parsed when first read (the journal then holds one bytes object per request, not
        a tree of objects for the garbage collector to walk)."""
        self.body_bytes = 0
        """The size of the raw body, counted against the journal's byte budget (:data:`DROPPED` once
        the entry has left the journal)."""
        self.session_id: str | None = None
        self.status: int | None = None

    @property
    def method(self) -> str:
        """The request's method."""
        return self.route.method

    @property
    def path(self) -> str:
        """The request's path."""
        return self.route.path

    @property
    def body(self) -> Any:
        """The request body: its JSON value, or a preview of what was not JSON (None: not read)."""
        body = self._body
        if type(body) is bytes:
            body = self._body = json.loads(body)
        return body

    @body.setter
    def body(self, value: Any) -> None:
        """Set the body: a JSON value, a text preview, or the raw bytes of a body known to be valid
        JSON (kept as they are until the body is read)."""
        self._body = value

    @property
    def endpoint(self) -> str | None:
        """The name of the endpoint asked (None for routes of no endpoint)."""
        return self.route.endpoint

    @property
    def endpoint_type(self) -> str | None:
        """The endpoint type of the route asked (None for routes of no endpoint)."""
        return self.route.endpoint_type

    @property
    def provider(self) -> str | None:
        """The provider of the route asked, if the route names one."""
        return self.route.provider

    @property
    def worker(self) -> int:
        """The index of the worker process that served the request."""
        return self.route.worker

    def add_fault(self, record: dict[str, Any]) -> None:
        """Note one injected fault (entries start with an empty, shared tuple: most requests have none)."""
        self.faults = (*self.faults, record)

    @property
    def headers(self) -> dict[str, str]:
        """The request headers, credentials redacted."""
        return redact_headers(unpack_headers(self._headers))

    def set_events(self, events: Callable[[], list[dict[str, Any]]]) -> None:
        """Register how to list the stream's events (materialised only when the journal is read)."""
        self._events = events

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events actually sent (empty for non-streaming answers)."""
        if self._events is None:
            return []
        return self._events()[: self.events_sent]

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (the form ``GET /__admin/requests`` returns)."""
        out: dict[str, Any] = {
            "seq": self.seq, "time": self.time, "method": self.method, "path": self.path,
            "endpoint": self.endpoint, "endpoint_type": self.endpoint_type, "provider": self.provider,
            "headers": self.headers,
            "body": self.body, "session_id": self.session_id, "status": self.status, "error": self.error,
            "stream": self.stream, "worker": self.worker, "stub": self.stub, "faults": list(self.faults),
        }
        out["violations"] = list(self.violations)
        out["policy"] = list(self.policy)
        if self.stream:
            out.update(events=self.events, events_sent=self.events_sent, disconnected=self.disconnected)
        return out

    def __repr__(self) -> str:
        return f"<JournalEntry #{self.seq} {self.method} {self.path} -> {self.status}>"


class Journal:
    """The ring buffer of :class:`JournalEntry` objects, oldest first, bounded by ``size`` entries
    and ``max_bytes`` of request bodies; ``worker`` is the index of the serving process, recorded
    with every entry."""

    def __init__(self, size: int, worker: int = 0, max_bytes: int = 64 * 1024 * 1024) -> None:
        if size < 1:
            raise ValueError(f"size={size!r}: expected at least 1 journal entry")
        self.size = size
        self.worker = worker
        self.max_bytes = max_bytes
        self.body_bytes = 0
        self._entries: deque[JournalEntry] = deque(maxlen=size)
        self._seq = itertools.count(1)
        self._young = YoungCollector()
        """Every request is recorded here: the pace of the young-generation collections (see
        :mod:`~sequrity_contract.mockserver.support.young_collector`)."""

    def route(self, method: str, path: str, endpoint_type: str | None = None,
              provider: str | None = None, endpoint: str | None = None) -> JournalRoute:
        """The :class:`JournalRoute` of this journal's worker for a route (made once per route by
        the endpoint handlers; per request for the others)."""
        return JournalRoute(method, path, endpoint_type, provider, endpoint, self.worker)

    def record(self, request: web.BaseRequest, route: JournalRoute | None = None) -> JournalEntry:
        """Start the entry for ``request`` to ``route`` (by default the request's own method and path,
        for routes of no endpoint); the handler completes it."""
        if route is None:
            route = self.route(request.method, request.path)
        entry = JournalEntry(next(self._seq), route, pack_headers(request.raw_headers), time.time())
        self._young.tick()
        entries = self._entries
        if len(entries) == self.size:  # the append below drops the oldest entry
            self._dropped(entries[0])
        entries.append(entry)
        return entry

    def _dropped(self, entry: JournalEntry) -> None:
        """Uncount ``entry``, leaving the journal now; marked so that a body it reads later is not counted."""
        self.body_bytes -= entry.body_bytes
        entry.body_bytes = DROPPED

    def account(self, entry: JournalEntry, body_bytes: int) -> None:
        """Count ``entry``'s body of ``body_bytes`` against the byte budget, dropping the oldest
        entries (keeping the newest) while the budget is exceeded. An entry that already left the
        journal (its request was still reading its body) counts nothing."""
        if entry.body_bytes == DROPPED:
            return
        entry.body_bytes = body_bytes
        self.body_bytes += body_bytes
        if self.body_bytes > self.max_bytes:
            entries = self._entries
            while len(entries) > 1 and self.body_bytes > self.max_bytes:
                self._dropped(entries.popleft())

    def entries(self) -> list[JournalEntry]:
        """Every entry still held, oldest first."""
        return list(self._entries)

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep counting)."""
        for entry in self._entries:
            entry.body_bytes = DROPPED
        self._entries.clear()
        self.body_bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
