"""The handlers of the API's routes (docs/contract.md §1): one per route of every endpoint, and health.

An endpoint's handler is a small pipeline: authenticate -> read the body (size limit) ->
validate body (against the endpoint's request document) and configuration headers -> resolve
the session -> ask the responder (or the answer cache) -> deliver as JSON or SSE (in the
endpoint's stream format) -> complete the journal entry. :mod:`~sequrity_contract.mockserver.app`
wires the handlers to their paths.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import istr

from sequrity_contract.schemas import Endpoint
from sequrity_contract.schemas.headers import HEADER_DOCUMENTS
from sequrity_contract.schemas.sqrt.header import decides_calls

from ..errors import ApiError
from ..modes.handler import MODE_HANDLER
from ..policy import PolicyRequest
from ..scripting.engine import AnswerSource, MessageGate, deliver_planned
from ..scripting.stubs import StubRequest
from ..state import STATE, ServerState
from ..support.byte_text import text_of
from .answers import AnswerKey, Ready
from .auth import Authenticator
from .delivery import Rendered
from .fallbacks import answer_error
from .intake import (
    HEAVY_BODY_BYTES,
    MAX_CACHED_BODY,
    ClientGone,
    ValidBody,
    buffered_body,
    check_content_type,
    check_objects,
    read_body,
)
from .journal import JournalEntry
from .responder import SESSION_TOKEN, RequestContext
from .sessions import max_turns

# The headers the pipeline reads, as multidict ``istr`` names: case-insensitive lookups that
# need not lower-case the name on every request.
X_FEATURES, X_POLICY, X_CONFIG = (istr(name) for name in HEADER_DOCUMENTS)
X_SESSION_ID = istr("X-Session-ID")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("mockserver")


def _preview(raw: bytes | None) -> str | None:
    return None if raw is None else text_of(raw[:4096])  # every byte kept (see support.byte_text)


def endpoint_handler(app: web.Application, endpoint: Endpoint, endpoint_type: str, provider: str | None) -> Handler:
    """The handler of one route of ``endpoint`` on ``app`` (its server state and mode are bound once, here)."""
    state = app[STATE]
    mode_handler = app.get(MODE_HANDLER)  # proxy, record, replay
    journal, intake, sessions, scripting, delivery = (state.journal, state.intake, state.sessions, state.scripting,
                                                      state.delivery)
    config = state.config
    max_body_bytes, max_body_objects, seed = config.max_body_bytes, config.max_body_objects, config.seed
    authenticate = Authenticator(state.config.api_keys).check
    cached = state.answers.get if state.responder.cacheable else None
    # what a responder is told the session is: a cacheable one answers with the session left as a hole
    hole = SESSION_TOKEN if state.responder.cacheable else None
    immediate = delivery.latency.is_zero
    # The route's method and path are fixed, hence every request's: one shared journal route.
    path = endpoint.route_path(endpoint_type, provider)
    route = journal.route("POST", path, endpoint_type, provider, endpoint.name)
    check_body = intake.of(endpoint).body
    policed_endpoint = endpoint.tool_calls is not None

    async def handle(request: web.Request) -> web.StreamResponse:
        entry = journal.record(request, route)
        raw: bytes | None = None
        try:
            if mode_handler is not None:
                answered = await mode_handler.handle(request, entry, endpoint)
                if answered is not None:
                    return answered
            headers = request.headers
            authenticate(headers)
            check_content_type(headers)
            # A mode handler has read the body already (request.read() keeps it); else take it as it lies.
            raw = buffered_body(request, max_body_bytes) if mode_handler is None else None
            if raw is None:
                raw = await read_body(request, max_body_bytes)
            raw_headers = (headers.get(X_FEATURES), headers.get(X_POLICY), headers.get(X_CONFIG))
            key = (raw, path, *raw_headers)
            ready = cached(key) if cached is not None else None  # a hit: verdicts and answer at once
            rendered: Rendered | None
            if ready is None:
                if len(raw) > max_body_objects:  # a smaller body cannot hold more
                    check_objects(raw, max_body_objects)
                valid = check_body(raw) if len(raw) <= HEAVY_BODY_BYTES else await asyncio.to_thread(check_body, raw)
            else:
                valid, parsed, turns, rendered = ready
            entry.body = raw  # valid JSON, parsed when read; journalled even when a header is refused next
            journal.account(entry, len(raw))
            if ready is None:
                parsed, rendered = intake.headers(raw_headers), None
                turns = max_turns(parsed[2])
            session_id = entry.session_id = sessions.resolve(
                headers.get(X_SESSION_ID), valid.session_from_history, valid.starts_turn, turns, entry.time)
            # a policy that can deny a call: the answer depends on the session's past, so it is made
            # for the session and never cached
            policed = parsed[1] is not None and policed_endpoint and decides_calls(parsed[1])
            if scripting.engaged(headers):
                context = RequestContext(endpoint_type, provider, valid.body, session_id, seed, *parsed,
                                         headers=headers, endpoint=endpoint, heavy=len(raw) > HEAVY_BODY_BYTES)
                named = session_id if X_SESSION_ID in headers or valid.session_from_history else None
                scripted = await _scripted(state, request, entry, key, valid, context, named, policed)
                if scripted is not None:
                    return scripted
            if rendered is None:
                answered_session = session_id if policed else hole or session_id
                context = RequestContext(endpoint_type, provider, valid.body, answered_session, seed, *parsed,
                                         headers=headers, endpoint=endpoint, heavy=len(raw) > HEAVY_BODY_BYTES)
                rendered = await (_policed_answer(state, valid, context, entry) if policed
                                  else _answer(state, key, valid, context))
            if not immediate:
                return await _deliver_late(state, request, rendered, valid.stream, session_id, entry)
            if valid.stream:
                return await delivery.send_stream(request, rendered, session_id, entry)
            return delivery.json_response(rendered, session_id, entry)
        except ApiError as error:
            if entry.body is None:
                entry.body = _preview(raw)
            return answer_error(entry, error)
        except ClientGone as gone:
            entry.disconnected, entry.error = True, str(gone)
            log.info("%s: %s", request.path, gone)
            return web.Response(status=400)  # nobody reads it: the connection is gone
        except Exception as exc:
            log.exception("mock server failure on %s", request.path)
            return answer_error(entry, ApiError(500, f"the mock server failed: {type(exc).__name__}: {exc}"))

    return handle


async def _scripted(state: ServerState, request: web.Request, entry: JournalEntry, key: AnswerKey, valid: ValidBody,
                    context: RequestContext, named_session: str | None, policed: bool) -> web.StreamResponse | None:
    """The answer of a stub or with a fault, if scripting has one for this request (else None); under
    a policy that can deny calls, a stub's calls are decided like the synthesizer's."""
    stub_request = StubRequest(request.path, context.endpoint_type, context.provider, context.body, request.headers,
                               context.session_id, valid.stream, context.endpoint)
    if not policed:
        return await answer_scripted(state, request, entry, stub_request, named_session,
                                     lambda: _answer(state, key, valid, context))
    return await answer_scripted(state, request, entry, stub_request, named_session,
                                 lambda: _policed_answer(state, valid, context, entry),
                                 lambda message: _enforce(state, valid, context, entry, message))


async def _deliver_late(state: ServerState, request: web.Request, rendered: Rendered, stream: bool,
                        session_id: str, entry: JournalEntry) -> web.StreamResponse:
    """Deliver an answer with configured latency, as one of the server's slow answers (so that
    shutting down cancels it at once)."""
    with state.slow_answer():
        if stream:
            return await state.delivery.send_stream(request, rendered, session_id, entry)
        return await state.delivery.send_json(rendered, session_id, entry)


async def _answer(state: ServerState, key: AnswerKey, valid: ValidBody, context: RequestContext) -> Rendered:
    """The rendered answer to ``context`` (of the body ``valid``): for a cacheable responder from the
    answer cache (made once with the session as a hole, and stored with the request's verdicts),
    else made for the session."""
    responder = state.responder
    if not responder.cacheable:
        return _render(state, context.endpoint, await responder.respond(context), valid.stream)
    ready = state.answers.get(key)
    if ready is not None:
        return ready.rendered
    if context.session_id != SESSION_TOKEN:
        context = dataclasses.replace(context, session_id=SESSION_TOKEN)
    rendered = _render(state, context.endpoint, await responder.respond(context), valid.stream)
    if len(key[0]) <= MAX_CACHED_BODY:
        state.answers.put(key, Ready.of(valid, (context.features, context.policy, context.config), rendered))
    return rendered


async def _policed_answer(state: ServerState, valid: ValidBody, context: RequestContext,
                          entry: JournalEntry) -> Rendered:
    """The responder's answer to ``context`` (made for its session) as the request's policy lets it go."""
    reply = await state.responder.respond(context)
    if isinstance(reply, ApiError):
        raise reply
    return _render(state, context.endpoint, _enforce(state, valid, context, entry, reply), valid.stream)


def _enforce(state: ServerState, valid: ValidBody, context: RequestContext, entry: JournalEntry,
             message: dict[str, Any]) -> dict[str, Any]:
    """``message`` as the session's policy lets it go, its decisions journalled."""
    request = PolicyRequest(context.session_id, context.body, context.features, context.policy, context.config,
                            valid.starts_turn)
    allowed, decisions = state.policies.enforce(context.endpoint, request, message)
    entry.policy = tuple(checked.to_json() for checked in decisions)
    return allowed


def _render(state: ServerState, endpoint: Endpoint, reply: dict[str, Any] | ApiError, stream: bool) -> Rendered:
    if isinstance(reply, ApiError):
        raise reply
    return state.delivery.render(endpoint, reply, key=str(reply.get("id", "")), stream=stream)


async def health(request: web.Request) -> web.Response:
    """``GET /control/health``: the service is up."""
    return web.json_response({"status": "ok"})


async def answer_scripted(state: ServerState, request: web.Request, entry: JournalEntry, stub_request: StubRequest,
                          named_session: str | None, synthesize: AnswerSource,
                          gate: MessageGate | None = None) -> web.StreamResponse | None:
    """The pipeline's hook: plan the request and deliver it when a stub answer or a fault applies
    (None: the ordinary pipeline answers). The handler is cancelled on shutdown while it waits."""
    scripting = state.scripting
    plan = scripting.plan(stub_request, named_session)
    with state.slow_answer():
        return await deliver_planned(plan, scripting, state.delivery, request, synthesize, stub_request, entry, gate)
