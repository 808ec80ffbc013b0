"""What the validating proxy checks, as :data:`~sequrity_contract.mockserver.modes.violation_report.Finding` lists.

- the request: its body (:func:`sequrity_contract.schemas.check` ``"request"``), ``Authorization`` (for a
  JSON route only when it asks for the key), the ``X-Features``/``X-Policy``/``X-Config`` headers
  against their documents (endpoints only), ``X-Session-ID``;
- the response: ``X-Session-ID`` on every 2xx of an endpoint (a JSON route has no session) and the
  content type, the body
  (``"response"`` with the request and session as context) or the error body (``"error"``
  with the status);
- a stream, event by event as it passes (:class:`StreamChecker`): the ``event:`` line, one-line
  JSON ``data``, each event against the event schema, the order with :class:`sequrity_contract.schemas.Accumulator`,
  and once complete the accumulated message like a plain response.

Only the first fault of a stream's order is reported (what follows it is no longer meaningful),
and the accumulated message is checked only when every event passed.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sequrity_contract import schemas
from sequrity_contract.schemas import MESSAGES, Endpoint, StreamErrorEvent, StreamProtocolError, Violation
from sequrity_contract.schemas.json_routes import ServedRoute
from sequrity_contract.schemas.sse import SSEEvent

from ..pipeline.auth import describe_authorization
from ..support.strict_json import InvalidJson, loads_strict
from .violation_report import Finding


def _parse(data: bytes | str) -> tuple[Any, str | None]:
    try:
        return loads_strict(data), None
    except InvalidJson as exc:
        return None, exc.got


def _preview(data: bytes | str) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    return text[:120]


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value.strip())
    except ValueError:
        return False
    return True


def check_request(raw: bytes, headers: Mapping[str, str],
                  endpoint: ServedRoute = MESSAGES) -> tuple[Any, list[Finding]]:
    """The parsed request body (None when it is not JSON) and the request's violations."""
    findings: list[Finding] = []
    body, error = _parse(raw)
    if error is not None:
        findings.append(("request body", Violation("body_is_json", "$", f"a JSON object ({error})",
                                                   _preview(raw))))
    else:
        findings += [("request body", v) for v in schemas.check(endpoint.request, body)]
    if isinstance(endpoint, Endpoint) or endpoint.auth:
        findings += _authorization(headers.get("Authorization"))
    if isinstance(endpoint, Endpoint):
        findings += _configuration_headers(headers)
    session = headers.get("X-Session-ID")
    if session is not None and not _is_uuid(session):
        findings.append(("request header X-Session-ID", Violation("session_id_is_uuid", "$", "a session UUID",
                                                                  session[:60])))
    return body, findings


def _authorization(authorization: str | None) -> list[Finding]:
    """A bearer key in ``Authorization`` (docs/contract.md §2)."""
    findings: list[Finding] = []
    scheme, _, key = (authorization or "").partition(" ")
    if authorization is None:
        findings.append(("request header Authorization",
                         Violation("bearer_authorization", "$", "'Bearer <sequrity api key>' (docs/contract.md §2)")))
    elif scheme.lower() != "bearer" or not key.strip():
        findings.append(("request header Authorization",
                         Violation("bearer_authorization", "$", "'Bearer <sequrity api key>' (docs/contract.md §2)",
                                   describe_authorization(authorization))))
    return findings


def _configuration_headers(headers: Mapping[str, str]) -> list[Finding]:
    """``X-Features``/``X-Policy``/``X-Config``, where given, against their documents."""
    findings: list[Finding] = []
    for name, document in schemas.HEADER_DOCUMENTS.items():
        value = headers.get(name)
        if value is None:
            continue
        parsed, error = _parse(value)
        if error is not None:
            findings.append((f"request header {name}",
                             Violation("header_is_json", "$", f"a one-line JSON object ({error})", value[:120])))
        else:
            findings += [(f"request header {name}", v) for v in schemas.check(document, parsed)]
    return findings


def check_response_headers(status: int, headers: Mapping[str, str], stream: bool, *,
                           sessions: bool = True) -> list[Finding]:
    """``X-Session-ID`` on a 2xx answer (of a route with ``sessions``), and the content type (SSE for
    streams, else JSON)."""
    findings: list[Finding] = []
    content_type = headers.get("Content-Type", "").split(";")[0].strip().lower()
    expected_type = "text/event-stream" if stream and 200 <= status < 300 else "application/json"
    if content_type != expected_type:
        findings.append(("response header Content-Type",
                         Violation("content_type", "$", expected_type, content_type or None)))
    if sessions and 200 <= status < 300:
        session = headers.get("X-Session-ID")
        if session is None:
            findings.append(("response header X-Session-ID",
                             Violation("session_header_on_2xx", "$", "an X-Session-ID header on every 2xx answer "
                                       "(docs/contract.md §2)")))
        elif not _is_uuid(session):
            findings.append(("response header X-Session-ID",
                             Violation("session_id_is_uuid", "$", "a session UUID", session[:60])))
    return findings


def check_response_body(status: int, raw: bytes, request: Any, session_id: str | None,
                        endpoint: ServedRoute = MESSAGES) -> list[Finding]:
    """The plain answer's body: the endpoint's response rules for 2xx, its error document for 4xx/5xx."""
    subject = "response body" if status < 400 else "error body"
    body, error = _parse(raw)
    if error is not None:
        return [(subject, Violation("body_is_json", "$", f"a JSON object ({error})", _preview(raw)))]
    if status >= 400:
        return [(subject, v) for v in schemas.check(endpoint.error, body, status=status)]
    context = request if isinstance(request, dict) and schemas.is_valid(endpoint.request, request) else None
    return [(subject, v) for v in schemas.check(endpoint.response, body, request=context, session_id=session_id)]


class StreamChecker:
    """Checks a stream event by event as the proxy relays it; collects the events for recording."""

    def __init__(self, dialect: str, request: Any, session_id: str | None, endpoint: Endpoint = MESSAGES) -> None:
        self.endpoint = endpoint
        dialect = dialect if dialect in endpoint.dialects else endpoint.dialects[0]
        self.accumulator = endpoint.codec.accumulator(dialect)
        self.dialect = dialect
        self.request = request if isinstance(request, dict) and schemas.is_valid(endpoint.request, request) else None
        self.terminated = False
        """Whether the terminator line of the endpoint's stream format (``data: [DONE]``) arrived."""
        self.session_id = session_id
        self.events: list[tuple[float, dict[str, Any]]] = []
        self.count = 0
        self.order_broken = False
        self.events_failed = False
        self.ended_by_error_event = False

    def event(self, sse: SSEEvent, at: float) -> list[Finding]:
        """Check the next parsed SSE event, received ``at`` seconds into the exchange."""
        sse_format = self.endpoint.sse
        if sse_format.done is not None and sse.data == sse_format.done:
            self.terminated = True
            return []
        index = self.count
        self.count += 1
        where = f"$.events[{index}]"
        if "\n" in sse.data:
            self.events_failed = True
            return [("stream", Violation("one_line_data", where, "one data: line per event (docs/contract.md §5)",
                                         sse.data[:120]))]
        event, error = _parse(sse.data)
        if error is not None or not isinstance(event, dict):
            self.events_failed = True
            return [("stream", Violation("event_data_is_json", where, "a JSON object as data",
                                         sse.data[:120]))]
        self.events.append((at, event))
        findings: list[Finding] = []
        if sse_format.named and sse.event != event.get("type"):
            findings.append(("stream", Violation("sse_event_line", where, f"an 'event: {event.get('type')}' line "
                                                 "naming the data's type", sse.event)))
        findings += [("stream", v.rebased(v.rule, where)) for v in schemas.validate(self.endpoint.event, event)]
        if findings:
            self.events_failed = True
            return findings
        if not (self.order_broken or self.events_failed or self.ended_by_error_event):
            try:
                self.accumulator.feed(event)
            except StreamProtocolError as exc:
                self.order_broken = True
                exc.index = index
                findings.append(("stream", exc.violation))
            except StreamErrorEvent:
                self.ended_by_error_event = True
        return findings

    def finish(self) -> list[Finding]:
        """At the end of the stream: was it complete, and does its message satisfy the contract?"""
        if self.order_broken or self.events_failed or self.ended_by_error_event:
            return []
        try:
            message = self.accumulator.message
        except StreamProtocolError as exc:
            exc.index = self.count
            return [("stream", exc.violation)]
        findings: list[Finding] = []
        if self.endpoint.sse.done is not None and not self.terminated:
            findings.append(("stream", Violation("stream_terminator", f"$.events[{self.count}]",
                                                 f"a last 'data: {self.endpoint.sse.done}' line")))
        return findings + [("stream message", v) for v in schemas.check(
            self.endpoint.response, message, request=self.request, session_id=self.session_id)]

    @property
    def clean(self) -> bool:
        """True when the stream was complete and nothing was wrong with it."""
        return (self.accumulator.done and not self.order_broken and not self.events_failed
                and not self.ended_by_error_event)
