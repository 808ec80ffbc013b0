"""``POST /control/v1/validate-headers`` (no key needed, as the service): per header value given,
whether it is valid, its normalized form (the defaults the published header models fill) and the
problems, each naming its JSON path; null for a header not given. The official client has no call
for this route, so plain HTTP drives it."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sequrity.control.types.headers import FeaturesHeader, FineGrainedConfigHeader, SecurityPolicyHeader

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas import one_line_json
from sequrity_contract.strategies.header import header_value

ROUTE = "/control/v1/validate-headers"
PUBLISHED = {"X-Features": FeaturesHeader, "X-Policy": SecurityPolicyHeader, "X-Config": FineGrainedConfigHeader}
FIELD = {"X-Features": "x_features", "X-Policy": "x_policy", "X-Config": "x_config"}


def validate(server: MockServer, body: Any) -> requests.Response:
    return requests.post(server.url + ROUTE, json=body, timeout=10)


def test_each_header_given_gets_a_verdict_and_the_others_null(server: MockServer) -> None:
    answer = validate(server, {"x_features": '{"agent_arch": "dual-llm"}'})
    assert answer.status_code == 200
    assert answer.json() == {"x_features": {"valid": True, "normalized": {"agent_arch": "dual-llm"}, "errors": []},
                             "x_policy": None, "x_config": None}
    assert server.requests[-1]["path"] == ROUTE and server.requests[-1]["status"] == 200


def test_normalization_fills_the_defaults(server: MockServer) -> None:
    code = 'tool "a" { must deny always; }'
    header = json.dumps({"presets": {}, "codes": {"code": code}})
    answer = validate(server, {"x_policy": header}).json()["x_policy"]
    assert answer["normalized"] == {
        "codes": {"code": code, "language": "sqrt"},
        "presets": {"default_allow": True, "default_allow_enforcement_level": "soft",
                    "enable_non_executable_memory": True, "enable_llm_blocked_tag": True,
                    "llm_blocked_tag_enforcement_level": "hard",
                    "branching_meta_policy": {"mode": "deny", "producers": [], "tags": [], "consumers": []}}}


@pytest.mark.parametrize(("body", "words"), [
    ({"x_policy": '{"mode": "nope"}'}, ["$.mode", '"standard"']),
    ({"x_features": '{"turbo": true}'}, ["$", "'turbo' was unexpected"]),
    ({"x_config": '{"fsm": {"max_n_turns": 0}}'}, ["$.fsm.max_n_turns"]),
    ({"x_config": "{not json"}, ["Invalid JSON"]),
    ({"x_policy": '{"codes": {"code": "tool \\"a\\" { must deny when ; }"}}'},
     ["$.codes.code", "line 1, column 27", "expected a predicate"]),
])
def test_an_invalid_value_is_not_valid_with_errors_naming_the_path(
        server: MockServer, body: dict[str, str], words: list[str]) -> None:
    verdicts = [v for v in validate(server, body).json().values() if v is not None]
    assert len(verdicts) == 1
    verdict = verdicts[0]
    assert verdict["valid"] is False and verdict["normalized"] is None
    for word in words:
        assert any(word in error for error in verdict["errors"]), verdict["errors"]


@pytest.mark.parametrize(("body", "words"), [
    ("{x", ["Invalid JSON"]),
    ({"x_features": 1}, ["$.x_features", "string or null"]),
    ({"x_feature": "{}"}, ["'x_feature' was unexpected"]),
    ([], ["object"]),
])
def test_a_bad_body_is_a_400_naming_the_problem(server: MockServer, body: Any, words: list[str]) -> None:
    answer = (requests.post(server.url + ROUTE, data=body, timeout=10) if isinstance(body, str)
              else validate(server, body))
    assert answer.status_code == 400
    for word in words:
        assert word in answer.json()["error"]["message"]


def test_the_route_needs_no_key_and_only_post(server: MockServer) -> None:
    assert validate(server, {}).json() == {"x_features": None, "x_policy": None, "x_config": None}
    wrong = requests.get(server.url + ROUTE, timeout=10)
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "POST"


def _sets_as_sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sets_as_sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sets_as_sorted(v) for v in value]
        return sorted(items, key=json.dumps) if all(isinstance(v, str) for v in items) else items
    return value


def _property(header: str) -> Any:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=header_value(header, as_json=False))
    def check(server: MockServer, value: dict[str, Any]) -> None:
        try:  # the documents know a little more than the published models (X-Config's "llm" section)
            model = PUBLISHED[header].model_validate(value)
        except ValidationError:
            assume(False)
        published = model.model_dump(mode="json", exclude_none=True)
        verdict = validate(server, {FIELD[header]: one_line_json(value)}).json()[FIELD[header]]
        assert verdict["valid"] is True
        assert _sets_as_sorted(verdict["normalized"]) == _sets_as_sorted(published)
    return check


test_x_features_normalizes_as_the_published_model_dumps = _property("X-Features")
test_x_policy_normalizes_as_the_published_model_dumps = _property("X-Policy")
test_x_config_normalizes_as_the_published_model_dumps = _property("X-Config")


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.fixed_dictionaries({}, optional={field: st.none() | st.text() | header_value(header, as_json=True)
                                                for header, field in FIELD.items()}))
def test_any_body_of_header_strings_gets_a_verdict_per_header(server: MockServer, body: dict[str, Any]) -> None:
    answer = validate(server, body)
    assert answer.status_code == 200
    assert schemas.validate("validate-headers-response", answer.json()) == []
    for field, verdict in answer.json().items():
        assert (verdict is None) == (body.get(field) is None)
        if verdict is not None:
            assert verdict["valid"] == (verdict["errors"] == []) == (verdict["normalized"] is not None)
