"""The ``sessions`` clause: every request carries the ``X-Session-ID`` of the last answer;
an explicit session wins for its call; after a reset no session is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st

from sequrity_contract.schemas import MESSAGES

from .checks import call_adapter, header, last_entry
from .environment import ConformanceEnv
from .failures import ClauseFailure, reproduction
from .registry import clause, requires_sessions

__all__ = ["SessionStep", "check_sessions", "session_steps", "sessions"]

REQUEST = {"model": "conformance-sessions", "max_tokens": 64,
           "messages": [{"role": "user", "content": "Tell me about sessions"}]}
ACTIONS = ("send", "stream", "explicit", "reset")


@dataclass(frozen=True)
class SessionStep:
    """One step of a session scenario: ``send``, ``stream``, ``explicit`` (send with
    ``session_id`` set) or ``reset`` (``reset_session()``)."""

    action: str
    session_id: str | None = None

    def __repr__(self) -> str:
        return f"{self.action}({self.session_id})" if self.session_id else self.action


_steps = st.sampled_from(ACTIONS).flatmap(
    lambda action: st.uuids().map(lambda u: SessionStep(action, str(u))) if action == "explicit"
    else st.just(SessionStep(action)))


session_steps = st.lists(_steps, min_size=2, max_size=6)
"""Session scenarios: two to six steps."""


@clause(session_steps, title="each request carries the X-Session-ID of the last "
                                                         "answer; an explicit session wins; reset forgets it")
@requires_sessions
async def sessions(env: ConformanceEnv, steps: list[SessionStep]) -> None:
    """Model: ``tracked`` starts empty; a call sends ``tracked`` (or the explicit id) and
    then tracks the session the server answered with; ``reset`` empties it."""
    await check_sessions(env, steps, REQUEST, MESSAGES.name)


async def check_sessions(env: ConformanceEnv, steps: list[SessionStep], request: dict[str, Any],
                         endpoint: str) -> None:
    """Run ``steps`` with ``request`` against ``endpoint``: each call sends the session the last answer
    named (the explicit one for an ``explicit`` step, none at first and after a reset)."""
    env.fresh()
    await env.adapter.reset_session()
    tracked: str | None = None
    history: list[str] = []
    for step in steps:
        history.append(repr(step))
        if step.action == "reset":
            await env.adapter.reset_session()
            tracked = None
            continue
        options = env.options(session_id=step.session_id, endpoint=endpoint)
        await call_adapter(env, request, options, stream=step.action == "stream")
        entry = last_entry(env)
        expected = step.session_id if step.action == "explicit" else tracked
        sent = header(entry["headers"], "X-Session-ID")
        if sent != expected:
            title = _title(step, tracked, sent)
            raise ClauseFailure(title, f"Steps: {' -> '.join(history)}\nExpected: X-Session-ID: {expected}\n"
                                       f"Received: X-Session-ID: {sent}", key=title,
                                reproduction=reproduction(request, env.options(session_id=expected, endpoint=endpoint),
                                                          stream=step.action == "stream"))
        tracked = entry["session_id"]


def _title(step: SessionStep, tracked: Any, sent: Any) -> str:
    if step.action == "explicit":
        return "an explicit session_id was not sent"
    if tracked is None:
        return "a session id was sent after reset (or before any answer)"
    if sent is None:
        return "the next request did not carry the X-Session-ID of the last answer"
    return "the next request carried another session than the last answer's"
