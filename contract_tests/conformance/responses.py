"""The clauses of the responses endpoint (docs/contract.md, "Responses"): what the server receives is
what the client was asked to send (``responses_request_round_trip``), what the client returns is what
the server answered (``responses_response_round_trip``), a stream of typed events arrives complete and
accumulates to the response (``responses_stream_round_trip``), a function call is answered with a
``function_call_output`` in the same session (``responses_tool_round_trip``), an invalid body is refused
with a 400 naming the field (``responses_invalid_bodies``), error answers surface with their status and
message (``responses_errors``), and each request carries the last answer's session
(``responses_sessions``). Cases come from the endpoint's strategies
(:func:`sequrity_contract.strategies.strategies_for`); the generic checks are those of messages and
chat completions (:mod:`.round_trip`, :mod:`.errors`, :mod:`.sessions`)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st

from sequrity_contract.schemas import check, get_endpoint

from ..adapters.base import AdapterError, StreamResult
from .checks import call_adapter, last_entry
from .environment import ConformanceEnv
from .errors import ErrorCase, check_error, error_cases
from .failures import ClauseFailure, not_an_adapter_error, reproduction, shorten
from .registry import clause, requires_sessions
from .round_trip import (
    ResponseCase,
    RouteCase,
    check_body_round_trip,
    check_response_round_trip,
    check_stream_round_trip,
    response_cases,
    route_cases,
)
from .sessions import SessionStep, check_sessions, session_steps

__all__ = ["InvalidBody", "ToolRoundTrip", "responses_errors", "responses_invalid_bodies",
           "responses_request_round_trip", "responses_response_round_trip", "responses_sessions",
           "responses_stream_round_trip", "responses_tool_round_trip"]

ENDPOINT = "responses"
RESPONSES = get_endpoint(ENDPOINT)
HELLO = {"model": "conformance-responses", "input": "Hello responses"}
WEATHER = {"type": "function", "name": "get_weather", "description": "The weather in a city",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
QUESTION = "What is the weather in Paris today?"


@clause(route_cases(ENDPOINT), title="the server receives the responses request the client was asked to send",
        endpoint=ENDPOINT)
async def responses_request_round_trip(env: ConformanceEnv, case: RouteCase) -> None:
    """Body (every field kept; stream aside; null and absent alike), route, answered 200."""
    await check_body_round_trip(env, case)


@clause(response_cases(ENDPOINT, stream=False), title="the client returns the response the server answered",
        endpoint=ENDPOINT)
async def responses_response_round_trip(env: ConformanceEnv, case: ResponseCase) -> None:
    """The server answers a drawn response; the client's parsed response equals it."""
    await check_response_round_trip(env, case)


@clause(response_cases(ENDPOINT, stream=True), title="a responses stream (response.created ... response.completed) "
                                                     "arrives in order, complete, and accumulates to the response",
        endpoint=ENDPOINT)
async def responses_stream_round_trip(env: ConformanceEnv, case: ResponseCase) -> None:
    """Typed events equal those sent, in order; the accumulated response equals the answer."""
    await check_stream_round_trip(env, case)


@dataclass(frozen=True)
class ToolRoundTrip:
    """A function tool round trip: whether the call (``call_stream``) and the answer to its output
    (``output_stream``) are streamed."""

    call_stream: bool
    output_stream: bool


def _message_of(result: dict[str, Any] | StreamResult) -> dict[str, Any]:
    return result.message if isinstance(result, StreamResult) else result


@clause(st.builds(ToolRoundTrip, st.booleans(), st.booleans()), max_examples=4,
        title="a function_call answered with a function_call_output continues the session to a final answer",
        endpoint=ENDPOINT)
async def responses_tool_round_trip(env: ConformanceEnv, case: ToolRoundTrip) -> None:
    """``tool_choice: "required"`` gets a ``function_call`` of the offered function with JSON object
    arguments; sending it back with its ``function_call_output`` reaches the server as sent, in the
    session the call id embeds, and is answered with a valid response."""
    env.fresh()
    await env.adapter.reset_session()
    options = env.options(endpoint=ENDPOINT)
    first = {"model": "conformance-tools", "input": QUESTION, "tools": [WEATHER], "tool_choice": "required"}
    repro = reproduction(first, options, stream=case.call_stream)
    answer = _message_of(await call_adapter(env, first, options, stream=case.call_stream))
    calls = [item for item in answer.get("output", [])
             if isinstance(item, dict) and item.get("type") == "function_call"]
    if not calls or any(call.get("name") != WEATHER["name"] for call in calls):
        raise ClauseFailure("tool_choice 'required' did not give a function_call of the offered function",
                            f"Expected: function_call items naming {WEATHER['name']!r}\n"
                            f"Received: output={shorten(answer.get('output'))}", reproduction=repro)
    call = calls[0]
    try:
        arguments = json.loads(call.get("arguments", ""))
    except (TypeError, ValueError):
        arguments = None
    if not isinstance(arguments, dict):
        raise ClauseFailure("a function_call's arguments are not a JSON object",
                            f"Received: arguments={shorten(call.get('arguments'))}", reproduction=repro)
    session = last_entry(env)["session_id"]
    await env.adapter.reset_session()  # the call id carries the session, as the service reads it
    second = {"model": "conformance-tools", "tools": [WEATHER], "input": [
        {"role": "user", "content": QUESTION},
        {"type": "function_call", "call_id": call["call_id"], "name": call["name"], "arguments": call["arguments"]},
        {"type": "function_call_output", "call_id": call["call_id"], "output": "sunny, 21 C"}]}
    repro = reproduction(second, options, stream=case.output_stream)
    final = _message_of(await call_adapter(env, second, options, stream=case.output_stream))
    entry = last_entry(env)
    received = entry["body"].get("input") if isinstance(entry["body"], dict) else None
    if received != second["input"]:
        raise ClauseFailure("the function_call_output did not reach the server as sent",
                            f"Expected: input={shorten(second['input'])}\nReceived: input={shorten(received)}",
                            reproduction=repro)
    if entry["session_id"] != session:
        raise ClauseFailure("the function_call_output was answered in another session than its call",
                            f"Expected: session {session}\nReceived: session {entry['session_id']}",
                            reproduction=repro)
    violations = check(RESPONSES.response, final, request=second)
    if violations:
        raise ClauseFailure("the answer to a function_call_output is not a valid response",
                            "\n".join(str(v) for v in violations[:5]), reproduction=repro)


@dataclass(frozen=True)
class InvalidBody:
    """A body the contract refuses: ``changes`` applied to a valid request, and the JSON path the
    400 must name; ``stream`` says how the client asked."""

    name: str
    changes: dict[str, Any]
    path: str
    stream: bool

    @property
    def request(self) -> dict[str, Any]:
        """The refused body."""
        body = {**HELLO, **self.changes}
        return {k: v for k, v in body.items() if v is not None}

    def __repr__(self) -> str:
        return f"InvalidBody({self.name}, stream={self.stream})"


INVALID_BODIES: tuple[tuple[str, dict[str, Any], str], ...] = (
    ("temperature above 2", {"temperature": 3}, "$.temperature"),
    ("an output for a call never made",
     {"input": [{"role": "user", "content": "Hi"},
                {"type": "function_call_output", "call_id": "call_unknown", "output": "x"}]}, "$.input[1].call_id"),
    ("tool_choice naming a function not offered", {"tool_choice": {"type": "function", "name": "get_weather"}},
     "$.tool_choice.name"),
    ("a function tool without a name", {"tools": [{"type": "function", "parameters": {"type": "object"}}]},
     "$.tools[0].name"),
)


def _invalid_body(entry: tuple[str, dict[str, Any], str], stream: bool) -> InvalidBody:
    name, changes, path = entry
    return InvalidBody(name, changes, path, stream)


@clause(st.builds(_invalid_body, st.sampled_from(INVALID_BODIES), st.booleans()),
        title="an invalid responses body is refused with a 400 whose message names the field", endpoint=ENDPOINT)
async def responses_invalid_bodies(env: ConformanceEnv, case: InvalidBody) -> None:
    """The client surfaces the server's 400 as :class:`AdapterError` (status 400, the message naming the
    JSON path); a client that refuses the body itself, before sending anything, passes too."""
    env.fresh()
    options = env.options(endpoint=ENDPOINT)
    repro = reproduction(case.request, options, stream=case.stream)
    before = len(env.server().requests)
    try:
        if case.stream:
            await env.adapter.stream(case.request, options)
        else:
            await env.adapter.send(case.request, options)
    except AdapterError as error:
        if error.kind == "client_validation" and len(env.server().requests) == before:
            return
        if error.status != 400:
            title = "an invalid responses body did not surface as a 400"
            raise ClauseFailure(title, f"Body: {case.name}\nExpected: status=400\nReceived: status={error.status}, "
                                       f"kind={error.kind!r}: {shorten(error.message)}",
                                key=title, reproduction=repro) from error
        if case.path not in error.message:
            raise ClauseFailure("the 400 for an invalid responses body does not name the field",
                                f"Body: {case.name}\nExpected: a message naming {case.path}\n"
                                f"Received: {error.message!r}", reproduction=repro) from error
        return
    except Exception as exc:
        raise not_an_adapter_error(exc, repro) from exc
    raise ClauseFailure("an invalid responses body was answered as a success",
                        f"Body: {case.name}\nExpected: AdapterError(status=400)\nReceived: a result",
                        reproduction=repro)


@clause(error_cases, title="each error status and body surfaces from a responses call with that status and message",
        endpoint=ENDPOINT)
async def responses_errors(env: ConformanceEnv, case: ErrorCase) -> None:
    """The contract's error answer, plain or streamed, reaches the caller as :class:`AdapterError`."""
    env.fresh()
    await check_error(env, case, HELLO, env.options(endpoint=ENDPOINT), exact_message=False)


@clause(session_steps, title="each responses request carries the X-Session-ID of the last answer; an explicit "
                             "session wins; reset forgets it", endpoint=ENDPOINT)
@requires_sessions
async def responses_sessions(env: ConformanceEnv, steps: list[SessionStep]) -> None:
    """As the ``sessions`` clause, on the responses route."""
    await check_sessions(env, steps, HELLO, ENDPOINT)
