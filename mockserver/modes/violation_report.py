"""The validating proxy's report: every contract violation seen, with where it was seen.

Each item names the exchange (``seq`` of its journal entry and ``request``, e.g.
``POST /control/chat/v1/messages``), the ``subject`` checked (``request body``, ``request
header X-Config``, ``response body``, ``response header X-Session-ID``, ``error body``,
``stream``, ``stream message``), the broken clause (``rule``), the JSON ``path`` inside the
subject, ``expected``, the offending ``value`` and the one-line ``message``. The report is
served at ``GET /__admin/violations`` and written as JSON on shutdown with ``--report PATH``.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable
from typing import Any

from sequrity_contract.schemas import Violation

Finding = tuple[str, Violation]
"""A violation and the subject it was found in."""


def finding_dict(seq: int, request: str, subject: str, violation: Violation) -> dict[str, Any]:
    """One report item (see the module docstring)."""
    return {"seq": seq, "request": request, "subject": subject, **violation.as_dict(),
            "message": f"{subject}: {violation.message} [{violation.rule}]"}


class ViolationReport:
    """Violations of the exchanges checked so far (the newest ``limit`` items are kept)."""

    def __init__(self, mode: str, upstream: str | None, limit: int = 10_000) -> None:
        self.mode = mode
        self.upstream = upstream
        self.exchanges = 0
        self.total = 0
        self.items: deque[dict[str, Any]] = deque(maxlen=limit)

    def add(self, seq: int, request: str, findings: Iterable[Finding]) -> list[dict[str, Any]]:
        """Count one checked exchange and keep its ``findings``; returns them as report items."""
        self.exchanges += 1
        items = [finding_dict(seq, request, subject, violation) for subject, violation in findings]
        self.total += len(items)
        self.items.extend(items)
        return items

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: mode, upstream, exchanges checked, violation count and the items."""
        return {"mode": self.mode, "upstream": self.upstream, "exchanges_checked": self.exchanges,
                "violation_count": self.total, "violations": list(self.items)}

    def clear(self) -> None:
        """Forget every item and reset the counters."""
        self.exchanges = self.total = 0
        self.items.clear()

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the report to ``path`` as indented JSON, atomically."""
        from .cassette import write_json_atomically

        write_json_atomically(path, self.as_dict())
