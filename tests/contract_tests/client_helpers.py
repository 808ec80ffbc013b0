"""Shared test material: hypothesis strategies for messages and request values, and a
recording handler for the client's transport seam."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from hypothesis import strategies as st

from sequrity_contract.contract_tests.client import HttpRequest, HttpResponse

T = TypeVar("T")

json_scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=12)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=4)

text_blocks = st.builds(lambda t: {"type": "text", "text": t}, st.text(max_size=40))
thinking_blocks = st.builds(lambda t: {"type": "thinking", "text": t}, st.text(max_size=40))
tool_use_blocks = st.builds(
    lambda i, n, inp: {"type": "tool_use", "id": f"toolu_{i}", "name": n, "input": inp},
    st.integers(0, 999), st.sampled_from(["search", "lookup"]), json_objects)

messages = st.builds(
    lambda content, stop, usage: {
        "id": "msg_01", "type": "message", "role": "assistant", "content": content, "model": "mock-model",
        "stop_reason": stop, "stop_sequence": None,
        "usage": {"input_tokens": usage[0], "output_tokens": usage[1]},
    },
    st.lists(text_blocks | thinking_blocks | tool_use_blocks, max_size=4),
    st.sampled_from(["end_turn", "max_tokens", "tool_use", None]),
    st.tuples(st.integers(0, 500), st.integers(1, 500)),
)
"""Response messages with text, thinking and tool_use blocks."""

REQUEST = {"model": "mock-model", "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one coroutine to completion (the suite has no asyncio plugin)."""
    return asyncio.run(coroutine)


Answer = Callable[[HttpRequest], HttpResponse]


class Recorder:
    """A transport handler that answers with ``answers`` in turn (the last one repeats)
    and records every request it got."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.requests: list[HttpRequest] = []

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        return self.answers[min(len(self.requests), len(self.answers)) - 1](request)

    @property
    def bodies(self) -> list[Any]:
        """The JSON bodies received, in order."""
        return [json.loads(r.body) for r in self.requests]


def json_answer(status: int, body: Any, headers: dict[str, str] | None = None) -> Answer:
    """An answer: ``body`` as JSON with ``status`` and ``headers``."""
    return lambda request: HttpResponse.json(status, body, headers)


def message_answer(message: dict[str, Any], session_id: str | None = "s-1") -> Answer:
    """A 200 answer carrying ``message`` (and ``X-Session-ID`` unless None)."""
    return json_answer(200, message, {"X-Session-ID": session_id} if session_id else {})


def stream_answer(body: bytes, session_id: str | None = "s-1", chunk: int = 0) -> Answer:
    """A 200 event-stream answer with ``body`` (cut into ``chunk``-byte pieces when > 0)."""
    headers = {"Content-Type": "text/event-stream", **({"X-Session-ID": session_id} if session_id else {})}
    pieces = [body[i:i + chunk] for i in range(0, len(body), chunk)] if chunk else [body]
    return lambda request: HttpResponse.build(200, pieces, headers)
