"""Stubs: matching, answers, priority, per-session scenarios, strict mode and the three control
planes (admin API, ``MockServer.stub``, ``--stubs FILE``), against the real server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mock_helpers import call, post, requests

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.scripting.stubs import StubError, is_subset, load_stub_file

ASK = {"model": "m", "max_tokens": 50, "messages": [{"role": "user", "content": "weather in Oslo?"}]}
SESSION_A = "0b3c9a52-2f4e-4d7c-9a51-3c1e6f0d2b8a"
SESSION_B = "7d1f0c3e-9a8b-4c2d-8e1f-2a3b4c5d6e7f"


def text_of(answer: Any) -> str:
    return answer.json()["content"][0]["text"]


def test_a_stub_answers_the_requests_it_matches_and_synthesis_the_rest(server: MockServer) -> None:
    stub = server.stub(match={"model": "m", "where": [{"path": "$.messages[-1].content", "contains": "Oslo"}]},
                       message={"content": "Stubbed weather."})
    hit = post(server.messages_url(), ASK)
    miss = post(server.messages_url(), {**ASK, "messages": [{"role": "user", "content": "weather in Rome?"}]})
    assert hit.status == miss.status == 200
    assert text_of(hit) == "Stubbed weather."
    assert text_of(miss) != "Stubbed weather."
    assert schemas.check("response", hit.json()) == []
    assert [c["seq"] for c in stub.calls] == [server.requests[0]["seq"]]
    assert [e["stub"] for e in server.requests] == [stub.id, None]


def test_a_stubbed_message_streams_as_its_events(server: MockServer) -> None:
    server.stub(message={"content": [{"type": "text", "text": "A fairly long stubbed answer to stream."}]})
    plain = post(server.messages_url(), ASK).json()
    events = post(server.messages_url(), {**ASK, "stream": True}).events()
    assert schemas.accumulate(events) == plain
    assert [e["type"] for e in events][:2] == ["message_start", "content_block_start"]


def test_explicit_events_are_sent_as_given_and_accumulate_for_plain_requests(server: MockServer) -> None:
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": "m", "content": [
        {"type": "text", "text": "one two"}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 2}}
    events = schemas.to_events(message, split_text=schemas.chunks_of(3))
    server.stub(events=events)
    assert post(server.messages_url(), {**ASK, "stream": True}).events() == events
    assert post(server.messages_url(), ASK).json() == message


@pytest.mark.parametrize(("seconds", "header", "header_ms"), [(2, "2", "2000"), (0.5, "1", "500")])
def test_an_error_answer_carries_the_contract_body_and_retry_after(server: MockServer, seconds: float,
                                                                  header: str, header_ms: str) -> None:
    server.stub(error={"status": 503, "message": "down for a moment", "retry_after": seconds})
    answer = post(server.messages_url(), ASK)
    assert answer.status == 503
    lowered = {name.lower(): value for name, value in answer.headers.items()}
    assert (lowered["retry-after"], lowered["retry-after-ms"]) == (header, header_ms)  # whole seconds rounded up
    assert answer.json()["detail"] == "down for a moment"
    assert schemas.check("error", answer.json(), status=503) == []


def test_match_fields_route_provider_stream_headers_body_and_session(server: MockServer) -> None:
    server.stub(id="narrow", message={"content": "narrow"}, match={
        "endpoint_type": ["code", "agent"], "provider": "openai", "stream": False,
        "headers": {"X-Team": "blue"}, "body": {"messages": [{"role": "user"}]}, "session": SESSION_A.upper()})
    good = {"X-Team": "blue", "X-Session-ID": SESSION_A}
    assert text_of(post(server.messages_url("code", "openai"), ASK, good)) == "narrow"
    for url, headers in ((server.messages_url("chat", "openai"), good),
                         (server.messages_url("code", None), good),
                         (server.messages_url("code", "openai"), {**good, "X-Team": "red"}),
                         (server.messages_url("code", "openai"), {**good, "X-Session-ID": SESSION_B})):
        assert text_of(post(url, ASK, headers)) != "narrow"


def test_the_route_without_provider_is_matched_by_provider_null(server: MockServer) -> None:
    server.stub(match={"provider": None}, message={"content": "default route"})
    assert text_of(post(server.messages_url(), ASK)) == "default route"
    assert text_of(post(server.messages_url("chat", "anthropic"), ASK)) != "default route"


def test_priority_then_specificity_then_recency(server: MockServer) -> None:
    server.stub(id="broad", message={"content": "broad"})
    server.stub(id="specific", match={"model": "m"}, message={"content": "specific"})
    assert text_of(post(server.messages_url(), ASK)) == "specific"
    server.stub(id="newer-specific", match={"model": "m"}, message={"content": "newer"})
    assert text_of(post(server.messages_url(), ASK)) == "newer"
    server.stub(id="urgent", priority=1, message={"content": "urgent"})
    assert text_of(post(server.messages_url(), ASK)) == "urgent"


def test_a_session_scoped_sequence_advances_per_session_and_repeats_its_last_answer(server: MockServer) -> None:
    server.stub(sequence=[{"message": {"content": "first"}}, {"error": {"status": 500}},
                          {"message": {"content": "last"}}], scope="session")
    in_a = [post(server.messages_url(), ASK, {"X-Session-ID": SESSION_A}) for _ in range(2)]
    in_b = post(server.messages_url(), ASK, {"X-Session-ID": SESSION_B})
    in_a += [post(server.messages_url(), ASK, {"X-Session-ID": SESSION_A}) for _ in range(2)]
    assert [a.status for a in in_a] == [200, 500, 200, 200]
    assert [text_of(a) for a in in_a if a.status == 200] == ["first", "last", "last"]
    assert text_of(in_b) == "first"


def test_an_anonymous_request_starts_the_session_scoped_scenario_of_its_new_session(server: MockServer) -> None:
    server.stub(sequence=[{"message": {"content": "first"}}, {"message": {"content": "second"}}], scope="session")
    first = post(server.messages_url(), ASK)
    second = post(server.messages_url(), ASK, {"X-Session-ID": first.headers["X-Session-ID"]})
    another_anonymous = post(server.messages_url(), ASK)
    assert (text_of(first), text_of(second), text_of(another_anonymous)) == ("first", "second", "first")


def test_clear_forgets_stubs_and_scenarios(server: MockServer) -> None:
    server.stub(message={"content": "stubbed"})
    server.clear()
    assert server.stubs == []
    assert text_of(post(server.messages_url(), ASK)) != "stubbed"


# -- the admin API -------------------------------------------------------------------------


def test_admin_api_registers_lists_and_removes_stubs(server: MockServer) -> None:
    created = call("POST", server.url + "/__admin/stubs", json_body={"id": "w", "message": {"content": "admin"}})
    assert created.status == 201 and created.json()["id"] == "w"
    assert text_of(post(server.messages_url(), ASK)) == "admin"
    listed = call("GET", server.url + "/__admin/stubs").json()
    assert [(s["id"], s["calls"]) for s in listed] == [("w", 1)]
    assert call("GET", server.url + "/__admin/stubs/w").json()["message"] == {"content": "admin"}
    assert call("DELETE", server.url + "/__admin/stubs/w").status == 200
    missing = call("DELETE", server.url + "/__admin/stubs/w")
    assert missing.status == 404 and "no stub with id 'w'" in missing.json()["detail"]
    call("POST", server.url + "/__admin/stubs", json_body=[{"message": {"content": "x"}}, {"error": {"status": 500}}])
    assert len(server.stubs) == 2
    assert call("DELETE", server.url + "/__admin/stubs").json() == {"removed": 2}


# (id, definition, text the 400 message must contain)
BAD_STUBS = [
    ("not-an-object", [1], "[0]: stub: $: expected a JSON object"),
    ("unknown-field", {"answer": {}}, "$.answer: expected no such field"),
    ("no-answer", {"match": {}}, "$: expected one of message, events, error, sequence"),
    ("two-answers", {"message": {"content": "a"}, "error": {"status": 500}}, "$.error: expected only one of"),
    ("invalid-message", {"message": {"content": [{"type": "text"}]}}, "$.message.content[0].text"),
    ("bad-stop-reason", {"message": {"content": "a", "stop_reason": "done"}}, "$.message.stop_reason"),
    ("bad-event", {"events": [{"type": "message_start"}]}, "$.events[0].message"),
    ("events-out-of-order", {"events": [{"type": "message_stop"}]}, "$.events[0]"),
    ("error-status", {"error": {"status": 200}}, "$.error.status: expected an HTTP error status"),
    ("empty-sequence", {"sequence": []}, "$.sequence: expected a non-empty list"),
    ("bad-step", {"sequence": [{"message": {"content": "a"}}, {"text": "b"}]}, "$.sequence[1]: expected one answer"),
    ("bad-step-message", {"sequence": [{"message": {"content": 3}}]}, "$.sequence[0].message.content"),
    ("match-field", {"match": {"modle": "m"}, "message": {"content": "a"}}, "$.match.modle: expected no such match"),
    ("match-session", {"match": {"session": "s1"}, "message": {"content": "a"}}, "$.match.session: expected a session"),
    ("where-path", {"match": {"where": [{"path": "messages", "equals": 1}]}, "message": {"content": "a"}},
     "$.match.where[0].path: expected"),
    ("where-op", {"match": {"where": [{"path": "$.model", "is": "m"}]}, "message": {"content": "a"}},
     "$.match.where[0]: expected exactly one test"),
    ("where-regex", {"match": {"where": [{"path": "$.model", "matches": "("}]}, "message": {"content": "a"}},
     "$.match.where[0].matches: expected a regular expression"),
    ("where-regex-nested", {"match": {"where": [{"path": "$.model", "matches": "(a+)+$"}]},
                            "message": {"content": "a"}},
     "$.match.where[0].matches: expected a regular expression that cannot backtrack for long (found a quantifier"),
    ("where-regex-two-stars", {"match": {"where": [{"path": "$.model", "matches": r"\s*\s*$"}]},
                               "message": {"content": "a"}}, "2 quantifiers that repeat many times"),
    ("bad-fault", {"fault": {"status": 418}}, "$.fault.status: expected one of 400"),
    ("priority", {"priority": "high", "message": {"content": "a"}}, "$.priority: expected an integer"),
]


@pytest.mark.parametrize(("definition", "expected"), [c[1:] for c in BAD_STUBS], ids=[c[0] for c in BAD_STUBS])
def test_bad_stub_definitions_get_400_naming_the_field(server: MockServer, definition: Any, expected: str) -> None:
    answer = call("POST", server.url + "/__admin/stubs", json_body=definition)
    assert answer.status == 400
    assert expected in answer.json()["detail"]
    assert schemas.check("error", answer.json(), status=400) == []
    if isinstance(definition, dict):
        with pytest.raises(StubError, match=expected.replace("$", r"\$").replace("[", r"\[").replace("(", r"\(")):
            server.stub(definition)
    assert server.stubs == []


def test_strict_mode_404_lists_the_stubs_and_the_closest_near_miss() -> None:
    with MockServer(strict=True) as server:
        assert post(server.messages_url(), ASK).status == 404
        server.stub(id="far", match={"model": "x", "stream": True}, message={"content": "a"})
        server.stub(id="near", match={"model": "x"}, message={"content": "b"})
        answer = post(server.messages_url(), ASK)
        assert answer.status == 404
        detail = answer.json()["detail"]
        assert "'far'" in detail and "'near'" in detail
        assert 'Closest: \'near\', which differs in match.model: expected "x", got "m"' in detail
        assert post(server.messages_url(), {**ASK, "model": "x"}).status == 200


def test_stub_file_is_loaded_at_start_and_restored_by_clear(tmp_path: Path) -> None:
    path = tmp_path / "stubs.json"
    stub = {"id": "from-file", "match": {"model": "m"}, "message": {"content": "file"}}
    path.write_text(json.dumps({"stubs": [stub]}))
    with MockServer(stubs=load_stub_file(str(path))) as server:
        assert text_of(post(server.messages_url(), ASK)) == "file"
        server.clear_stubs()
        assert server.stubs == []
        server.clear()
        assert [s["id"] for s in server.stubs] == ["from-file"]


def test_cli_serves_stubs_from_a_file_strictly(tmp_path: Path) -> None:
    path = tmp_path / "stubs.json"
    path.write_text(json.dumps([{"match": {"model": "m"}, "message": {"content": "from the CLI"}}]))
    process = subprocess.Popen([sys.executable, "-m", "sequrity_contract", "serve", "--port", "0", "--stubs", str(path),
                                "--strict"], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().split()[-1]
        assert text_of(post(url + "/control/chat/v1/messages", ASK)) == "from the CLI"
        assert post(url + "/control/chat/v1/messages", {**ASK, "model": "other"}).status == 404
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_cli_rejects_a_bad_stub_file_naming_the_stub_and_path(tmp_path: Path) -> None:
    path = tmp_path / "stubs.json"
    path.write_text(json.dumps([{"message": {"content": "ok"}}, {"message": {"content": [{"type": "txt"}]}}]))
    result = subprocess.run([sys.executable, "-m", "sequrity_contract", "serve", "--port", "0", "--stubs", str(path)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert f"stubs file {path}: [1]: stub: $.message.content[0].type" in result.stderr


# -- properties ------------------------------------------------------------------------------


def _sub_pattern(draw: st.DrawFn, value: Any) -> Any:
    if isinstance(value, dict):
        keys = draw(st.lists(st.sampled_from(sorted(value)), unique=True)) if value else []
        return {k: _sub_pattern(draw, value[k]) for k in keys}
    if isinstance(value, list):
        return [_sub_pattern(draw, v) for v in value]
    return value


@st.composite
def request_and_pattern(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    body = draw(requests())
    return body, _sub_pattern(draw, body)


@given(request_and_pattern())
def test_every_sub_pattern_of_a_body_is_a_subset_of_it(case: tuple[dict[str, Any], dict[str, Any]]) -> None:
    body, pattern = case
    assert is_subset(pattern, body)


@settings(max_examples=25, deadline=None)
@given(request_and_pattern(), st.sampled_from(["max_tokens", "model"]))
def test_a_stub_matching_part_of_a_body_answers_it_and_not_a_changed_one(
        shared_server: MockServer, case: tuple[dict[str, Any], dict[str, Any]], changed: str) -> None:
    body, pattern = case
    shared_server.clear()
    shared_server.stub(match={"body": {**pattern, changed: body[changed]}}, message={"content": "matched"})
    assert text_of(post(shared_server.messages_url(), body)) == "matched"
    other = {**body, changed: body[changed] + 1 if changed == "max_tokens" else body[changed] + "-x"}
    assert "matched" not in [b.get("text") for b in post(shared_server.messages_url(), other).json()["content"]]
