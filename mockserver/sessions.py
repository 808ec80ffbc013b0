"""Sessions (CONTRACT.md §7): resolving a request's session and remembering what it did.

Resolution order: the ``X-Session-ID`` header; else the session embedded in the newest
``tool_result`` id of the history (``tc-<session>-<uuid>``); else a new session. New ids are
version-4 UUIDs whose first four groups come from the seeded generator (seed and worker
index) and whose last group (48 bits) counts the server's new sessions: unique within a server, different
between workers, and the same sequence for the same seed.
An unknown id in the header starts that session. The table keeps at most ``limit``
sessions, dropping the least recently used.
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from collections import OrderedDict
from typing import Any, NamedTuple

from schemas.rules import TOOL_USE_ID

from .errors import bad_request


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


def session_from_history(body: dict[str, Any]) -> str | None:
    """The session embedded in the newest ``tool_result`` id of the request's messages, if any."""
    for message in reversed(body.get("messages") or []):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for block in reversed(content):
            if isinstance(block, dict) and block.get("type") == "tool_result":
                match = TOOL_USE_ID.match(str(block.get("tool_use_id", "")))
                if match:
                    return match["session"]
    return None


def starts_turn(body: dict[str, Any]) -> bool:
    """True when the last message is a user message that is not only tool results (a new turn)."""
    messages = body.get("messages") or []
    if not messages or not isinstance(messages[-1], dict):
        return False
    content = messages[-1].get("content")
    if isinstance(content, list) and content and all(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    ):
        return False
    return messages[-1].get("role") == "user"


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
    """The session table and the seeded generator of new session ids."""

    def __init__(self, seed: int, limit: int, worker: int = 0) -> None:
        self.seed = seed
        self.limit = limit
        self.worker = worker
        self._sessions: OrderedDict[str, _Row] = OrderedDict()
        self._prefix = _id_prefix(seed, worker)
        self._count = itertools.count(1)

    def new_id(self) -> str:
        """The next new session id: the server's seeded prefix and the count of new sessions
        (a version-4 UUID string, e.g. ``5f1c2a9e-3b4d-4e6f-8a1b-000000000001``)."""
        return f"{self._prefix}{next(self._count):012x}"

    def resolve(self, header: str | None, from_history: str | None, new_turn: bool,
                max_turns: int | None = None, now: float | None = None) -> str:
        """The id of the session a request belongs to (see the module docstring), its counters updated
        (``now``: the request's time, default the present).

        A request that would start turn ``max_turns + 1`` of its session (``X-Config``
        ``fsm.max_n_turns``) is refused with a 400 and counts nothing.
        """
        session_id = parse_session_header(header) if header is not None else from_history or self.new_id()
        sessions = self._sessions
        row = sessions.get(session_id)
        if now is None:
            now = time.time()
        if row is None:
            created, requests, turns = now, 0, 0
            if len(sessions) >= self.limit:
                sessions.popitem(last=False)
        else:
            created, _, requests, turns = row
            sessions.move_to_end(session_id)
        if new_turn and max_turns is not None and turns >= max_turns:
            sessions[session_id] = (created, now, requests, turns)
            raise bad_request(
                f"X-Config header: $.fsm.max_n_turns: session {session_id} has used all {max_turns} of its turns; "
                "start a new session (send no X-Session-ID) or raise fsm.max_n_turns")
        sessions[session_id] = (created, now, requests + 1, turns + new_turn)
        return session_id

    def get(self, session_id: str) -> Session | None:
        """The session called ``session_id``, if the table still holds it."""
        row = self._sessions.get(session_id)
        return None if row is None else Session(session_id, *row)

    def all(self) -> list[Session]:
        """Every session held, least recently used first."""
        return [Session(session_id, *row) for session_id, row in self._sessions.items()]

    def clear(self) -> None:
        """Forget every session and restart the id sequence (as on a fresh server)."""
        self._sessions.clear()
        self._count = itertools.count(1)

    def __len__(self) -> int:
        return len(self._sessions)
