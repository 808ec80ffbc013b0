"""Sessions (docs/contract.md §7): resolving a request's session and remembering what it did.

Resolution order: the ``X-Session-ID`` header; else the session the history embeds in its tool
ids (``tc-<session>-<uuid>``, read by the endpoint's ``session_from_history``); else a new session. New ids are
version-4 UUIDs whose first four groups come from the seeded generator (seed and worker
index) and whose last group (48 bits) counts the server's new sessions: unique within a server, different
between workers, and the same sequence for the same seed.
An unknown id in the header starts that session. The server keeps the last ``limit`` new
sessions that no request has named since, and at most ``limit`` sessions named again,
dropping the least recently used.
"""

from __future__ import annotations

import heapq
import random
import time
import uuid
from array import array
from collections import OrderedDict
from typing import Any, NamedTuple

from ..errors import bad_request


class Session(NamedTuple):
    """One session as the table last saw it: its id, when it started and was last used, its
    requests and turns."""

    id: str
    created: float
    last_seen: float
    requests: int
    turns: int

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (the form ``GET /__admin/sessions`` returns)."""
        return self._asdict()


#: A row of the session table: (created, last_seen, requests, turns). Plain tuples of numbers,
#: which the garbage collector stops tracking: ten thousand sessions cost its passes nothing.
_Row = tuple[float, float, int, int]


def max_turns(config_header: dict[str, Any] | None) -> int | None:
    """``fsm.max_n_turns`` of a parsed ``X-Config`` header, if it sets one."""
    if config_header is None:
        return None
    fsm = config_header.get("fsm") or {}
    return fsm.get("max_n_turns")


def parse_session_header(value: str) -> str:
    """The canonical (lowercase) form of an ``X-Session-ID`` value; a 400 when it is not a UUID."""
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise bad_request(
            f"X-Session-ID header: expected a session UUID like 3f2b8c1e-0d4a-4c5e-9b7a-1c2d3e4f5a6b, "
            f"got {value[:60]!r}") from None


def _id_prefix(seed: int, worker: int) -> str:
    """The first four groups of the new session ids of a server: seeded random hex digits with
    the version-4 and RFC 9562 variant bits set, e.g. ``'5f1c2a9e-3b4d-4e6f-8a1b-'``."""
    h = f"{random.Random(f'sessions:{seed}:{worker}').getrandbits(80):020x}"
    variant = "89ab"[int(h[15], 16) & 3]
    return f"{h[:8]}-{h[8:12]}-4{h[12:15]}-{variant}{h[16:19]}-"


class SessionStore:
    """The session table and the seeded generator of new session ids.

    Most new sessions are never named again (one anonymous request each), so they are kept
    apart, in a ring of the last ``limit`` new sessions: two numbers per session, indexed by
    its count, no objects. A session named again (``X-Session-ID`` or a tool result) moves to
    the table of named sessions, which keeps the ``limit`` least recently used.
    """

    def __init__(self, seed: int, limit: int, worker: int = 0) -> None:
        self.seed = seed
        self.limit = limit
        self.worker = worker
        self._prefix = _id_prefix(seed, worker)
        self._sessions: OrderedDict[str, _Row] = OrderedDict()
        self._restart_ring()

    def _restart_ring(self) -> None:
        self._count = 0
        """How many new sessions this server has started (the last group of the newest id)."""
        self._created = array("d", bytes(8 * self.limit))
        """Creation time of new session ``n`` at ``n % limit``; 0.0 once it is named again (or never was)."""
        self._turns = bytearray(self.limit)
        """Turns (0 or 1) of new session ``n`` at ``n % limit``."""

    def _ring_id(self, count: int) -> str:
        """The id of new session number ``count``."""
        return f"{self._prefix}{count:012x}"

    def _ring_row(self, slot: int) -> _Row:
        """The row of the new session in ring ``slot``: created and last seen at its one request."""
        created = self._created[slot]
        return (created, created, 1, self._turns[slot])

    def _in_ring(self, session_id: str) -> int | None:
        """The ring slot of ``session_id`` when it is a new session of this server that no request
        has named since (and that newer ones have not pushed out of the ring)."""
        if not session_id.startswith(self._prefix):
            return None
        try:
            count = int(session_id[len(self._prefix):], 16)
        except ValueError:
            return None
        slot = count % self.limit
        in_window = self._count - self.limit < count <= self._count
        return slot if in_window and self._created[slot] else None

    def _take_from_ring(self, session_id: str) -> _Row | None:
        """The row of ``session_id`` if the ring holds it, leaving the ring (it is named now)."""
        slot = self._in_ring(session_id)
        if slot is None:
            return None
        row = self._ring_row(slot)
        self._created[slot] = 0.0
        return row

    def resolve(self, header: str | None, from_history: str | None, new_turn: bool,
                max_turns: int | None = None, now: float | None = None) -> str:
        """The id of the session a request belongs to (see the module docstring), its counters updated
        (``now``: the request's time, default the present).

        A request that would start turn ``max_turns + 1`` of its session (``X-Config``
        ``fsm.max_n_turns``, at least 1) is refused with a 400 and counts nothing.
        """
        if now is None:
            now = time.time()
        if header is None and from_history is None:  # a new session, counted in the ring
            count = self._count = self._count + 1  # (no turns used yet: within any max_n_turns)
            slot = count % self.limit
            self._created[slot] = now
            self._turns[slot] = new_turn
            return self._ring_id(count)
        session_id = parse_session_header(header) if header is not None else from_history
        assert session_id is not None
        sessions = self._sessions
        row = sessions.pop(session_id, None) or self._take_from_ring(session_id)
        if row is None:
            created, requests, turns = now, 0, 0
            if len(sessions) >= self.limit:
                sessions.popitem(last=False)
        else:
            created, _, requests, turns = row
        if new_turn and max_turns is not None and turns >= max_turns:
            sessions[session_id] = (created, now, requests, turns)
            raise bad_request(
                f"X-Config header: $.fsm.max_n_turns: session {session_id} has used all {max_turns} of its turns; "
                "start a new session (send no X-Session-ID) or raise fsm.max_n_turns")
        sessions[session_id] = (created, now, requests + 1, turns + new_turn)
        return session_id

    def get(self, session_id: str) -> Session | None:
        """The session called ``session_id``, if the server still holds it."""
        row = self._sessions.get(session_id)
        if row is not None:
            return Session(session_id, *row)
        slot = self._in_ring(session_id)
        return None if slot is None else Session(session_id, *self._ring_row(slot))

    def all(self) -> list[Session]:
        """Every session held, least recently used first."""
        counts = range(max(1, self._count - self.limit + 1), self._count + 1)
        ring = [Session(self._ring_id(count), *self._ring_row(count % self.limit))
                for count in counts if self._created[count % self.limit]]
        named = [Session(session_id, *row) for session_id, row in self._sessions.items()]
        return list(heapq.merge(ring, named, key=lambda session: session.last_seen))

    def clear(self) -> None:
        """Forget every session and restart the id sequence (as on a fresh server)."""
        self._sessions.clear()
        self._restart_ring()

    def __len__(self) -> int:
        return len(self._sessions) + self.limit - self._created.count(0.0)
