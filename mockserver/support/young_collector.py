"""Collecting the youngest generation of the garbage collector at a steady pace.

CPython collects its youngest generation when allocations of tracked objects outnumber
deallocations by a threshold (700 by default). A server at capacity frees an old object for
almost every new one it keeps: each request adds a journal entry and drops the oldest, adds an
answer to the full cache and drops another. So the balance hardly moves, the youngest generation
is seldom collected, and the objects kept since the last collection pile up in it (tens of
thousands after a few seconds of distinct requests), until a burst of allocations starts a
collection that walks them all at once: a pause of 20 to 60 ms in the middle of a request, which
was the slow tail (p99) of the distinct-request benchmark. Collecting the youngest generation
every :data:`EVERY` requests bounds what such a collection walks, and so does collecting the
middle generation every :data:`MIDDLE_EVERY` of those (it is collected on the same imbalance, and
piles up the same way); each costs tens to hundreds of microseconds. The oldest generation is
left to CPython's own schedule. Nothing is collected while the collector is disabled
(``gc.disable()``).
"""

from __future__ import annotations

import gc

EVERY = 32
"""Requests between two collections of the youngest generation."""
MIDDLE_EVERY = 5
"""Collections of the youngest generation between two of the middle one."""


class YoungCollector:
    """Counts requests and collects the youngest generation every ``every`` of them."""

    __slots__ = ("_left", "_young_left", "every")

    def __init__(self, every: int = EVERY) -> None:
        if every < 1:
            raise ValueError(f"every={every!r}: expected at least 1 request between collections")
        self.every = every
        self._left = every
        self._young_left = MIDDLE_EVERY

    def tick(self) -> None:
        """One more request; collect the youngest generation when ``every`` have passed (and
        with it the middle one every :data:`MIDDLE_EVERY` times)."""
        self._left -= 1
        if self._left <= 0:
            self._left = self.every
            if gc.isenabled():
                self._young_left -= 1
                if self._young_left <= 0:
                    self._young_left = MIDDLE_EVERY
                    gc.collect(1)
                else:
                    gc.collect(0)
