"""The clauses of the chat completions endpoint (docs/contract.md §10): what the server receives is
what the client was asked to send (``chat_request_round_trip``), what the client returns is what the
server answered (``chat_response_round_trip``), a stream arrives complete and accumulates to the
completion (``chat_stream_round_trip``), each request carries the last answer's session
(``chat_sessions``), errors surface with their status and message (``chat_errors``), a 429, 529 or 5xx
answer is retried after its ``retry-after`` (``chat_retry_honours_retry_after``), and a stream the
server cuts is an error, not a truncated completion (``chat_stream_disconnect_is_an_error``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st

from sequrity_contract.schemas import CHAT_COMPLETIONS

from .environment import ConformanceEnv
from .errors import ErrorCase, check_error, error_cases
from .registry import clause, requires_fault_support, requires_retries, requires_sessions
from .resilience import RetryCase, check_disconnect, check_retry
from .round_trip import (
    ResponseCase,
    RouteCase,
    check_body_round_trip,
    check_response_round_trip,
    check_stream_round_trip,
    response_cases,
    route_cases,
)
from .sessions import SessionStep, check_sessions

__all__ = ["ChatDisconnectCase", "chat_errors", "chat_request_round_trip",
           "chat_response_round_trip", "chat_retry_honours_retry_after", "chat_sessions",
           "chat_stream_disconnect_is_an_error", "chat_stream_round_trip"]

ENDPOINT = CHAT_COMPLETIONS.name
HELLO = {"model": "conformance-chat", "messages": [{"role": "user", "content": "Hello chat"}]}
RESILIENCE_REQUEST = {"model": "conformance-resilience",
                      "messages": [{"role": "user", "content": "Write a few sentences about resilient clients please"}]}
RETRIED_COMPLETION = {"id": "chatcmpl-retried", "object": "chat.completion", "created": 1700000000,
                      "model": "conformance-resilience",
                      "choices": [{"index": 0, "finish_reason": "stop",
                                   "message": {"role": "assistant", "content": "answered after a retry"}}],
                      "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}}
#: A chat request the mock answers with a tool call (``tool_choice`` is left to its default, ``auto``:
#: every client can send it), so that a stream can be cut inside the call's arguments.
TOOL_REQUEST = {
    "model": "conformance-resilience",
    "messages": [{"role": "user", "content": "What is the weather in Paris and in Rome today?"}],
    "tools": [{"type": "function", "function": {
        "name": "get_weather", "description": "The weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string"}},
                       "required": ["city", "unit"]}}}]}


@clause(route_cases(ENDPOINT), title="the server receives the chat request the client was asked to send",
        endpoint=ENDPOINT)
async def chat_request_round_trip(env: ConformanceEnv, case: RouteCase) -> None:
    """Body (every field kept; stream options aside; a null and an absent optional field are the same:
    the official client drops nulls, the OpenAI SDK sends them), route, answered 200."""
    await check_body_round_trip(env, case)


@clause(response_cases(ENDPOINT, stream=False, constraints={"stream": False}),
        title="the client returns the completion the server answered", endpoint=ENDPOINT)
async def chat_response_round_trip(env: ConformanceEnv, case: ResponseCase) -> None:
    """The server answers a drawn completion; the client's parsed completion equals it."""
    await check_response_round_trip(env, case)


@clause(response_cases(ENDPOINT, stream=True, constraints={"stream": True}),
        title="a chat stream arrives in order, complete, and accumulates to the completion", endpoint=ENDPOINT)
async def chat_stream_round_trip(env: ConformanceEnv, case: ResponseCase) -> None:
    """Chunks equal those sent, in order; the accumulated completion equals the answer."""
    await check_stream_round_trip(env, case)


@clause(st.lists(st.sampled_from(["send", "stream", "reset"]).map(SessionStep), min_size=2, max_size=5),
        title="each chat request carries the X-Session-ID of the last answer; reset forgets it", endpoint=ENDPOINT)
@requires_sessions
async def chat_sessions(env: ConformanceEnv, steps: list[SessionStep]) -> None:
    """A call sends the session the previous answer named (none at first and after a reset)."""
    await check_sessions(env, steps, HELLO, ENDPOINT)


@clause(error_cases, title="each error status and body surfaces from a chat call with that status and message",
        endpoint=ENDPOINT)
async def chat_errors(env: ConformanceEnv, case: ErrorCase) -> None:
    """The contract's error answer, plain or streamed, reaches the caller as :class:`AdapterError`."""
    env.fresh()
    await check_error(env, case, HELLO, env.options(endpoint=ENDPOINT), exact_message=False)


@clause(st.builds(RetryCase, st.sampled_from([429, 500, 503, 529]), st.booleans()), max_examples=3,
        title="a chat call answered 429, 529 or 5xx is retried, after the time retry-after asks for", endpoint=ENDPOINT)
@requires_retries
async def chat_retry_honours_retry_after(env: ConformanceEnv, case: RetryCase) -> None:
    """Plain or streamed: two requests reach the server, ``RETRY_AFTER`` seconds apart or more; the caller
    gets the completion of the second."""
    env.fresh()
    options = env.options(endpoint=ENDPOINT, max_retries=2)
    await check_retry(env, case, RESILIENCE_REQUEST, RETRIED_COMPLETION, options)


@dataclass(frozen=True)
class ChatDisconnectCase:
    """Where the server cuts a chat stream: after ``chunks`` chunks, or (``chunks`` None) inside the
    first tool call's arguments."""

    chunks: int | None

    @property
    def fault(self) -> dict[str, Any]:
        """The ``X-Mock-Fault`` spec that cuts the stream there."""
        if self.chunks is None:
            return {"disconnect_inside_tool_json": True}
        return {"disconnect_after_events": self.chunks}


@clause(st.builds(ChatDisconnectCase, st.none() | st.integers(min_value=1, max_value=4)), max_examples=5,
        title="a chat stream the server cuts (between chunks or inside tool call arguments) surfaces as an "
              "error, not as a truncated completion", endpoint=ENDPOINT)
@requires_fault_support
async def chat_stream_disconnect_is_an_error(env: ConformanceEnv, case: ChatDisconnectCase) -> None:
    """``X-Mock-Fault: {"disconnect_after_events": N}`` or ``{"disconnect_inside_tool_json": true}``."""
    env.fresh()
    request = TOOL_REQUEST if case.chunks is None else RESILIENCE_REQUEST
    await check_disconnect(env, request, case.fault, env.options(endpoint=ENDPOINT))
