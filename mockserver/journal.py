"""The request journal: a bounded ring buffer of what every request asked and got.

Entries keep the time, method, path, route, headers (credentials redacted in every view:
``headers``, :meth:`JournalEntry.as_dict`, the admin API),
parsed body, session, status and, for streams, the events sent and whether the client
disconnected. The oldest entries fall out once ``size`` is reached.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

#: Headers whose values never reach the journal.
CREDENTIAL_HEADERS = frozenset({"authorization", "x-api-key", "proxy-authorization", "cookie"})
REDACTED = "<redacted>"


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """``headers`` with credential values replaced by ``<redacted>``."""
    return {k: (REDACTED if k.lower() in CREDENTIAL_HEADERS else v) for k, v in headers.items()}


def _text(raw: bytes) -> str:
    """A header name or value as aiohttp decodes it (UTF-8, undecodable bytes kept as surrogates)."""
    return raw.decode("utf-8", "surrogateescape")


class JournalEntry:
    """One request and its answer. Fields are filled in as the request is handled."""

    __slots__ = ("__dict__", "_headers", "body", "body_bytes", "endpoint_type", "method", "path", "provider", "seq",
                 "session_id", "status", "time", "worker")

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
    """The faults injected into this request (see :mod:`mockserver.faults`); add with :meth:`add_fault`."""
    violations: tuple[dict[str, Any], ...] = ()
    """Contract violations the validating proxy found (see :mod:`mockserver.violation_report`)."""

    def __init__(self, seq: int, request: web.BaseRequest, endpoint_type: str | None = None,
                 provider: str | None = None, worker: int = 0, path: str | None = None) -> None:
        self.seq = seq
        self.worker = worker
        self.time = time.time()
        self.method = request.method
        self.path = request.path if path is None else path
        # The headers as one bytes object, ``Name: value`` lines joined by CRLF (which HTTP forbids
        # inside names and values): a held journal of ten thousand entries keeps one object per
        # entry's headers rather than a tuple, a pair and two bytes per header. The ``headers``
        # property decodes and redacts them.
        self._headers = b"\r\n".join(map(b": ".join, request.raw_headers))
        self.endpoint_type = endpoint_type
        self.provider = provider
        self.body: Any = None
        self.body_bytes = 0
        """The size of the raw body, counted against the journal's byte budget."""
        self.session_id: str | None = None
        self.status: int | None = None

    def add_fault(self, record: dict[str, Any]) -> None:
        """Note one injected fault (entries start with an empty, shared tuple: most requests have none)."""
        self.faults = (*self.faults, record)

    @property
    def headers(self) -> dict[str, str]:
        """The request headers, credentials redacted."""
        if not self._headers:
            return {}
        lines = (line.partition(b": ") for line in self._headers.split(b"\r\n"))
        return redact_headers({_text(name): _text(value) for name, _, value in lines})

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
            "endpoint_type": self.endpoint_type, "provider": self.provider, "headers": self.headers,
            "body": self.body, "session_id": self.session_id, "status": self.status, "error": self.error,
            "stream": self.stream, "worker": self.worker, "stub": self.stub, "faults": list(self.faults),
        }
        out["violations"] = list(self.violations)
        if self.stream:
            out.update(events=self.events, events_sent=self.events_sent, disconnected=self.disconnected)
        return out

    def __repr__(self) -> str:
        return f"<JournalEntry #{self.seq} {self.method} {self.path} -> {self.status}>"


class Journal:
    """The ring buffer of :class:`JournalEntry` objects, oldest first, bounded by ``size`` entries
    and ``max_bytes`` of request bodies; ``worker`` is the index of the serving process, copied
    into every entry."""

    def __init__(self, size: int, worker: int = 0, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.size = size
        self.worker = worker
        self.max_bytes = max_bytes
        self.body_bytes = 0
        self._entries: deque[JournalEntry] = deque()
        self._seq = itertools.count(1)

    def _evict(self, keep_newest: int = 1) -> None:
        while len(self._entries) > keep_newest and (
                len(self._entries) > self.size or self.body_bytes > self.max_bytes):
            self.body_bytes -= self._entries.popleft().body_bytes

    def record(self, request: web.BaseRequest, endpoint_type: str | None = None,
               provider: str | None = None, path: str | None = None) -> JournalEntry:
        """Start the entry for ``request`` to the route ``endpoint_type``/``provider``
        (the handler completes it); ``path`` is the request's path when the caller knows it
        already (a route of fixed path), saving its decoding."""
        entry = JournalEntry(next(self._seq), request, endpoint_type, provider, self.worker, path)
        entries = self._entries
        entries.append(entry)
        if len(entries) > self.size:
            self._evict()
        return entry

    def account(self, entry: JournalEntry, body_bytes: int) -> None:
        """Count ``entry``'s body of ``body_bytes`` against the byte budget, dropping the oldest entries."""
        entry.body_bytes = body_bytes
        self.body_bytes += body_bytes
        if self.body_bytes > self.max_bytes:
            self._evict()

    def entries(self) -> list[JournalEntry]:
        """Every entry still held, oldest first."""
        return list(self._entries)

    def clear(self) -> None:
        """Forget every entry (sequence numbers keep counting)."""
        self._entries.clear()
        self.body_bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
