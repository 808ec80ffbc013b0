"""The answer cache: what the pipeline learnt of a request, kept for the next identical one.

A request is identified by its body bytes, its route (endpoint, type and provider) and its
``X-Features``/``X-Policy``/``X-Config`` header values. For a cacheable responder (see
:mod:`sequrity_contract.mockserver.pipeline.responder`), everything the pipeline derives from those
is the same every time: the validated body, the parsed headers and the rendered answer (with the
session as a hole). A hit answers all three with one lookup.

Eviction is first in, first out: a hit costs a plain dictionary lookup, with no bookkeeping, and an
evicted answer is only made again (synthesis is deterministic, so it is the same answer). The
entries are an ``OrderedDict``, whose oldest entry is found at once (a plain ``dict`` walks past
the slots its evictions emptied to find it: hundreds on every store into a full cache).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any, NamedTuple

from .delivery import Rendered
from .intake import ValidBody
from .sessions import max_turns

ConfigHeaders = tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]
"""The parsed ``X-Features``, ``X-Policy`` and ``X-Config`` headers (None where absent)."""

AnswerKey = tuple[bytes, str, str | None, str | None, str | None]
"""Body bytes, the route's path, and the raw ``X-Features``, ``X-Policy``, ``X-Config`` values."""


class Ready(NamedTuple):
    """A request's verdicts and answer: the valid body, the parsed configuration headers, the
    ``fsm.max_n_turns`` they set, and the rendered answer."""

    valid: ValidBody
    headers: ConfigHeaders
    max_turns: int | None
    rendered: Rendered

    @classmethod
    def of(cls, valid: ValidBody, headers: ConfigHeaders, rendered: Rendered) -> Ready:
        """The entry for a request with these verdicts and this answer."""
        return cls(valid, headers, max_turns(headers[2]), rendered)


class AnswerCache:
    """At most ``size`` :class:`Ready` entries by :data:`AnswerKey`; the oldest goes first.
    ``size=0`` stores nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[AnswerKey, Ready] = OrderedDict()
        self.get = self._items.get
        """``get(key)``: the entry stored under ``key``, or None (the dictionary's own method: a hit
        runs no Python code)."""

    def put(self, key: AnswerKey, ready: Ready) -> None:
        """Store ``ready`` under ``key``, evicting the oldest entry beyond ``size``."""
        if not self.size:
            return
        items = self._items
        if len(items) >= self.size and key not in items:
            items.popitem(last=False)
        items[key] = ready

    def clear(self) -> None:
        """Forget every entry."""
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
