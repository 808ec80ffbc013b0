"""The routes of CONTRACT.md §1 and their handlers: messages, health, 404 and 405.

The messages handler is a small pipeline: authenticate -> read the body (size limit) ->
validate body and configuration headers -> resolve the session -> ask the responder (or
the answer cache) -> deliver as JSON or SSE -> complete the journal entry.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import istr

from schemas import ENDPOINT_TYPES, PROVIDERS
from schemas.headers import HEADER_DOCUMENTS

from .answers import AnswerKey, Ready
from .auth import Authenticator
from .delivery import Rendered
from .errors import ApiError
from .intake import MAX_CACHED_BODY, ValidBody, buffered_body, check_content_type, read_body
from .journal import JournalEntry
from .modes import MODE_HANDLER
from .responder import SESSION_TOKEN, RequestContext
from .scripting import answer_scripted
from .sessions import max_turns
from .state import STATE, ServerState
from .stubs import StubRequest

# The headers the pipeline reads, as multidict ``istr`` names: case-insensitive lookups that
# need not lower-case the name on every request.
X_FEATURES, X_POLICY, X_CONFIG = (istr(name) for name in HEADER_DOCUMENTS)
X_SESSION_ID = istr("X-Session-ID")

#: Sibling APIs of the same scheme that this mock does not serve (answered 404 with that reason).
SIBLING_APIS = ("/chat/completions", "/responses")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
log = logging.getLogger("mockserver")


def messages_path(endpoint_type: str, provider: str | None = None) -> str:
    """The path of the messages route: ``/control/{endpoint_type}[/{provider}]/v1/messages``."""
    middle = f"{endpoint_type}/{provider}" if provider else endpoint_type
    return f"/control/{middle}/v1/messages"


def _preview(raw: bytes | None) -> str | None:
    return None if raw is None else raw[:4096].decode("utf-8", "replace")


def _fail(entry: JournalEntry, error: ApiError) -> web.Response:
    entry.status = error.status
    entry.error = error.message
    return error.response()


def messages_handler(app: web.Application, endpoint_type: str, provider: str | None) -> Handler:
    """The handler of one messages route of ``app`` (its server state and mode are bound once, here)."""
    state = app[STATE]
    mode_handler = app.get(MODE_HANDLER)  # proxy, record, replay
    journal, intake, sessions, scripting, delivery = (state.journal, state.intake, state.sessions, state.scripting,
                                                      state.delivery)
    max_body_bytes, seed = state.config.max_body_bytes, state.config.seed
    authenticate = Authenticator(state.config.api_keys).check
    cached = state.answers.get if state.responder.cacheable else None
    immediate = delivery.latency.is_zero
    # The route's method and path are fixed, hence every request's: one shared journal route.
    route = journal.route("POST", messages_path(endpoint_type, provider), endpoint_type, provider)

    async def messages(request: web.Request) -> web.StreamResponse:
        entry = journal.record(request, route)
        raw: bytes | None = None
        try:
            if mode_handler is not None:
                answered = await mode_handler.handle(request, entry)
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
            key = (raw, endpoint_type, provider, *raw_headers)
            ready = cached(key) if cached is not None else None  # a hit: verdicts and answer at once
            if ready is None:
                valid = intake.body(raw)
            else:
                valid, parsed, turns, rendered = ready
            entry.body = valid.body  # journalled even when a configuration header is refused next
            journal.account(entry, len(raw))
            if ready is None:
                parsed, rendered = intake.headers(raw_headers), None
                turns = max_turns(parsed[2])
            session_id = entry.session_id = sessions.resolve(
                headers.get(X_SESSION_ID), valid.session_from_history, valid.starts_turn, turns, entry.time)
            if scripting.engaged(headers):
                context = RequestContext(endpoint_type, provider, valid.body, session_id, seed, *parsed,
                                         headers=headers)
                named = session_id if X_SESSION_ID in headers or valid.session_from_history else None
                scripted = await _scripted(state, request, entry, key, valid, context, named)
                if scripted is not None:
                    return scripted
            if rendered is None:
                rendered = await _answer(state, key, valid, RequestContext(
                    endpoint_type, provider, valid.body, session_id, seed, *parsed, headers=headers))
            if not immediate:
                return await _deliver_late(state, request, rendered, valid.stream, session_id, entry)
            if valid.stream:
                return await delivery.send_stream(request, rendered, session_id, entry)
            return delivery.json_response(rendered, session_id, entry)
        except ApiError as error:
            if entry.body is None:
                entry.body = _preview(raw)
            return _fail(entry, error)
        except Exception as exc:
            log.exception("mock server failure on %s", request.path)
            return _fail(entry, ApiError(500, f"the mock server failed: {type(exc).__name__}: {exc}"))

    return messages


async def _scripted(state: ServerState, request: web.Request, entry: JournalEntry, key: AnswerKey, valid: ValidBody,
                    context: RequestContext, named_session: str | None) -> web.StreamResponse | None:
    """The answer of a stub or with a fault, if scripting has one for this request (else None)."""
    stub_request = StubRequest(request.path, context.endpoint_type, context.provider, context.body, request.headers,
                               context.session_id, valid.stream)
    return await answer_scripted(state, request, entry, stub_request, named_session,
                                 lambda: _answer(state, key, valid, context))


async def _deliver_late(state: ServerState, request: web.Request, rendered: Rendered, stream: bool,
                        session_id: str, entry: JournalEntry) -> web.StreamResponse:
    """Deliver an answer with configured latency, as one of the server's slow answers (so that
    shutting down cancels it at once)."""
    task = asyncio.current_task()
    assert task is not None
    state.slow_answers.add(task)
    try:
        if stream:
            return await state.delivery.send_stream(request, rendered, session_id, entry)
        return await state.delivery.send_json(rendered, session_id, entry)
    finally:
        state.slow_answers.discard(task)


async def _answer(state: ServerState, key: AnswerKey, valid: ValidBody, context: RequestContext) -> Rendered:
    """The rendered answer to ``context`` (of the body ``valid``): for a cacheable responder from the
    answer cache (made once with the session as a hole, and stored with the request's verdicts),
    else made for the session."""
    responder = state.responder
    if not responder.cacheable:
        return _render(state, await responder.respond(context))
    ready = state.answers.get(key)
    if ready is not None:
        return ready.rendered
    rendered = _render(state, await responder.respond(dataclasses.replace(context, session_id=SESSION_TOKEN)))
    if len(key[0]) <= MAX_CACHED_BODY:
        state.answers.put(key, Ready.of(valid, (context.features, context.policy, context.config), rendered))
    return rendered


def _render(state: ServerState, reply: dict[str, Any] | ApiError) -> Rendered:
    if isinstance(reply, ApiError):
        raise reply
    return state.delivery.render(reply, key=str(reply.get("id", "")))


async def health(request: web.Request) -> web.Response:
    """``GET /control/health``: the service is up."""
    return web.json_response({"status": "ok"})


def method_not_allowed(allowed: str) -> Handler:
    """A handler answering 405 (with ``Allow``) for every method but ``allowed``."""

    async def refuse(request: web.Request) -> web.Response:
        entry = request.app[STATE].journal.record(request)
        error = ApiError(405, f"method {request.method} is not allowed on {request.path}: expected {allowed}",
                         headers={"Allow": allowed})
        return _fail(entry, error)

    return refuse


async def not_found(request: web.Request) -> web.Response:
    """Any unknown path: 404 saying which part of the path is unknown."""
    entry = request.app[STATE].journal.record(request)
    return _fail(entry, ApiError(404, _why_not_found(request.path)))


def _why_not_found(path: str) -> str:
    parts = path.strip("/").split("/")
    if len(parts) >= 4 and parts[0] == "control" and parts[-2:] == ["v1", "messages"]:
        endpoint_type, rest = parts[1], parts[2:-2]
        if endpoint_type not in ENDPOINT_TYPES:
            return (f"unknown endpoint type {endpoint_type!r} in {path}: expected one of "
                    f"{', '.join(ENDPOINT_TYPES)}")
        if len(rest) == 1 and rest[0] not in PROVIDERS:
            return f"unknown provider {rest[0]!r} in {path}: expected one of {', '.join(PROVIDERS)} or none"
    if parts[:1] == ["control"] and ("policy-gen" in parts or path.endswith(SIBLING_APIS)):
        return f"{path} is part of the Sequrity API, but this mock serves only the messages routes"
    return (f"no route {path}: expected POST /control/{{endpoint_type}}[/{{provider}}]/v1/messages, "
            f"GET /control/health or /__admin/...")


def add_routes(app: web.Application) -> None:
    """Register every route of the mock on ``app`` (the admin API included)."""
    from .admin import add_admin_routes

    refuse_post_only = method_not_allowed("POST")
    for endpoint_type in ENDPOINT_TYPES:
        for provider in (None, *PROVIDERS):
            resource = app.router.add_resource(messages_path(endpoint_type, provider))
            resource.add_route("POST", messages_handler(app, endpoint_type, provider))
            resource.add_route("*", refuse_post_only)
    resource = app.router.add_resource("/control/health")
    resource.add_route("GET", health)
    resource.add_route("*", method_not_allowed("GET"))
    add_admin_routes(app)
    app.router.add_route("*", r"/{tail:[\s\S]*}", not_found)  # [\s\S]: newlines (%0A) too
