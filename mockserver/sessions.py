"""Sessions (CONTRACT.md §7): resolving a request's session and remembering what it did.

Resolution order: the ``X-Session-ID`` header; else the session embedded in the newest
``tool_result`` id of the history (``tc-<session>-<uuid>``); else a new session, whose id
comes from the seeded generator (so the same seed gives the same sequence of ids).
An unknown id in the header starts that session. The table keeps at most ``limit``
sessions, dropping the least recently used.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import OrderedDict
from typing import Any

from schemas.rules import TOOL_USE_ID

from .errors import bad_request


class Session:
    """One session: its id, when it started and was last used, its requests and turns."""

    __slots__ = ("created", "id", "last_seen", "requests", "turns")

    def __init__(self, session_id: str, now: float) -> None:
        self.id = session_id
        self.created = self.last_seen = now
        self.requests = 0
        self.turns = 0

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (the form ``GET /__admin/sessions`` returns)."""
        return {"id": self.id, "created": self.created, "last_seen": self.last_seen,
                "requests": self.requests, "turns": self.turns}


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
    fsm = (config_header or {}).get("fsm") or {}
    return fsm.get("max_n_turns")


def parse_session_header(value: str) -> str:
    """The canonical (lowercase) form of an ``X-Session-ID`` value; a 400 when it is not a UUID."""
    try:
        return str(uuid.UUID(value.strip()))
    except ValueError:
        raise bad_request(
            f"X-Session-ID header: expected a session UUID like 3f2b8c1e-0d4a-4c5e-9b7a-1c2d3e4f5a6b, "
            f"got {value[:60]!r}") from None


_V4_MASK = ~(0xF000 << 64 | 0xC000 << 48) & (1 << 128) - 1
_V4_BITS = 0x4000 << 64 | 0x8000 << 48


class SessionStore:
    """The session table and the seeded generator of new session ids."""

    def __init__(self, seed: int, limit: int) -> None:
        self.seed = seed
        self.limit = limit
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._ids = random.Random(f"sessions:{seed}")

    def new_id(self) -> str:
        """The next session id from the seeded generator (a version-4 UUID string)."""
        h = f"{self._ids.getrandbits(128) & _V4_MASK | _V4_BITS:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def resolve(self, header: str | None, from_history: str | None, new_turn: bool,
                max_turns: int | None = None) -> Session:
        """The session a request belongs to (see the module docstring), its counters updated.

        A request that would start turn ``max_turns + 1`` of its session (``X-Config``
        ``fsm.max_n_turns``) is refused with a 400 and counts nothing.
        """
        session_id = parse_session_header(header) if header is not None else from_history or self.new_id()
        sessions = self._sessions
        session = sessions.get(session_id)
        now = time.time()
        if session is None:
            session = sessions[session_id] = Session(session_id, now)
            if len(sessions) > self.limit:
                sessions.popitem(last=False)
        else:
            sessions.move_to_end(session_id)
            session.last_seen = now
        if new_turn and max_turns is not None and session.turns >= max_turns:
            raise bad_request(
                f"X-Config header: $.fsm.max_n_turns: session {session_id} has used all {max_turns} of its turns; "
                "start a new session (send no X-Session-ID) or raise fsm.max_n_turns")
        session.requests += 1
        session.turns += new_turn
        return session

    def get(self, session_id: str) -> Session | None:
        """The session called ``session_id``, if the table still holds it."""
        return self._sessions.get(session_id)

    def all(self) -> list[Session]:
        """Every session held, least recently used first."""
        return list(self._sessions.values())

    def clear(self) -> None:
        """Forget every session and restart the id sequence (as on a fresh server)."""
        self._sessions.clear()
        self._ids = random.Random(f"sessions:{self.seed}")

    def __len__(self) -> int:
        return len(self._sessions)
