"""Stubs, faults, proxy, record and replay on the JSON routes (``validate-headers``, ``policy-gen``):
the same machinery as the LLM endpoints, through the JSON-route seam. Real servers throughout (a
second ``sequrity-mock serve`` process as the upstream), the official client's
``control.policy.generate`` where it calls the route, plain HTTP for header validation (the
client has no call for it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests
from aiohttp import web
from sequrity import SequrityClient
from sequrity._exceptions import SequrityAPIError, SequrityConnectionError
from upstream_helpers import serve_app, upstream_process
from urllib3.exceptions import ReadTimeoutError

from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.modes.cassette import Cassette
from sequrity_contract.mockserver.scripting.stubs import StubError

KEY = "sk-seq-SECRET-json-routes"
VALIDATE = "/control/v1/validate-headers"
GENERATE = "/control/policy-gen/anthropic/v1/generate"
TOOLS = [{"name": "get_weather", "input_schema": {"type": "object"}}]
POLICY_REQUEST = {"type": "anthropic_messages", "model": "m", "description": "no email", "tools": TOOLS}
FIXED = {"policies": 'tool "get_weather" {\n}\n', "usage": {"prompt_tokens": 1, "completion_tokens": 2,
                                                           "total_tokens": 3}}


def generate(url: str, request: dict[str, Any] = POLICY_REQUEST) -> Any:
    return SequrityClient(api_key=KEY, base_url=url).control.policy.generate(request)


def validate(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(url + VALIDATE, json=body, headers=headers or {}, timeout=10)


# -- stubs -----------------------------------------------------------------------------------------


def test_a_stub_answers_policy_gen_by_name_and_body_path(server: MockServer) -> None:
    server.stub(id="fixed-policy", endpoint="policy-gen", message=FIXED,
                match={"where": [{"path": "$.tools[0].name", "equals": "get_weather"}]})
    answer = generate(server.url)
    assert answer.policies == FIXED["policies"] and answer.usage == FIXED["usage"]
    other = generate(server.url, {**POLICY_REQUEST, "tools": [{"name": "send_email", "input_schema": {}}]})
    assert other.policies != FIXED["policies"]  # the stub does not match: synthesized
    entries = server.requests
    assert [e["stub"] for e in entries] == ["fixed-policy", None]
    assert entries[0]["endpoint"] == "policy-gen" and entries[0]["status"] == 200
    assert server.stubs[0]["calls"] == 1


def test_a_stub_answers_validate_headers_with_a_status_through_the_admin_api(server: MockServer) -> None:
    stub = {"id": "down", "endpoint": "validate-headers", "error": {"status": 503, "message": "maintenance"},
            "match": {"body": {"x_features": '{"agent_arch": "dual-llm"}'}}}
    created = requests.post(server.url + "/__admin/stubs", json=stub, timeout=10)
    assert created.status_code in (200, 201), created.text
    refused = validate(server.url, {"x_features": '{"agent_arch": "dual-llm"}'})
    assert refused.status_code == 503 and refused.json()["error"]["message"] == "maintenance"
    assert validate(server.url, {"x_policy": "{}"}).status_code == 200
    assert [e["stub"] for e in server.requests] == ["down", None]


def test_a_sequence_stub_steps_through_its_answers_on_a_json_route(server: MockServer) -> None:
    server.stub(endpoint="policy-gen", sequence=[{"error": {"status": 429, "message": "slow down"}},
                                                 {"message": FIXED}])
    with pytest.raises(SequrityAPIError) as first:
        generate(server.url)
    assert first.value.status_code == 429
    assert generate(server.url).policies == FIXED["policies"]


@pytest.mark.parametrize(("definition", "words"), [
    ({"endpoint": "policy-gen", "message": {"policies": 1, "usage": {}}}, ["$.message.policies", "string"]),
    ({"endpoint": "policy-gen", "message": {"usage": {}}}, ["$.message", "policies"]),
    ({"endpoint": "validate-headers", "match": {"stream": True}, "error": {"status": 500}},
     ["$.match.stream", "validate-headers"]),
    ({"endpoint": "validate-headers", "match": {"session": "5d0c1f7e-8a3b-4c2d-9e1f-0a1b2c3d4e5f"},
      "error": {"status": 500}}, ["$.match.session"]),
    ({"endpoint": "policy-gen", "events": [{"type": "message_stop"}]}, ["$.events", "never a stream"]),
    ({"endpoint": "policy-gen", "sequence": [{"message": FIXED}, {"events": [{}]}]}, ["$.sequence[1].events"]),
    ({"endpoint": "policy-genn", "message": FIXED}, ["$.endpoint", "policy-gen", "validate-headers", "messages"]),
])
def test_a_bad_json_route_stub_is_refused_naming_the_place(server: MockServer, definition: dict[str, Any],
                                                           words: list[str]) -> None:
    with pytest.raises(StubError) as refused:
        server.stub(definition)
    for word in words:
        assert word in str(refused.value)
    answer = requests.post(server.url + "/__admin/stubs", json=definition, timeout=10)
    assert answer.status_code == 400 and words[0] in answer.json()["error"]["message"]


def test_strict_mode_refuses_a_json_route_no_stub_matches() -> None:
    with MockServer(strict=True) as server:
        answer = validate(server.url, {})
        assert answer.status_code == 404
        server.stub(endpoint="validate-headers", message={"x_features": None, "x_policy": None, "x_config": None})
        assert validate(server.url, {}).json() == {"x_features": None, "x_policy": None, "x_config": None}


# -- faults ----------------------------------------------------------------------------------------


def test_a_fault_header_status_on_a_json_route(server: MockServer) -> None:
    answer = validate(server.url, {}, {"X-Mock-Fault": '{"status": 429, "retry_after": 1}'})
    assert answer.status_code == 429 and answer.headers["retry-after"] == "1"
    assert answer.json()["error"]["type"] == "rate_limit_error"
    (entry,) = server.requests
    assert entry["faults"][0]["source"] == "header" and entry["faults"][0]["injected"] == ["status"]


@pytest.mark.parametrize("outcome", ["empty_response", "reset_before_headers"])
def test_connection_faults_on_a_json_route(server: MockServer, outcome: str) -> None:
    with pytest.raises(requests.ConnectionError):
        validate(server.url, {}, {"X-Mock-Fault": json.dumps({outcome: True})})
    assert server.requests[-1]["faults"][0]["injected"] == [outcome]


def test_a_delayed_json_route_still_answers_its_document(server: MockServer) -> None:
    answer = validate(server.url, {"x_policy": "{}"},
                      {"X-Mock-Fault": '{"delay_headers_ms": 50, "delay_first_event_ms": 50}'})
    assert answer.status_code == 200 and answer.json()["x_policy"]["valid"] is True
    assert "X-Session-ID" not in answer.headers  # a JSON route has no session
    assert server.requests[-1]["faults"][0]["injected"] == ["delay_headers_ms", "delay_first_event_ms"]


def test_a_server_fault_reaches_the_official_client_on_policy_gen(server: MockServer) -> None:
    server.fault(status=503, times=1)
    with pytest.raises(SequrityAPIError) as failed:
        generate(server.url)
    assert failed.value.status_code == 503
    assert generate(server.url).policies  # times=1: the next one passes


def test_headers_then_silence_on_a_json_route_keeps_the_client_waiting(server: MockServer) -> None:
    with requests.post(server.url + VALIDATE, json={}, headers={"X-Mock-Fault": '{"headers_then_silence": true}'},
                       timeout=(5, 0.5), stream=True) as answer:
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
        with pytest.raises(ReadTimeoutError):  # nothing follows the headers
            answer.raw.read(1)


def test_a_stream_fault_does_not_apply_to_a_json_route(server: MockServer) -> None:
    answer = validate(server.url, {}, {"X-Mock-Fault": '{"disconnect_after_events": 1}'})
    assert answer.status_code == 200 and answer.json() == {"x_features": None, "x_policy": None, "x_config": None}
    assert server.requests[-1]["faults"] == []


# -- record, replay, proxy -------------------------------------------------------------------------


def _session(url: str) -> list[Any]:
    """Policy generation with the official client, header validation by plain HTTP (a valid and an invalid header)."""
    return [generate(url).model_dump(mode="json"),
            validate(url, {"x_features": '{"agent_arch": "dual-llm"}'}).json(),
            validate(url, {"x_config": '{"nope": 1}'}).json()]


def test_record_then_replay_round_trips_the_json_routes(tmp_path: Path) -> None:
    cassette = tmp_path / "json-routes.json"
    with upstream_process("--seed", "7") as upstream, \
            MockServer(mode="record", upstream=upstream.url, cassette=str(cassette)) as recorder:
        live = _session(recorder.url)
        assert recorder.violations["violations"] == []
    recorded = Cassette.load(cassette).interactions
    assert [i["request"]["path"] for i in recorded] == [GENERATE, VALIDATE, VALIDATE]
    assert recorded[-1]["response"]["body"]["x_config"]["valid"] is False
    assert KEY not in cassette.read_text()
    with MockServer(mode="replay", cassette=str(cassette)) as replayer:  # the upstream is gone
        assert _session(replayer.url) == live
        assert [e["endpoint"] for e in replayer.requests] == ["policy-gen", "validate-headers", "validate-headers"]
        missed = validate(replayer.url, {"x_policy": "{}"})
    assert missed.status_code == 404 and "closest is interaction #" in missed.json()["error"]["message"]


def test_replay_checks_a_json_route_request_first(tmp_path: Path) -> None:
    cassette = tmp_path / "json-routes.json"
    with upstream_process() as upstream, MockServer(mode="record", upstream=upstream.url,
                                                    cassette=str(cassette)) as recorder:
        generate(recorder.url)
    with MockServer(mode="replay", cassette=str(cassette)) as replayer:
        no_key = requests.post(replayer.url + GENERATE, json=POLICY_REQUEST, timeout=10)
        bad = requests.post(replayer.url + GENERATE, json={**POLICY_REQUEST, "temperature": 1},
                            headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
    assert no_key.status_code == 401
    assert bad.status_code == 400 and "temperature" in bad.json()["error"]["message"]


def test_the_proxy_relays_a_conforming_mock_upstream_and_reports_only_a_bad_request() -> None:
    with upstream_process("--seed", "3") as upstream, MockServer(mode="proxy", upstream=upstream.url) as proxy:
        relayed = _session(proxy.url)
        direct = _session(upstream.url)
        assert proxy.violations["violations"] == []
        refused = validate(proxy.url, {"x_other": "{}"})
        report = proxy.violations
    assert relayed == direct
    assert refused.status_code == 400 and "x_other" in refused.json()["error"]["message"]  # the upstream's answer
    assert report["exchanges_checked"] == 4
    assert [(v["subject"], v["rule"]) for v in report["violations"]] == [
        ("request body", "schema:additionalProperties")]


async def _bad_policy(request: web.Request) -> web.Response:
    return web.json_response({"policies": 42, "usage": {"total_tokens": "many"}, "extra": True})


async def _fixed_policy(request: web.Request) -> web.Response:
    return web.json_response(FIXED)


async def _bad_verdicts(request: web.Request) -> web.Response:
    return web.json_response({"x_features": {"valid": "yes", "normalized": None, "errors": []}}, status=200)


@pytest.mark.anyio
async def test_the_proxy_reports_a_json_route_answer_that_breaks_its_document() -> None:
    app = web.Application()
    app.router.add_post(GENERATE, _bad_policy)
    app.router.add_post(VALIDATE, _bad_verdicts)
    async with serve_app(app) as upstream, MockServer(mode="proxy", upstream=upstream) as proxy, \
            aiohttp.ClientSession() as client:
        async with client.post(proxy.url + GENERATE, json=POLICY_REQUEST,
                               headers={"Authorization": f"Bearer {KEY}"}) as answer:
            assert answer.status == 200 and (await answer.json())["policies"] == 42  # relayed unchanged
        async with client.post(proxy.url + VALIDATE, json={}) as answer:
            assert answer.status == 200
        async with client.get(proxy.url + "/__admin/violations") as answer:
            report = await answer.json()
        entries = proxy.requests
    found = {(v["request"], v["subject"], v["path"]) for v in report["violations"]}
    assert {(f"POST {GENERATE}", "response body", "$.policies"),
            (f"POST {GENERATE}", "response body", "$.usage.total_tokens"),
            (f"POST {VALIDATE}", "response body", "$.x_features.valid")} <= found
    assert not any(v["subject"] == "response header X-Session-ID" for v in report["violations"])
    assert not any(v["subject"] == "request header Authorization" for v in report["violations"])  # no key asked
    assert entries[0]["endpoint"] == "policy-gen" and entries[0]["violations"]


@pytest.mark.anyio
async def test_the_proxy_reports_a_missing_key_on_policy_gen() -> None:
    app = web.Application()
    app.router.add_post(GENERATE, _fixed_policy)
    async with serve_app(app) as upstream, MockServer(mode="proxy", upstream=upstream) as proxy, \
            aiohttp.ClientSession() as client:
        async with client.post(proxy.url + GENERATE, json=POLICY_REQUEST) as answer:
            assert answer.status == 200
        report = proxy.violations
    assert [(v["subject"], v["rule"]) for v in report["violations"]] == [
        ("request header Authorization", "bearer_authorization")]


def test_an_unreachable_upstream_is_a_502_on_a_json_route() -> None:
    with MockServer(mode="proxy", upstream="http://127.0.0.1:9") as proxy, \
            pytest.raises((SequrityAPIError, SequrityConnectionError)) as failed:
        generate(proxy.url)
    assert isinstance(failed.value, SequrityAPIError) and failed.value.status_code == 502
