"""Fuzz with schemathesis from the exported OpenAPI document against the running server (every
operation of the export: each registered endpoint -- messages, chat completions, responses -- with
and without a provider, each JSON route, the health check): no 5xx ever, every answer conforms
to the document and to the contract, data the contract refuses is refused (4xx with the error
body) and data it accepts is answered 200.

"Valid" here is the contract's validity (``schemas.check``: the JSON Schema plus the semantic
rules), which is stricter than the OpenAPI schemas alone; so schemathesis's own
``positive_data_acceptance`` check is replaced by :func:`answers_as_the_contract_says`.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from drivers import fuzz_examples
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas.openapi import openapi_document
from sequrity_contract.schemas.sse import parse_events

SCHEMA = schemathesis.openapi.from_dict(openapi_document())
#: The coverage phase enumerates every boundary case of the schema (about a minute): bench/fuzz.py runs it.
SCHEMA.config.phases.update(phases=["examples", "fuzzing"])
#: schemathesis stops reading an event stream after 20 events by default, and a streamed answer has
#: more (thinking, long text): read every event, so that the stream can be accumulated and checked.
SCHEMA.config.max_stream_events = 1_000_000
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]
AUTH = {"Authorization": "Bearer fuzz-key"}


def endpoint_of(case: Any) -> schemas.Endpoint:
    """The endpoint whose route ``case`` calls."""
    return next(e for e in schemas.ENDPOINTS.values() if case.operation.path.endswith(e.path))


def contract_verdict(case: Any) -> list[str]:
    """Why the contract refuses the request of ``case`` (empty: it must be answered 200)."""
    problems: list[str] = []
    if case.method.upper() != case.operation.method.upper():
        problems.append(f"method {case.method}: the route takes {case.operation.method.upper()}")
    if case.operation.path.endswith("/health"):
        return problems
    route = json_route(case)
    if route is not None:
        provider = (case.path_parameters or {}).get("provider")
        if "{provider}" in case.operation.path and provider not in route.providers:
            problems.append(f"provider={provider!r}")
        return problems + [str(v) for v in schemas.validate(route.request, case.body)]
    parameters = case.path_parameters or {}
    endpoint = endpoint_of(case)
    if parameters.get("endpoint_type") not in endpoint.endpoint_types:
        problems.append(f"endpoint_type={parameters.get('endpoint_type')!r}")
    if "provider" in case.operation.path and parameters.get("provider") not in endpoint.providers:
        problems.append(f"provider={parameters.get('provider')!r}")
    if not isinstance(case.body, dict):
        problems.append("body is not an object")
    else:
        problems += [str(v) for v in schemas.check(endpoint.request, case.body)]
    headers = {k.lower(): v for k, v in (case.headers or {}).items()}
    for name, document in schemas.HEADER_DOCUMENTS.items():
        value = headers.get(name.lower())
        if value is not None:
            problems += [f"{name}: {v}" for v in _header_violations(document, value)]
    return problems


def json_route(case: Any) -> schemas.JsonRoute | None:
    """The JSON route (validate-headers, policy generation) ``case`` asks, if it asks one."""
    return next((r for r in schemas.JSON_ROUTES.values()
                 if case.operation.path in (r.path, r.path.replace("/{provider}", ""))), None)


def _header_violations(document: str, value: Any) -> list[str]:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return ["not JSON"]
    return [str(v) for v in schemas.check(document, parsed)]


def answers_as_the_contract_says(case: Any, response: Any) -> None:
    """200 with a conforming message or stream exactly when the contract accepts the request;
    otherwise a 4xx with the contract's error body."""
    problems = contract_verdict(case)
    sent_key = response.request.headers.get("Authorization") or ""  # what went out, after schemathesis's auth cases
    scheme, _, key = sent_key.partition(" ")
    route = json_route(case)
    if (route is None or route.auth) and (scheme.lower() != "bearer" or not key.strip()):
        problems.append(f"Authorization: {'missing' if not sent_key else 'not a bearer key'}")
    status = response.status_code
    if problems or status != 200:
        assert 400 <= status < 500 and problems, f"status {status} for {problems or 'a valid request'}: " \
                                                 f"{response.text[:300]}"
        assert schemas.check("error", response.json(), status=status) == []
        return
    if case.operation.path.endswith("/health"):
        return
    if route is not None:
        assert schemas.validate(route.response, response.json()) == []
        return
    session_id = response.headers["x-session-id"][0]  # schemathesis: lowercased names, lists of values
    streamed = case.body.get("stream") is True
    endpoint = endpoint_of(case)
    if streamed:
        accumulator = endpoint.codec.accumulator(endpoint.dialects[0])
        for event in parse_events(response.content):
            accumulator.feed(event)
        message = accumulator.message
    else:
        message = response.json()
    assert schemas.check(endpoint.response, message, request=case.body, session_id=session_id) == []


@SCHEMA.parametrize()
@settings(max_examples=fuzz_examples(20), deadline=None, suppress_health_check=list(HealthCheck))
def test_every_generated_request_is_answered_as_the_contract_says(case: Any, fuzz_server: MockServer) -> None:
    fuzz_server.clear()  # each case stands alone: a session another case named has no turns used
    response = case.call(base_url=fuzz_server.url, headers=AUTH)
    case.validate_response(response, checks=CHECKS, headers=AUTH)
    answers_as_the_contract_says(case, response)


def test_the_fuzzed_operations_are_every_operation_of_the_export() -> None:
    operations = {(result.ok().method.upper(), result.ok().path) for result in SCHEMA.get_all_operations()}
    for endpoint in schemas.ENDPOINTS.values():
        assert ("POST", f"/control/{{endpoint_type}}{endpoint.path}") in operations
        assert ("POST", f"/control/{{endpoint_type}}/{{provider}}{endpoint.path}") in operations
    assert ("POST", "/control/{endpoint_type}/v1/responses") in operations
