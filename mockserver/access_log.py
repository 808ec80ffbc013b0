"""One access-log line per request, at INFO on the logger ``sequrity_contract.mockserver.access``:
method, path, status, milliseconds, session, and what answered (``answer=stub:<id>``,
``answer=fault:<source>:<effects>``, ``answer=synthesized`` or ``answer=-``), read from the request's journal entry.

The line is written by aiohttp's access-log hook once the answer is sent (``access_log_class`` of the
runner), so the request path does no logging work. :func:`access_logger` gives the logger only when it is
enabled for INFO (``sequrity-mock serve --log-level info``, or the application's own logging set-up) when
the server starts; then :func:`attach_entries` makes the journal hand each request its entry. When it is
not enabled, nothing of this runs.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from .pipeline.journal import Journal, JournalEntry

__all__ = ["ACCESS_LOGGER_NAME", "EntryAccessLogger", "access_line", "access_logger", "attach_entries"]

ACCESS_LOGGER_NAME = "sequrity_contract.mockserver.access"
#: The key under which a request carries its journal entry (when access logging is on).
#: (A typed ``web.RequestKey`` where aiohttp has it, 3.12 on; a string key before.)
JOURNAL_ENTRY: Any = (web.RequestKey("sequrity_contract.journal_entry", JournalEntry) if hasattr(web, "RequestKey")
                      else "sequrity_contract.journal_entry")


def access_logger() -> logging.Logger | None:
    """The access logger when it is enabled for INFO, else None (no access log)."""
    logger = logging.getLogger(ACCESS_LOGGER_NAME)
    return logger if logger.isEnabledFor(logging.INFO) else None


def attach_entries(journal: Journal) -> None:
    """Make ``journal`` put each entry it starts on its request (``request[JOURNAL_ENTRY]``)."""
    record = journal.record

    def record_and_attach(request: web.BaseRequest, route: Any = None) -> JournalEntry:
        entry = record(request, route)
        request[JOURNAL_ENTRY] = entry
        return entry

    journal.record = record_and_attach  # type: ignore[method-assign]


def _answered_by(entry: JournalEntry | None) -> str:
    """``fault:<source>:<effects>``, ``stub:<id>``, ``synthesized`` (an endpoint's own answer) or ``-``."""
    if entry is None:
        return "-"
    if entry.faults:
        return ",".join(f"fault:{f.get('source')}:{'+'.join(map(str, f.get('injected') or [])) or '-'}"
                        for f in entry.faults)
    if entry.stub is not None:
        return f"stub:{entry.stub}"
    return "synthesized" if entry.endpoint is not None and entry.status == 200 else "-"


def access_line(request: web.BaseRequest, status: int, seconds: float) -> str:
    """``POST /control/chat/v1/messages 200 3.2ms session=<id> answer=stub:<id>`` for one answered request."""
    entry = request.get(JOURNAL_ENTRY)
    if entry is not None and entry.status is not None:
        status = entry.status
    session = entry.session_id if entry is not None and entry.session_id else "-"
    return (f"{request.method} {request.path} {status} {seconds * 1000:.1f}ms session={session} "
            f"answer={_answered_by(entry)}")


class EntryAccessLogger(AbstractAccessLogger):
    """aiohttp's access-log hook writing :func:`access_line`."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(access_line(request, response.status, time))
