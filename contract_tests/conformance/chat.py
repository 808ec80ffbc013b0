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

from sequrity_contract import strategies
from sequrity_contract.mockserver import ApiError
from sequrity_contract.schemas import CHAT_COMPLETIONS, ENDPOINT_TYPES, ERROR_TYPES

from ..adapters.base import AdapterError, StreamResult
from ..client.body import drop_nulls
from .checks import call_adapter, compare, header, last_entry
from .environment import ConformanceEnv
from .failures import ClauseFailure, reproduction, shorten
from .registry import clause, requires_fault_support, requires_retries, requires_sessions
from .resilience import RetryCase, check_disconnect, check_retry

__all__ = ["ChatDisconnectCase", "ChatRequestCase", "ChatResponseCase", "chat_errors", "chat_request_round_trip",
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


@dataclass(frozen=True)
class ChatRequestCase:
    """A chat request as a caller asks for it, and the route."""

    request: dict[str, Any]
    endpoint_type: str
    provider: str | None

    @property
    def stream(self) -> bool:
        """Whether the caller asked for a stream."""
        return self.request.get("stream") is True


def _without_stream(body: Any) -> Any:
    return {k: v for k, v in body.items() if k not in ("stream", "stream_options")} if isinstance(body, dict) \
        else body


@clause(st.builds(ChatRequestCase, strategies.chat_requests(), st.sampled_from(ENDPOINT_TYPES),
                  st.none() | st.sampled_from(CHAT_COMPLETIONS.providers)),
        title="the server receives the chat request the client was asked to send", endpoint=ENDPOINT)
async def chat_request_round_trip(env: ConformanceEnv, case: ChatRequestCase) -> None:
    """Body (every field kept; stream options aside; a null and an absent optional field are the same:
    the official client drops nulls, the OpenAI SDK sends them), route, answered 200."""
    env.fresh()
    await env.adapter.reset_session()
    options = env.options(endpoint=ENDPOINT, endpoint_type=case.endpoint_type, provider=case.provider)
    repro = reproduction(case.request, options, stream=case.stream)
    await call_adapter(env, case.request, options, stream=case.stream)
    entry = last_entry(env, request=case.request, options=options)
    compare("the chat body the server received differs from the request", _without_stream(drop_nulls(case.request)),
            _without_stream(drop_nulls(entry["body"])), repro=repro)
    expected_path = CHAT_COMPLETIONS.route_path(case.endpoint_type, case.provider)
    if entry["path"] != expected_path:
        raise ClauseFailure("the chat request went to the wrong route",
                            f"Expected: POST {expected_path}\nReceived: {entry['method']} {entry['path']}",
                            reproduction=repro)
    if entry["status"] != 200:
        raise ClauseFailure("the server refused the chat request", f"Received: HTTP {entry['status']}: "
                            f"{entry['error']}", key=f"status:{entry['status']}", reproduction=repro)


@dataclass(frozen=True)
class ChatResponseCase:
    """A chat request and the completion the server answers it with."""

    request: dict[str, Any]
    completion: dict[str, Any]


@st.composite
def chat_response_cases(draw: st.DrawFn, /, **constraints: Any) -> ChatResponseCase:
    """A drawn chat request (``constraints`` as for ``strategies.chat_requests``) and a drawn answer."""
    request = draw(strategies.chat_requests(**constraints))
    return ChatResponseCase(request, draw(strategies.chat_responses(for_request=request)))


@clause(chat_response_cases(stream=False), title="the client returns the completion the server answered",
        endpoint=ENDPOINT)
async def chat_response_round_trip(env: ConformanceEnv, case: ChatResponseCase) -> None:
    """The server answers a drawn completion; the client's parsed completion equals it."""
    env.fresh()
    env.script(case.completion)
    options = env.options(endpoint=ENDPOINT)
    completion = await call_adapter(env, case.request, options, stream=False)
    compare("the completion the client returned differs from the server's answer", case.completion, completion,
            repro=reproduction(case.request, options, stream=False))


@clause(chat_response_cases(stream=True), title="a chat stream arrives in order, complete, and accumulates to "
                                                "the completion", endpoint=ENDPOINT)
async def chat_stream_round_trip(env: ConformanceEnv, case: ChatResponseCase) -> None:
    """Chunks equal those sent, in order; the accumulated completion equals the answer."""
    env.fresh()
    env.script(case.completion)
    options = env.options(endpoint=ENDPOINT)
    repro = reproduction(case.request, options, stream=True)
    result = await call_adapter(env, case.request, options, stream=True)
    assert isinstance(result, StreamResult)
    compare("the chunks the client yielded differ from the chunks sent", last_entry(env)["events"], result.events,
            repro=repro)
    compare("the streamed completion differs from the server's answer", case.completion, result.message,
            repro=repro)


@clause(st.lists(st.sampled_from(["send", "stream", "reset"]), min_size=2, max_size=5),
        title="each chat request carries the X-Session-ID of the last answer; reset forgets it", endpoint=ENDPOINT)
@requires_sessions
async def chat_sessions(env: ConformanceEnv, steps: list[str]) -> None:
    """A call sends the session the previous answer named (none at first and after a reset)."""
    env.fresh()
    await env.adapter.reset_session()
    tracked: str | None = None
    options = env.options(endpoint=ENDPOINT)
    for i, step in enumerate(steps):
        if step == "reset":
            await env.adapter.reset_session()
            tracked = None
            continue
        await call_adapter(env, HELLO, options, stream=step == "stream")
        entry = last_entry(env)
        sent = header(entry["headers"], "X-Session-ID")
        if sent != tracked:
            title = "a chat request did not carry the X-Session-ID of the last answer" if tracked \
                else "a session id was sent after reset (or before any answer)"
            raise ClauseFailure(title, f"Steps: {' -> '.join(steps[:i + 1])}\nExpected: X-Session-ID: {tracked}\n"
                                       f"Received: X-Session-ID: {sent}", key=title,
                                reproduction=reproduction(HELLO, options, stream=step == "stream"))
        tracked = entry["session_id"]


@clause(st.tuples(st.sampled_from(sorted(ERROR_TYPES)),
                  st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40),
                  st.booleans()),
        title="each error status and body surfaces from a chat call with that status and message", endpoint=ENDPOINT)
async def chat_errors(env: ConformanceEnv, case: tuple[int, str, bool]) -> None:
    """The contract's error answer, plain or streamed, reaches the caller as :class:`AdapterError`."""
    status, message, stream = case
    env.fresh()
    env.script(ApiError(status, message))
    options = env.options(endpoint=ENDPOINT)
    repro = reproduction(HELLO, options, stream=stream)
    try:
        if stream:
            await env.adapter.stream(HELLO, options)
        else:
            await env.adapter.send(HELLO, options)
    except AdapterError as error:
        if (error.status, error.kind) != (status, "status"):
            title = "the chat error does not carry the HTTP status"
            raise ClauseFailure(title, f"Expected: status={status}, kind='status'\n"
                                       f"Received: status={error.status}, kind={error.kind!r}",
                                key=f"{title}:{status}", reproduction=repro) from error
        if message not in error.message:
            raise ClauseFailure("the chat error does not carry the server's message",
                                f"Expected: {message!r}\nReceived: {error.message!r}", reproduction=repro) from error
        return
    except Exception as exc:
        title = f"the adapter raised {type(exc).__name__} instead of AdapterError"
        raise ClauseFailure(title, f"Received: {type(exc).__name__}: {shorten(str(exc))}",
                            reproduction=repro) from exc
    raise ClauseFailure("a chat error answer was returned as a success",
                        f"Expected: AdapterError(status={status})\nReceived: a result", reproduction=repro)


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
