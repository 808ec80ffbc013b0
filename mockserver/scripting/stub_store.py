"""The registered stubs, which one answers a request, and each scenario's position per session.

Selection: among the stubs whose match holds, the highest ``priority`` wins, then the most
specific match (:attr:`~sequrity_contract.mockserver.scripting.stubs.Match.specificity`), then the most recently added.
A sequence stub answers its steps in order. With ``"scope": "global"`` (the default) one position
serves every request; with ``"scope": "session"`` each session keeps its own (the request's
resolved session: its ``X-Session-ID``, else the session of a tool-result id in the history, else
the new session minted for it, so a request naming no session starts at the first step). After the
last step the last answer repeats.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..support.cache import BoundedCache
from .stubs import Answer, Stub, StubRequest

#: Stubs listed by name in a strict-mode 404 (the rest are counted).
LISTED_IN_ERRORS = 10
#: How a strict-mode 404's message starts (the plugin's ``assert_all_matched`` finds these in the journal).
NO_STUB_MATCHES = "no stub matches"


@dataclass(frozen=True)
class Selection:
    """The stub answering a request, the answer it gives (None: the synthesizer answers) and its step."""

    stub: Stub
    answer: Answer | None
    step: int


class StubStore:
    """Stubs by id in registration order, call counts and scenario positions (one per stub, or per
    stub and session)."""

    def __init__(self, session_limit: int = 10_000) -> None:
        self._stubs: dict[str, tuple[int, Stub]] = {}
        self._order = itertools.count()
        self._session_limit = session_limit
        self._positions: dict[str, BoundedCache[str | None, int]] = {}
        self._calls: dict[str, int] = {}

    def add(self, stub: Stub) -> Stub:
        """Register ``stub``; one with the same id is replaced (its positions restart)."""
        if stub.id in self._stubs:
            self.remove(stub.id)
        self._stubs[stub.id] = (next(self._order), stub)
        self._calls[stub.id] = 0
        self._positions[stub.id] = BoundedCache(self._session_limit)
        return stub

    def remove(self, stub_id: str) -> bool:
        """Forget the stub ``stub_id``; False when there was none."""
        if self._stubs.pop(stub_id, None) is None:
            return False
        self._calls.pop(stub_id, None)
        self._positions.pop(stub_id, None)
        return True

    def clear(self) -> None:
        """Forget every stub and position."""
        self._stubs.clear()
        self._positions.clear()
        self._calls.clear()

    def get(self, stub_id: str) -> Stub | None:
        """The stub ``stub_id``, if registered."""
        found = self._stubs.get(stub_id)
        return found[1] if found else None

    def all(self) -> list[Stub]:
        """Every stub, oldest first."""
        return [stub for _, stub in sorted(self._stubs.values(), key=lambda item: item[0])]

    def calls(self, stub_id: str) -> int:
        """How many requests ``stub_id`` has answered."""
        return self._calls.get(stub_id, 0)

    def __len__(self) -> int:
        return len(self._stubs)

    def select(self, request: StubRequest) -> Selection | None:
        """The stub answering ``request`` (advancing its scenario), or None when no stub matches."""
        best: tuple[int, int, int] | None = None
        chosen: Stub | None = None
        for order, stub in self._stubs.values():
            rank = (stub.priority, stub.match.specificity, order)
            if (best is None or rank > best) and not stub.match.difference(request):
                best, chosen = rank, stub
        if chosen is None:
            return None
        self._calls[chosen.id] = self._calls.get(chosen.id, 0) + 1
        if not chosen.answers:
            return Selection(chosen, None, 0)
        if not chosen.is_sequence:
            return Selection(chosen, chosen.answers[0], 0)
        positions = self._positions[chosen.id]
        scope = request.session_id if chosen.scope == "session" else None
        step = positions.get(scope) or 0
        positions.put(scope, step + 1)
        index = min(step, len(chosen.answers) - 1)
        return Selection(chosen, chosen.answers[index], index)

    def explain_no_match(self, request: StubRequest) -> str:
        """Why no stub matches ``request``: the request, the registered stubs, the closest near-miss."""
        what = (f"POST {request.path} (model {request.body.get('model')!r}, stream {str(request.stream).lower()}, "
                f"session {request.session_id})")
        stubs = self.all()
        if not stubs:
            return f"{NO_STUB_MATCHES} {what}: no stubs are registered and the server is strict"
        listed = "; ".join(s.describe() for s in stubs[-LISTED_IN_ERRORS:])
        more = f" (and {len(stubs) - LISTED_IN_ERRORS} older)" if len(stubs) > LISTED_IN_ERRORS else ""
        closest = min(reversed(stubs), key=lambda s: len(s.match.difference(request)))
        differences = ", ".join(str(d) for d in closest.match.difference(request))
        return (f"{NO_STUB_MATCHES} {what} and the server is strict. {len(stubs)} stub(s) registered: "
                f"{listed}{more}. Closest: {closest.id!r}, which differs in {differences}")
