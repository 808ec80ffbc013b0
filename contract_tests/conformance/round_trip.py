"""Round-trip clauses: what the server received is what the client was asked to send
(``request_round_trip``), what the client returns is what the server answered
(``response_round_trip``), and streams arrive in order, complete, and accumulate to the
message, per dialect (``stream_round_trip_sequrity``, ``stream_round_trip_anthropic``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
from hypothesis import assume

from sequrity_contract import strategies
from sequrity_contract.schemas import ENDPOINT_TYPES, MESSAGES, PROVIDERS, check, get_endpoint

from ..adapters.base import StreamResult
from ..client.body import drop_nulls
from ..client.headers import CONFIG_HEADER_ARGUMENTS
from .checks import call_adapter, compare, header, json_header, last_entry
from .environment import ConformanceEnv
from .failures import ClauseFailure, reproduction, shorten
from .registry import clause, requires_dialect

__all__ = ["RequestCase", "ResponseCase", "RouteCase", "check_body_round_trip", "check_response_round_trip",
           "check_stream_round_trip", "request_round_trip", "response_cases", "response_round_trip", "route_cases",
           "stream_round_trip_anthropic", "stream_round_trip_sequrity"]

#: Optional body fields a caller may pass as None; the client must leave them out.
NULLABLE_FIELDS = ("system", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking",
                   "stop_sequences", "output_config", "metadata", "service_tier", "reasoning_effort")
LLM_KEY = "sk-llm-conformance"

_header_token = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"),
                        min_size=1, max_size=8)
_header_value = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=24)
custom_headers = st.dictionaries(_header_token.map(lambda t: f"X-Custom-{t}"), _header_value, max_size=3).filter(
    lambda h: len({k.lower() for k in h}) == len(h))
"""Extra headers a caller adds: ``X-Custom-*`` names, visible ASCII values."""


@dataclass(frozen=True)
class RequestCase:
    """A request as a caller asks for it: the body (``None`` fields included), the
    configuration headers, extra headers, the LLM key and the route."""

    request: dict[str, Any]
    features: dict[str, Any] | None
    policy: dict[str, Any] | None
    config: dict[str, Any] | None
    headers: dict[str, str]
    llm_api_key: str | None
    endpoint_type: str
    provider: str | None

    @property
    def stream(self) -> bool:
        """Whether the caller asked for a stream."""
        return self.request.get("stream") is True


@st.composite
def request_cases(draw: st.DrawFn) -> RequestCase:
    """Requests with every field and block type, nulls for some absent optional fields,
    configuration and extra headers, an optional LLM key, any route."""
    request = draw(strategies.requests())
    nulls = {f for f in draw(st.sets(st.sampled_from(NULLABLE_FIELDS), max_size=3)) if f not in request}
    configuration = draw(strategies.headers())
    return RequestCase(
        request={**request, **dict.fromkeys(sorted(nulls))},
        features=configuration.get("X-Features"), policy=configuration.get("X-Policy"),
        config=configuration.get("X-Config"), headers=draw(custom_headers),
        llm_api_key=draw(st.none() | st.just(LLM_KEY)),
        endpoint_type=draw(st.sampled_from(ENDPOINT_TYPES)),
        provider=draw(st.none() | st.sampled_from(PROVIDERS)),
    )


def _without_stream(body: Any) -> Any:
    return {k: v for k, v in body.items() if k != "stream"} if isinstance(body, dict) else body


@clause(request_cases(), title="the server receives the body and headers the client was asked to send")
async def request_round_trip(env: ConformanceEnv, case: RequestCase) -> None:
    """Body (nulls dropped, every field kept), route, the three JSON headers, the LLM key,
    extra headers, no session header on a fresh session."""
    env.fresh()
    await env.adapter.reset_session()
    options = env.options(features=case.features, policy=case.policy, config=case.config,
                          headers=case.headers, llm_api_key=case.llm_api_key,
                          endpoint_type=case.endpoint_type, provider=case.provider)
    repro = reproduction(case.request, options, stream=case.stream)
    await call_adapter(env, case.request, options, stream=case.stream)
    entry = last_entry(env, request=case.request, options=options)
    expected_body = _without_stream(drop_nulls(case.request))
    compare("the body the server received differs from the request (nulls dropped)",
            expected_body, _without_stream(entry["body"]), repro=repro)
    sent_stream = entry["body"].get("stream") if isinstance(entry["body"], dict) else None
    if (sent_stream is True) != case.stream:
        raise ClauseFailure("the body's stream flag differs from the call made",
                            f"Expected: stream={case.stream}\nReceived: stream={shorten(sent_stream)}",
                            reproduction=repro)
    expected_path = MESSAGES.route_path(case.endpoint_type, case.provider)
    if entry["path"] != expected_path:
        raise ClauseFailure("the request went to the wrong route",
                            f"Expected: POST {expected_path}\nReceived: {entry['method']} {entry['path']}",
                            reproduction=repro)
    received = entry["headers"]
    for argument, name in CONFIG_HEADER_ARGUMENTS:
        asked, value = getattr(case, argument), header(received, name)
        if asked is None and value is not None:
            raise ClauseFailure(f"{name} was sent though not asked for", f"Received: {name}: {value}",
                                key=f"unasked:{name}", reproduction=repro)
        if asked is not None:
            if value is None:
                raise ClauseFailure(f"{name} was not sent", f"Expected: {name}: {shorten(asked)}",
                                    key=f"missing:{name}", reproduction=repro)
            compare(f"{name} differs from the object asked for", asked, json_header(value), repro=repro)
    llm_key = header(received, "X-Api-Key")
    if (llm_key is not None) != (case.llm_api_key is not None):
        state = "sent though no LLM key was given" if llm_key is not None else "missing though an LLM key was given"
        raise ClauseFailure(f"X-Api-Key {state}", f"Received headers: {sorted(received)}", reproduction=repro)
    session = header(received, "X-Session-ID")
    if session is not None:
        raise ClauseFailure("X-Session-ID was sent on a fresh session",
                            f"Expected: no X-Session-ID after reset_session()\nReceived: {session}",
                            reproduction=repro)
    for name, value in case.headers.items():
        got = header(received, name)
        if got != value:
            raise ClauseFailure("an extra header was lost or changed", f"{name}: expected {value!r}, received {got!r}",
                                key="custom-header", reproduction=repro)
    if entry["status"] != 200:
        raise ClauseFailure("the server refused the request", f"Received: HTTP {entry['status']}: {entry['error']}",
                            key=f"status:{entry['status']}", reproduction=repro)


@dataclass(frozen=True)
class RouteCase:
    """A request to ``endpoint`` as a caller asks for it, and the route it goes to."""

    request: dict[str, Any]
    endpoint_type: str
    provider: str | None
    endpoint: str = MESSAGES.name

    @property
    def stream(self) -> bool:
        """Whether the caller asked for a stream."""
        return self.request.get("stream") is True


def route_cases(endpoint: str) -> st.SearchStrategy[RouteCase]:
    """Requests to ``endpoint`` drawn from its strategies (valid under its rules) on any of its routes."""
    described = get_endpoint(endpoint)
    requests = st.deferred(lambda: strategies.strategies_for(described).requests()).filter(
        lambda request: not check(described.request, request))
    return st.builds(RouteCase, requests, st.sampled_from(described.endpoint_types),
                     st.none() | st.sampled_from(described.providers), st.just(described.name))


def _without_stream_options(body: Any) -> Any:
    return {k: v for k, v in body.items() if k not in ("stream", "stream_options")} if isinstance(body, dict) \
        else body


async def check_body_round_trip(env: ConformanceEnv, case: RouteCase) -> None:
    """The body the server received is the request (stream and stream options aside; a null and an absent
    optional field are the same), on the route asked for, and the server answered 200."""
    env.fresh()
    await env.adapter.reset_session()
    options = env.options(endpoint=case.endpoint, endpoint_type=case.endpoint_type, provider=case.provider)
    repro = reproduction(case.request, options, stream=case.stream)
    await call_adapter(env, case.request, options, stream=case.stream)
    entry = last_entry(env, request=case.request, options=options)
    compare(f"the {case.endpoint} body the server received differs from the request",
            _without_stream_options(drop_nulls(case.request)), _without_stream_options(drop_nulls(entry["body"])),
            repro=repro)
    expected_path = get_endpoint(case.endpoint).route_path(case.endpoint_type, case.provider)
    if entry["path"] != expected_path:
        raise ClauseFailure(f"the {case.endpoint} request went to the wrong route",
                            f"Expected: POST {expected_path}\nReceived: {entry['method']} {entry['path']}",
                            reproduction=repro)
    if entry["status"] != 200:
        raise ClauseFailure(f"the server refused the {case.endpoint} request", f"Received: HTTP {entry['status']}: "
                            f"{entry['error']}", key=f"status:{entry['status']}", reproduction=repro)


@dataclass(frozen=True)
class ResponseCase:
    """A request to ``endpoint`` and the message the server answers it with (a messages message, a
    chat completion, a response: whatever the endpoint's response document describes)."""

    request: dict[str, Any]
    message: dict[str, Any]
    endpoint: str = MESSAGES.name


def _with_stream(request: dict[str, Any], stream: bool) -> dict[str, Any]:
    """``request`` asking for a stream or not, as ``stream`` says (left alone when it already does)."""
    if (request.get("stream") is True) == stream:
        return request
    if stream:
        return {**request, "stream": True}
    return {k: v for k, v in request.items() if k not in ("stream", "stream_options")}


@st.composite
def response_cases(draw: st.DrawFn, endpoint: str = MESSAGES.name, /, *, stream: bool,
                   constraints: Mapping[str, Any] | None = None) -> ResponseCase:
    """A request to ``endpoint`` drawn from its strategies (:func:`sequrity_contract.strategies.strategies_for`;
    ``constraints`` as its ``requests`` takes them, none by default), asking for a stream when ``stream``, valid under
    the endpoint's rules, and a drawn answer to it, valid for that request."""
    described = get_endpoint(endpoint)
    kit = strategies.strategies_for(described)
    request = _with_stream(draw(kit.requests(**(constraints or {}))), stream)
    assume(not check(described.request, request))
    message = draw(kit.responses(for_request=request))
    assume(not check(described.response, message, request=request))
    return ResponseCase(request, message, described.name)


@clause(response_cases(stream=False, constraints={"stream": False}), title="the client returns the message the server "
                                                                  "answered, field for field")
async def response_round_trip(env: ConformanceEnv, case: ResponseCase) -> None:
    """The server answers a drawn response; the client's parsed message equals it."""
    await check_response_round_trip(env, case)


async def check_response_round_trip(env: ConformanceEnv, case: ResponseCase) -> None:
    """The server answers ``case.message``; the message the adapter returns equals it."""
    env.fresh()
    env.script(case.message)
    options = env.options(endpoint=case.endpoint)
    message = await call_adapter(env, case.request, options, stream=False)
    compare(f"the {case.endpoint} answer the client returned differs from the server's", case.message, message,
            repro=reproduction(case.request, options, stream=False))


async def check_stream_round_trip(env: ConformanceEnv, case: ResponseCase, dialect: str = "sequrity") -> None:
    """The server (the one speaking ``dialect``) streams ``case.message``: the events the adapter yields
    are the events sent, in order, and they accumulate to the message."""
    env.fresh(dialect)
    env.script(case.message, dialect=dialect)
    options = env.options(dialect, endpoint=case.endpoint)
    repro = reproduction(case.request, options, stream=True)
    result = await call_adapter(env, case.request, options, stream=True)
    assert isinstance(result, StreamResult)
    sent = last_entry(env, dialect)["events"]
    where = f" ({dialect} dialect)" if len(get_endpoint(case.endpoint).dialects) > 1 else ""
    compare(f"the {case.endpoint} events the client yielded differ from the events sent{where}",
            sent, result.events, repro=repro)
    compare(f"the streamed {case.endpoint} answer differs from the server's{where}",
            case.message, result.message, repro=repro)


@clause(response_cases(stream=True, constraints={"stream": True}), title="a sequrity-dialect stream arrives in order, "
                                                                "complete, and accumulates to the message")
@requires_dialect("sequrity")
async def stream_round_trip_sequrity(env: ConformanceEnv, case: ResponseCase) -> None:
    """Events equal those sent, in order; the accumulated message equals the answer."""
    await check_stream_round_trip(env, case, "sequrity")


@clause(response_cases(stream=True, constraints={"stream": True}),
        title="an anthropic-dialect stream (with pings) arrives in order, complete, and accumulates to the message")
@requires_dialect("anthropic")
async def stream_round_trip_anthropic(env: ConformanceEnv, case: ResponseCase) -> None:
    """As ``stream_round_trip_sequrity``, with the server speaking the anthropic dialect."""
    await check_stream_round_trip(env, case, "anthropic")
