"""Stubs: scripted answers for the requests they match.

One JSON model serves the admin API, the :class:`~sequrity_contract.mockserver.handle.MockServer` handle and
``--stubs FILE``::

    {"id": "weather",                       # optional; assigned when absent
     "endpoint": "messages",                # optional; the endpoint or JSON route it answers (default messages)
     "priority": 0,                         # optional; higher wins before specificity
     "match": {"endpoint_type": "chat", "provider": "anthropic", "path": "/control/...",
               "model": "m", "stream": true, "session": "<uuid>",
               "headers": {"X-Features": "..."},
               "body": {"tools": [{"name": "get_weather"}]},          # a subset of the body
               "where": [{"path": "$.messages[-1].content", "contains": "Oslo"}]},
     "message": {...} | "events": [...] | "error": {"status": 429, ...} | "sequence": [answer, ...],
     "scope": "global",                     # optional, with sequence: its position is global or per session
     "fault": {...}}                        # optional, see mockserver.faults

A stub of a JSON route (``"endpoint": "policy-gen"``, ``"validate-headers"``: see
:data:`~sequrity_contract.schemas.JSON_ROUTES`) matches on ``path``, ``provider``, ``model``, ``headers``,
``body`` and ``where`` (the route has no endpoint type, stream or session) and answers ``message`` (the
route's response document, checked against it), ``error`` or a ``sequence`` of them.

:func:`parse_stub` checks a definition and raises :class:`StubError` naming the JSON path;
:meth:`Stub.difference` lists how a request differs from the stub's match (empty: it matches),
which both selects stubs and explains near-misses. A ``matches`` regex that could backtrack
for long (a quantifier inside a repeated group, several ``*``/``+``...) is refused, and it is
searched in the first 1024 characters of the value only (:mod:`sequrity_contract.mockserver.support.regex_guard`).
Depth, size, sequence steps, predicates and regexes are bounded by :mod:`sequrity_contract.mockserver.scripting.limits`.
Near-miss explanations never show the values of credential headers (:func:`redact_match`, :class:`Difference`).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sequrity_contract import schemas
from sequrity_contract.schemas import MESSAGES, Endpoint, UnknownEndpointError
from sequrity_contract.schemas.json_routes import JsonRoute, ServedRoute, get_served_route
from sequrity_contract.schemas.violations import short_repr

from ..errors import ApiError, MockServerError
from ..pipeline.journal import CREDENTIAL_HEADERS, REDACTED
from ..pipeline.responder import SESSION_TOKEN
from ..support.jsonpath import MISSING, PathError, Step, parse_path, select
from ..support.regex_guard import regex_risk, search_bounded
from ..support.strict_json import InvalidJson, loads_strict
from .faults import DEFAULT_COUNTER_SCOPE, Fault, FaultError, counter_scope, parse_fault
from .limits import (
    MAX_MATCH_VALUES,
    MAX_PREDICATES,
    MAX_REGEX_CHARS,
    MAX_REGEX_PREDICATES,
    MAX_SEQUENCE_STEPS,
    check_json_shape,
)

#: Placeholder for the session id inside a stub message (tool_use ids): ``tc-{session}-...``.
SESSION_PLACEHOLDER = "{session}"
_VALIDATION_SESSION = "00000000-0000-4000-8000-000000000000"
ANSWER_KINDS = ("message", "events", "error", "sequence")
MATCH_FIELDS = ("path", "endpoint_type", "provider", "model", "stream", "session", "headers", "body", "where")
LLM_ONLY_MATCH_FIELDS = ("endpoint_type", "stream", "session")
"""Match fields a JSON route has no value for (no endpoint type in its path, no stream, no session)."""
PREDICATES = ("equals", "contains", "matches", "exists")
STUB_FIELDS = ("id", "endpoint", "priority", "match", *ANSWER_KINDS, "scope", "fault")
DEFAULT_ENDPOINT = MESSAGES.name
"""The endpoint a stub answers when its definition names none."""


class StubError(MockServerError, ValueError):
    """A stub definition that is not valid; the message names the JSON path and the expectation."""


def _fail(path: str, expected: str, value: Any = MISSING) -> StubError:
    got = "" if value is MISSING else f", got {short_repr(value)}"
    return StubError(f"stub: {path}: expected {expected}{got}")


@dataclass(frozen=True)
class StubRequest:
    """What a stub can match on: the route, the valid body, the headers and the resolved session."""

    path: str
    endpoint_type: str | None
    provider: str | None
    body: Mapping[str, Any]
    headers: Mapping[str, str]
    session_id: str
    stream: bool
    endpoint: ServedRoute = MESSAGES
    """The endpoint or JSON route asked (a JSON route has no endpoint type and no session: None and "")."""


@dataclass(frozen=True)
class Difference:
    """One way a request misses a stub: the match ``field``, what it ``expected``, what it ``got``."""

    field: str
    expected: Any
    actual: Any

    @property
    def is_credential(self) -> bool:
        """True for a difference in a credential header (``Authorization``, ``X-Api-Key``...), whose
        values are never shown."""
        prefix = "match.headers."
        return self.field.startswith(prefix) and self.field[len(prefix):].lower() in CREDENTIAL_HEADERS

    def __str__(self) -> str:
        if self.is_credential:
            actual = "<missing>" if self.actual is MISSING else f"a different value {REDACTED}"
            return f"{self.field}: expected the stub's value {REDACTED}, got {actual}"
        actual = "<missing>" if self.actual is MISSING else short_repr(self.actual)
        return f"{self.field}: expected {short_repr(self.expected)}, got {actual}"


@dataclass(frozen=True)
class Predicate:
    """``{"path": "$...", <op>: value}``: one JSON-path test on the body."""

    path: str
    steps: tuple[Step, ...]
    op: str
    value: Any

    def test(self, body: Any) -> tuple[bool, Any]:
        """Whether ``body`` passes, and the value found at the path."""
        found = select(self.steps, body)
        if self.op == "exists":
            return (found is not MISSING) == self.value, found
        if found is MISSING:
            return False, found
        if self.op == "equals":
            return found == self.value, found
        if self.op == "matches":
            return isinstance(found, str) and search_bounded(self.value, found), found
        return _contains(found, self.value), found


def _contains(found: Any, wanted: Any) -> bool:
    if isinstance(found, str):
        return isinstance(wanted, str) and wanted in found
    if isinstance(found, list):
        return any(is_subset(wanted, item) for item in found)
    return is_subset(wanted, found)


def is_subset(pattern: Any, value: Any) -> bool:
    """True when ``value`` has everything ``pattern`` has: dict keys recursively, lists element by
    element (same length), other values equal."""
    if isinstance(pattern, dict):
        return isinstance(value, dict) and all(k in value and is_subset(v, value[k]) for k, v in pattern.items())
    if isinstance(pattern, list):
        return (isinstance(value, list) and len(pattern) == len(value)
                and all(is_subset(p, v) for p, v in zip(pattern, value, strict=True)))
    return (pattern == value and type(pattern) is type(value)) or (
        isinstance(pattern, int | float) and not isinstance(pattern, bool)
        and isinstance(value, int | float) and not isinstance(value, bool) and pattern == value)


def _leaves(pattern: Any) -> int:
    if isinstance(pattern, dict):
        return sum(_leaves(v) for v in pattern.values()) or 1
    if isinstance(pattern, list):
        return sum(_leaves(v) for v in pattern) or 1
    return 1


@dataclass(frozen=True)
class Match:
    """The request constraints of a stub (every given field must hold)."""

    fields: Mapping[str, Any]
    predicates: tuple[Predicate, ...] = ()
    endpoint: str = DEFAULT_ENDPOINT

    @property
    def specificity(self) -> int:
        """How much the match pins down: one per field, header and predicate, one per body leaf."""
        score = 0
        for name, value in self.fields.items():
            score += len(value) if name == "headers" else _leaves(value) if name == "body" else 1
        return score + len(self.predicates)

    def difference(self, request: StubRequest) -> list[Difference]:
        """How ``request`` misses this match (empty when it matches)."""
        out: list[Difference] = []
        if request.endpoint.name != self.endpoint:
            out.append(Difference("endpoint", self.endpoint, request.endpoint.name))
        want = self.fields
        for name, actual in (("path", request.path), ("endpoint_type", request.endpoint_type),
                             ("provider", request.provider), ("stream", request.stream),
                             ("session", request.session_id), ("model", request.body.get("model", MISSING))):
            if name in want and not _one_of(want[name], actual):
                out.append(Difference(f"match.{name}", want[name], actual))
        for name, value in want.get("headers", {}).items():
            actual = request.headers.get(name, MISSING)
            if actual != value:
                out.append(Difference(f"match.headers.{name}", value, actual))
        if "body" in want and not is_subset(want["body"], request.body):
            out.extend(_body_differences(want["body"], request.body, "match.body"))
        for index, predicate in enumerate(self.predicates):
            ok, found = predicate.test(request.body)
            if not ok:
                out.append(Difference(f"match.where[{index}] {predicate.path} {predicate.op}", predicate.value,
                                      found))
        return out


def _one_of(expected: Any, actual: Any) -> bool:
    return actual in expected if isinstance(expected, list) else actual == expected


def _body_differences(pattern: Any, value: Any, where: str) -> list[Difference]:
    if isinstance(pattern, dict) and isinstance(value, dict):
        return [d for k, v in pattern.items()
                for d in (_body_differences(v, value[k], f"{where}.{k}") if k in value
                          else [Difference(f"{where}.{k}", v, MISSING)])]
    if isinstance(pattern, list) and isinstance(value, list) and len(pattern) == len(value):
        return [d for i, (p, v) in enumerate(zip(pattern, value, strict=True))
                for d in _body_differences(p, v, f"{where}[{i}]")]
    return [] if is_subset(pattern, value) else [Difference(where, pattern, value)]


@dataclass(frozen=True)
class Answer:
    """One scripted answer: a message (JSON or streamed), explicit events, or an error."""

    kind: str
    message: Mapping[str, Any] | None = None
    events: tuple[Mapping[str, Any], ...] | None = None
    error: ApiError | None = None

    def reply(self) -> dict[str, Any] | ApiError:
        """The message (session placeholders as :data:`SESSION_TOKEN`) or the error."""
        if self.error is not None:
            return self.error
        assert self.message is not None
        return copy.deepcopy(dict(self.message))


@dataclass(frozen=True)
class Stub:
    """A validated stub: its id, priority, match, answers (one, or a sequence) and fault. ``scope``
    says whose position a sequence keeps: one for every request (``global``) or each session's."""

    id: str
    priority: int
    match: Match
    answers: tuple[Answer, ...]
    fault: Fault | None
    definition: Mapping[str, Any]
    is_sequence: bool = False
    scope: str = DEFAULT_COUNTER_SCOPE

    @property
    def endpoint(self) -> ServedRoute:
        """The endpoint or JSON route the stub answers."""
        return get_served_route(self.match.endpoint)

    def as_dict(self) -> dict[str, Any]:
        """The definition as given, with its id (the form ``GET /__admin/stubs`` lists)."""
        return {"id": self.id, **{k: v for k, v in self.definition.items() if k != "id"}}

    def describe(self) -> str:
        """A one-line summary for error messages: id and match (credential header values redacted)."""
        return f"{self.id!r} match={short_repr(redact_match(self.definition.get('match', {})))}"


def redact_match(match: Any) -> Any:
    """A stub's ``match`` with the values of credential headers (``Authorization``, ``X-Api-Key``...)
    replaced by ``<redacted>``, for messages and logs."""
    if not isinstance(match, Mapping) or not isinstance(match.get("headers"), Mapping):
        return match
    headers = {k: REDACTED if str(k).lower() in CREDENTIAL_HEADERS else v for k, v in match["headers"].items()}
    return {**match, "headers": headers}


def parse_stub(definition: Any, default_id: str | None = None) -> Stub:
    """``definition`` checked as a stub (see the module docstring); :class:`StubError` names the path."""
    if not isinstance(definition, Mapping):
        raise _fail("$", "a JSON object with match and one of message, events, error, sequence", definition)
    too_deep = check_json_shape(definition, "$")
    if too_deep is not None:
        raise StubError(f"stub: {too_deep}")
    unknown = [k for k in definition if k not in STUB_FIELDS]
    if unknown:
        raise _fail(f"$.{unknown[0]}", f"no such field; a stub has {', '.join(STUB_FIELDS)}")
    stub_id = definition.get("id", default_id or f"stub-{uuid.uuid4().hex[:12]}")
    if not isinstance(stub_id, str) or not stub_id or "/" in stub_id:
        raise _fail("$.id", "a non-empty string without '/'", stub_id)
    priority = definition.get("priority", 0)
    if not isinstance(priority, int) or isinstance(priority, bool):
        raise _fail("$.priority", "an integer (higher wins)", priority)
    endpoint_name = definition.get("endpoint", DEFAULT_ENDPOINT)
    try:
        endpoint = get_served_route(endpoint_name)
    except UnknownEndpointError as exc:
        raise _fail("$.endpoint", str(exc).split(": expected ", 1)[-1], endpoint_name) from None
    match = dataclasses.replace(_parse_match(definition.get("match", {})), endpoint=endpoint.name)
    if isinstance(endpoint, JsonRoute):
        _check_json_route_stub(definition, endpoint)
    kinds = [k for k in ANSWER_KINDS if k in definition]
    if len(kinds) > 1:
        raise _fail(f"$.{kinds[1]}", f"only one of {', '.join(ANSWER_KINDS)} (this stub also has {kinds[0]})")
    answers: tuple[Answer, ...] = ()
    if kinds == ["sequence"]:
        steps = definition["sequence"]
        if not isinstance(steps, list) or not steps:
            raise _fail("$.sequence", "a non-empty list of answers like {\"message\": {...}}", steps)
        if len(steps) > MAX_SEQUENCE_STEPS:
            raise _fail("$.sequence", f"at most {MAX_SEQUENCE_STEPS} steps (MAX_SEQUENCE_STEPS), got {len(steps)}")
        answers = tuple(_parse_step(step, f"$.sequence[{i}]", stub_id, endpoint) for i, step in enumerate(steps))
    elif kinds:
        answers = (_parse_answer(kinds[0], definition[kinds[0]], f"$.{kinds[0]}", stub_id, endpoint),)
    scope = definition.get("scope", DEFAULT_COUNTER_SCOPE)
    if counter_scope(scope) is not None:
        raise _fail("$.scope", f"{counter_scope(scope)} (whose position the sequence keeps)", scope)
    if "scope" in definition and kinds != ["sequence"]:
        raise _fail("$.scope", "a sequence alongside it: scope says whose position a sequence keeps "
                    "(a fault's times and probability count by $.fault.scope)")
    fault = None
    if "fault" in definition:
        try:
            fault = parse_fault(definition["fault"], "stub", "$.fault")
        except FaultError as exc:
            raise StubError(str(exc)) from None
    if not answers and fault is None:
        raise _fail("$", f"one of {', '.join(ANSWER_KINDS)} (or a fault)")
    return Stub(stub_id, priority, match, answers, fault, dict(definition), kinds == ["sequence"], scope)


def _check_json_route_stub(definition: Mapping[str, Any], route: JsonRoute) -> None:
    """Refuse what a stub of a JSON route cannot use: match fields it has no value for, and events."""
    match = definition.get("match")
    for name in LLM_ONLY_MATCH_FIELDS:
        if isinstance(match, Mapping) and name in match:
            raise _fail(f"$.match.{name}", f"no {name} for the JSON route {route.name!r} (it has no endpoint type, "
                        "stream or session); match it by path, provider, model, headers, body or where")
    steps = definition.get("sequence")
    events = ["$.events"] if "events" in definition else [
        f"$.sequence[{i}].events" for i, step in enumerate(steps if isinstance(steps, list) else [])
        if isinstance(step, Mapping) and "events" in step]
    if events:
        raise _fail(events[0], f"message or error: the JSON route {route.name!r} answers one JSON document, "
                    "never a stream")


def _parse_match(value: Any) -> Match:
    if not isinstance(value, Mapping):
        raise _fail("$.match", "a JSON object of request constraints", value)
    too_large = check_json_shape(value, "$.match", max_values=("MAX_MATCH_VALUES", MAX_MATCH_VALUES))
    if too_large is not None:
        raise StubError(f"stub: {too_large}")
    for name in value:
        if name not in MATCH_FIELDS:
            raise _fail(f"$.match.{name}", f"no such match field; expected one of {', '.join(MATCH_FIELDS)}")
    fields = dict(value)
    for name in ("path", "model"):
        if name in fields and not isinstance(fields[name], str):
            raise _fail(f"$.match.{name}", "a string", fields[name])
    for name in ("endpoint_type", "provider"):
        if name in fields:
            options = fields[name] if isinstance(fields[name], list) else [fields[name]]
            if not options or not all(isinstance(o, str) or (o is None and name == "provider") for o in options):
                hint = " (null: the route without provider)" if name == "provider" else ""
                raise _fail(f"$.match.{name}", f"a string or a list of strings{hint}", fields[name])
    if "stream" in fields and not isinstance(fields["stream"], bool):
        raise _fail("$.match.stream", "true or false", fields["stream"])
    if "session" in fields:
        try:
            fields["session"] = str(uuid.UUID(str(fields["session"])))
        except ValueError:
            raise _fail("$.match.session", "a session UUID", fields["session"]) from None
    headers = fields.get("headers", {})
    if not isinstance(headers, Mapping) or not all(isinstance(v, str) for v in headers.values()):
        raise _fail("$.match.headers", "an object of header names to exact string values", headers)
    if "body" in fields and not isinstance(fields["body"], Mapping):
        raise _fail("$.match.body", "a JSON object: a subset of the request body", fields["body"])
    where = fields.pop("where", [])
    if not isinstance(where, list):
        raise _fail("$.match.where", 'a list of predicates like {"path": "$.model", "equals": "m"}', where)
    if len(where) > MAX_PREDICATES:
        raise _fail("$.match.where", f"at most {MAX_PREDICATES} predicates (MAX_PREDICATES), got {len(where)}")
    regexes = [i for i, p in enumerate(where) if isinstance(p, Mapping) and "matches" in p]
    if len(regexes) > MAX_REGEX_PREDICATES:
        raise _fail(f"$.match.where[{regexes[MAX_REGEX_PREDICATES]}].matches",
                    f"at most {MAX_REGEX_PREDICATES} matches predicates per stub (MAX_REGEX_PREDICATES), "
                    f"got {len(regexes)}")
    return Match(fields, tuple(_parse_predicate(p, f"$.match.where[{i}]") for i, p in enumerate(where)))


def _parse_predicate(value: Any, at: str) -> Predicate:
    if not isinstance(value, Mapping) or "path" not in value:
        raise _fail(at, f'an object like {{"path": "$.model", "equals": "m"}} with one of {", ".join(PREDICATES)}',
                    value)
    ops = [k for k in value if k != "path"]
    if len(ops) != 1 or ops[0] not in PREDICATES:
        raise _fail(at, f"exactly one test besides path, one of {', '.join(PREDICATES)}", value)
    op, operand = ops[0], value[ops[0]]
    try:
        steps = parse_path(value["path"], require_root=True)
    except PathError as exc:
        raise _fail(f"{at}.path", str(exc).split(": expected ", 1)[-1], value["path"]) from None
    if None in steps:
        raise _fail(f"{at}.path", "a path without the wildcard [*] (a predicate tests one value)", value["path"])
    if op == "exists" and not isinstance(operand, bool):
        raise _fail(f"{at}.exists", "true or false", operand)
    if op == "matches":
        if not isinstance(operand, str):
            raise _fail(f"{at}.matches", "a regular expression (a string)", operand)
        if len(operand) > MAX_REGEX_CHARS:
            raise _fail(f"{at}.matches", f"a regular expression of at most {MAX_REGEX_CHARS} characters "
                        f"(MAX_REGEX_CHARS), got {len(operand)}")
        try:
            re.compile(operand)
            risk = regex_risk(operand)
        except (re.error, RecursionError, OverflowError, ValueError) as exc:
            reason = str(exc) if isinstance(exc, re.error) else "nested too deeply"
            raise _fail(f"{at}.matches", f"a regular expression ({reason})", operand) from None
        if risk is not None:
            raise _fail(f"{at}.matches", f"a regular expression that cannot backtrack for long (found {risk}; "
                        "see mockserver.regex_guard for what is allowed)", operand)
    return Predicate(value["path"], steps, op, operand)


def _parse_step(step: Any, at: str, stub_id: str, endpoint: ServedRoute) -> Answer:
    kinds = [k for k in ANSWER_KINDS[:3] if isinstance(step, Mapping) and k in step]
    if not isinstance(step, Mapping) or len(kinds) != 1 or len(step) != 1:
        raise _fail(at, 'one answer: {"message": {...}}, {"events": [...]} or {"error": {...}}', step)
    return _parse_answer(kinds[0], step[kinds[0]], f"{at}.{kinds[0]}", f"{stub_id}:{at}", endpoint)


def _parse_answer(kind: str, value: Any, at: str, stub_id: str, endpoint: ServedRoute) -> Answer:
    if kind == "message":
        if isinstance(endpoint, JsonRoute):
            return Answer("message", message=_parse_document(value, at, endpoint))
        return Answer("message", message=_parse_message(value, at, stub_id, endpoint))
    if kind == "events":
        assert isinstance(endpoint, Endpoint)  # a JSON route's stub has none (_check_json_route_stub)
        return _parse_events(value, at, endpoint)
    return Answer("error", error=_parse_error(value, at, stub_id))


def _parse_message(value: Any, at: str, stub_id: str, endpoint: Endpoint) -> dict[str, Any]:
    """The message with defaults filled in (by the endpoint), checked against its response document."""
    if not isinstance(value, Mapping):
        raise _fail(at, f"a response message object of {endpoint.name} (docs/contract.md §4)", value)
    message = endpoint.complete_message(dict(value), stub_id, SESSION_PLACEHOLDER)
    probe = json.loads(json.dumps(message).replace(SESSION_PLACEHOLDER, _VALIDATION_SESSION))
    violations = schemas.check(endpoint.response, probe)
    if violations:
        raise StubError(f"stub: {violations[0].rebased(violations[0].rule, at).message}")
    completed: dict[str, Any] = json.loads(json.dumps(message).replace(SESSION_PLACEHOLDER, SESSION_TOKEN))
    return completed


def _parse_document(value: Any, at: str, route: JsonRoute) -> dict[str, Any]:
    """The answer document of a JSON route's stub, as given, checked against the route's response document."""
    if not isinstance(value, Mapping):
        raise _fail(at, f"a JSON object: the answer of the JSON route {route.name!r} ({route.response})", value)
    violations = schemas.check(route.response, dict(value))
    if violations:
        raise StubError(f"stub: {violations[0].rebased(violations[0].rule, at).message}")
    return copy.deepcopy(dict(value))


def _accumulate(events: list[Any], at: str, endpoint: Endpoint) -> dict[str, Any]:
    """The message ``events`` carry in the first of the endpoint's dialects that reads them all
    (else the error of the dialect that read furthest)."""
    failures: list[schemas.StreamProtocolError] = []
    for dialect in endpoint.dialects:
        accumulator = endpoint.codec.accumulator(dialect)
        try:
            for event in events:
                accumulator.feed(event)
            return accumulator.message
        except schemas.StreamProtocolError as exc:
            failures.append(exc)
        except schemas.StreamErrorEvent as exc:
            raise _fail(at, f"events without an error event (use the fault error_event instead): {exc}") from None
    furthest = max(failures, key=lambda exc: exc.index)
    if furthest.index >= len(events):
        raise _fail(at, f"a complete stream ({furthest.expected})")
    raise _fail(f"{at}[{furthest.index}]", furthest.expected, furthest.event)


def _parse_events(value: Any, at: str, endpoint: Endpoint) -> Answer:
    if not isinstance(value, list) or not value:
        raise _fail(at, f"a non-empty list of {endpoint.name} stream events", value)
    for index, event in enumerate(value):
        violations = schemas.validate(endpoint.event, event)
        if violations:
            raise StubError(f"stub: {violations[0].rebased(violations[0].rule, f'{at}[{index}]').message}")
    message = _accumulate(value, at, endpoint)
    violations = schemas.check(endpoint.response, message)
    if violations:
        raise StubError(f"stub: {at} accumulate to a message where {violations[0].message}")

    def token(value: Any) -> Any:
        return json.loads(json.dumps(value).replace(SESSION_PLACEHOLDER, SESSION_TOKEN))

    return Answer("events", message=token(message), events=tuple(token(list(value))))


def _parse_error(value: Any, at: str, stub_id: str) -> ApiError:
    if not isinstance(value, Mapping):
        raise _fail(at, 'an object like {"status": 429, "message": "slow down", "retry_after": 1}', value)
    unknown = [k for k in value if k not in ("status", "message", "retry_after")]
    if unknown:
        raise _fail(f"{at}.{unknown[0]}", "no such field; an error has status, message, retry_after")
    status = value.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
        raise _fail(f"{at}.status", "an HTTP error status from 400 to 599", status if "status" in value else MISSING)
    message = value.get("message", f"stub {stub_id} answers {status}")
    if not isinstance(message, str) or not message:
        raise _fail(f"{at}.message", "a non-empty string", message)
    headers: dict[str, str] = {}
    if "retry_after" in value:
        seconds = value["retry_after"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 <= seconds <= 3600:
            raise _fail(f"{at}.retry_after", "a number of seconds from 0 to 3600", seconds)
        headers = retry_after_headers(seconds)
    return ApiError(status, message, headers)


def retry_after_headers(seconds: float) -> dict[str, str]:
    """The headers that ask a client to wait ``seconds`` (0 or more) before retrying:
    ``retry-after`` in whole seconds, rounded up as RFC 9110 allows only integers (so a client
    reading it never retries early), and ``retry-after-ms``, the wait in milliseconds (rounded
    up to a whole one), which the anthropic SDK reads first. 0.5 gives ``1`` and ``500``."""
    if not isinstance(seconds, int | float) or isinstance(seconds, bool) or not 0 <= seconds < math.inf:
        raise ValueError(f"retry_after: expected a finite number of seconds, 0 or more, got {seconds!r}")
    exact = Decimal(repr(seconds))  # the decimal as written, so 1.1 s is 1100 ms and not 1101
    return {"retry-after": str(math.ceil(exact)), "retry-after-ms": str(math.ceil(exact * 1000))}


def load_stub_file(path: str) -> tuple[dict[str, Any], ...]:
    """The stub definitions in the JSON (or, with PyYAML installed, YAML) file ``path``: a list of
    stubs, one stub, or ``{"stubs": [...]}``. Each is checked; errors name the file and the stub."""
    try:
        with open(path, encoding="utf-8") as source:
            text = source.read()
    except OSError as exc:
        raise StubError(f"stubs file {path}: cannot read it: {exc.strerror or exc}") from None
    if path.endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError:
            raise StubError(f"stubs file {path}: YAML needs PyYAML: pip install 'sequrity-contract[yaml]'; "
                            "or write the stubs as JSON") from None
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise StubError(f"stubs file {path}: expected valid YAML: {exc}") from None
        except RecursionError:
            raise StubError(f"stubs file {path}: expected YAML nested less deeply") from None
    else:
        try:
            document = loads_strict(text)
        except InvalidJson as exc:
            raise StubError(f"stubs file {path}: {exc}") from None
    if isinstance(document, Mapping) and set(document) == {"stubs"}:
        document = document["stubs"]
    definitions = document if isinstance(document, list) else [document]
    for index, definition in enumerate(definitions):
        try:
            parse_stub(definition, default_id=f"stub-{index}")
        except StubError as exc:
            raise StubError(f"stubs file {path}: [{index}]: {exc}") from None
    return tuple(definitions)
