"""Stubs and faults in the request pipeline: which stub answers, which fault fires, and delivery.

:class:`Scripting` is created once per server from its :class:`~sequrity_contract.mockserver.config.MockConfig`
(``stubs``, ``fault``, ``strict``) and is what the admin API and the
:class:`~sequrity_contract.mockserver.handle.MockServer` handle change at run time. Fault precedence: the
request's ``X-Mock-Fault`` header, else the answering stub's ``fault``, else the server's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sequrity_contract.schemas import Endpoint
from sequrity_contract.schemas.json_routes import JsonRoute, ServedRoute

from ..config import MockConfig
from ..errors import ApiError, bad_request
from ..pipeline.delivery import Delivery, Rendered
from ..pipeline.journal import JournalEntry
from .fault_delivery import FaultedDelivery
from .faults import FAULT_HEADER, Fault, FaultError, FaultLedger, Injection, parse_fault, parse_fault_header
from .stub_store import Selection, StubStore
from .stubs import Answer, Stub, StubRequest, parse_stub


def initial_stubs(config: MockConfig) -> list[Stub]:
    """The stubs of ``config.stubs`` (already checked by :class:`MockConfig`)."""
    return [parse_stub(d, default_id=f"stub-{i}") for i, d in enumerate(config.stubs)]


@dataclass(frozen=True)
class Plan:
    """What scripting decided for one request: the stub selection and the fault injection, if any."""

    selection: Selection | None
    injection: Injection | None

    @property
    def stub_id(self) -> str | None:
        """The answering stub's id, if a stub matched."""
        return self.selection.stub.id if self.selection else None


class Scripting:
    """The stub store, the server-wide fault, the fault ledger and the strict flag."""

    def __init__(self, config: MockConfig) -> None:
        self.config = config
        self.strict = config.strict
        self.stubs = StubStore(config.session_limit)
        self.ledger = FaultLedger(config.seed, config.session_limit)
        self._initial_fault = parse_fault(config.fault, "fault") if config.fault is not None else None
        self.server_fault: Fault | None = self._initial_fault
        self._rendered: dict[int, tuple[Answer, Rendered]] = {}
        self._idle = True
        self.reset()

    def _changed(self) -> None:
        """Note whether anything server-side (a stub, the server-wide fault, strict mode) can apply:
        when nothing can, only a request's own ``X-Mock-Fault`` header engages scripting."""
        self._idle = not len(self.stubs) and self.server_fault is None and not self.strict

    def reset(self) -> None:
        """Back to the configured stubs and fault, every scenario and fault counter restarted."""
        self.stubs.clear()
        for stub in initial_stubs(self.config):
            self.stubs.add(stub)
        self.server_fault = self._initial_fault
        self.ledger.clear()
        self._rendered.clear()
        self._changed()

    def add_stub(self, stub: Stub) -> Stub:
        """Register ``stub`` (replacing one with its id; its scenario and fault counts restart)."""
        self.ledger.forget(f"stub:{stub.id}")
        added = self.stubs.add(stub)
        self._changed()
        return added

    def remove_stub(self, stub_id: str) -> bool:
        """Unregister the stub ``stub_id``; False when there is none."""
        self.ledger.forget(f"stub:{stub_id}")
        removed = self.stubs.remove(stub_id)
        self._changed()
        return removed

    def clear_stubs(self) -> None:
        """Unregister every stub (the configured ones too, until :meth:`reset`)."""
        for stub in self.stubs.all():
            self.remove_stub(stub.id)

    def set_fault(self, fault: Fault | None) -> None:
        """Make ``fault`` the server-wide fault (None: no fault); its counts start at zero."""
        self.ledger.forget("server")
        self.server_fault = fault
        self._changed()

    def engaged(self, headers: Mapping[str, str]) -> bool:
        """Whether a request with ``headers`` needs scripting at all (the fast path skips it)."""
        return not self._idle or FAULT_HEADER in headers

    def plan(self, request: StubRequest, named_session: str | None) -> Plan:
        """The stub and fault for ``request``; a 400 for a bad ``X-Mock-Fault``, a 404 when strict
        and no stub matches. ``named_session`` (the session the request names itself, else None) keys
        the counters of a fault with ``"scope": "session"``."""
        header = request.headers.get(FAULT_HEADER)
        header_fault = None
        if header is not None:
            try:
                header_fault = parse_fault_header(header)
            except FaultError as exc:
                raise bad_request(str(exc)) from None
        selection = self.stubs.select(request) if len(self.stubs) else None
        if selection is None and self.strict:
            raise ApiError(404, self.stubs.explain_no_match(request))
        candidates = ((header_fault, "header"),
                      (selection.stub.fault if selection else None, f"stub:{selection.stub.id}" if selection else ""),
                      (self.server_fault, "server"))
        fault, source = next(((f, s) for f, s in candidates if f is not None), (None, ""))
        injection = self.ledger.decide(fault, source, named_session, request.stream) if fault else None
        return Plan(selection, injection)

    def render(self, answer: Answer, endpoint: ServedRoute, delivery: Delivery) -> Rendered | ApiError:
        """The encoded form of a stub's answer to ``endpoint`` (made once per answer)."""
        if answer.error is not None:
            return answer.error
        cached = self._rendered.get(id(answer))
        if cached is not None and cached[0] is answer:
            return cached[1]
        assert answer.message is not None
        message = dict(answer.message)
        if isinstance(endpoint, JsonRoute):
            rendered = delivery.render_document(message)
        elif answer.events is not None:
            rendered = Rendered(message, [dict(e) for e in answer.events], str(message.get("id", "")), endpoint.sse)
        else:
            rendered = delivery.render(endpoint, message, key=str(message.get("id", "")))
        self._rendered[id(answer)] = (answer, rendered)
        return rendered


AnswerSource = Callable[[], Awaitable[Rendered]]
"""Produces the responder's (synthesized) answer when no stub answer applies."""
MessageGate = Callable[[dict[str, Any]], dict[str, Any]]
"""Lets a stub's message go as it is (the same object) or gives the message to send instead (the
request's policy, :mod:`sequrity_contract.mockserver.policy`)."""


async def deliver_planned(plan: Plan, scripting: Scripting, delivery: Delivery, request: web.Request,
                          synthesize: AnswerSource, stub_request: StubRequest,
                          entry: JournalEntry, gate: MessageGate | None = None) -> web.StreamResponse | None:
    """Deliver a request that scripting took over; None when the ordinary pipeline should answer
    (no stub answer and no fault). Errors without a fault are raised as :class:`ApiError`. A stub's
    message of an endpoint passes ``gate`` when one is given."""
    entry.stub = plan.stub_id
    stub_answer = plan.selection.answer if plan.selection else None
    if stub_answer is None and plan.injection is None:
        return None
    endpoint, stream, session_id = stub_request.endpoint, stub_request.stream, stub_request.session_id
    answer: Rendered | ApiError
    if stub_answer is not None:
        answer = scripting.render(stub_answer, endpoint, delivery)
        if gate is not None and isinstance(endpoint, Endpoint) and stub_answer.message is not None:
            message = dict(stub_answer.message)
            gated = gate(message)
            if gated is not message:
                answer = delivery.render(endpoint, gated, key=str(gated.get("id", "")))
    else:
        try:
            answer = await synthesize()
        except ApiError as error:
            answer = error
    if plan.injection is not None:
        faulted = FaultedDelivery(delivery, plan.injection, entry, endpoint)
        return await faulted.send(request, answer, stream, session_id)
    if isinstance(answer, ApiError):
        raise answer.with_traceback(None)
    if stream:
        return await delivery.send_stream(request, answer, session_id, entry)
    return await delivery.send_json(answer, session_id, entry)
