"""Counters users expect: a fault's ``times``/``probability`` and a sequence stub's steps count every
request (``"scope": "global"``, the default, as in WireMock and aimock) unless the definition says
``"scope": "session"`` (each session counts on its own). Driven with the anthropic SDK, whose tool
loops and retries are what made per-session counting surprising."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest
from mock_helpers import call, post

from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.scripting.faults import FIELDS
from sequrity_contract.mockserver.scripting.stubs import StubError

WEATHER = {"name": "get_weather", "input_schema": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
CALL_THE_TOOL = {"id": "tool-loop", "match": {"where": [{"path": "$.tools[0].name", "equals": "get_weather"}]},
                 "message": {"content": [{"type": "tool_use", "name": "get_weather", "input": {"city": "Oslo"}}]}}
ASK = {"model": "m", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}


def sdk(server: MockServer, max_retries: int = 0) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=f"{server.url}/control/chat/anthropic", auth_token="k",
                               default_headers={"X-Api-Key": "llm"}, max_retries=max_retries, timeout=5.0)


def tool_loop(client: anthropic.Anthropic, turns: int) -> None:
    """An agent's loop: every answer calls the tool, every next request carries its result (and so,
    in the tool-use id, the session of the answer)."""
    messages: list[Any] = [{"role": "user", "content": "Weather in Oslo?"}]
    for _ in range(turns):
        answer = client.messages.create(model="m", max_tokens=100, tools=[WEATHER], messages=messages)
        use = answer.content[-1]
        assert use.type == "tool_use"
        messages += [{"role": "assistant", "content": answer.content},
                     {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "12C"}]}]


def statuses(server: MockServer) -> list[int]:
    return [entry["status"] for entry in server.requests]


# -- faults ----------------------------------------------------------------------------------------


def test_a_global_times_fault_fires_once_in_a_whole_sdk_tool_loop(server: MockServer) -> None:
    server.stub(CALL_THE_TOOL)
    server.fault(status=429, retry_after=0, times=1)
    tool_loop(sdk(server, max_retries=2), turns=3)
    assert statuses(server) == [429, 200, 200, 200]


def test_a_session_scoped_times_fault_fires_once_per_session_in_the_tool_loop(server: MockServer) -> None:
    # the first request names no session; the later turns name the session of the tool-use ids
    server.stub(CALL_THE_TOOL)
    server.fault(status=429, retry_after=0, times=1, scope="session")
    tool_loop(sdk(server, max_retries=2), turns=3)
    assert statuses(server) == [429, 200, 429, 200, 200]


def test_a_header_fault_counts_globally_across_sessions(server: MockServer) -> None:
    fault = {"X-Mock-Fault": json.dumps({"status": 503, "times": 2})}
    sessions = ["5e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "6e0c1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b"]
    answers = [post(server.messages_url(), ASK, {**fault, "X-Session-ID": s}).status for s in sessions * 2]
    assert answers == [503, 503, 200, 200]
    assert [r["attempt"] for e in server.requests for r in e["faults"]] == [1, 2]


def test_a_global_probability_draws_from_one_sequence_whatever_the_session() -> None:
    def draws(sessions: list[str | None], scope: str) -> list[int]:
        spec = json.dumps({"status": 500, "probability": 0.5, "scope": scope})
        with MockServer(seed=3) as server:
            return [post(server.messages_url(), ASK, {"X-Mock-Fault": spec, **({"X-Session-ID": s} if s else {})})
                    .status for s in sessions]

    named = [f"{i:08x}-3c4d-4e5f-8a9b-0c1d2e3f4a5b" for i in range(16)]
    assert draws(named, "global") == draws([None] * 16, "global")
    assert draws(named, "session") != draws([None] * 16, "session")


# -- sequence stubs ----------------------------------------------------------------------------------

TWO_STEPS = {"id": "two-steps", "sequence": [{"message": {"content": "first"}}, {"message": {"content": "second"}}]}


def texts(client: anthropic.Anthropic, count: int) -> list[str]:
    return [client.messages.create(**ASK).content[0].text for _ in range(count)]  # type: ignore[union-attr]


def test_a_two_step_sequence_answers_its_steps_in_order_to_the_sdk(server: MockServer) -> None:
    server.stub(TWO_STEPS)
    assert texts(sdk(server), 3) == ["first", "second", "second"]


def test_a_session_scoped_sequence_starts_afresh_in_every_new_session(server: MockServer) -> None:
    server.stub({**TWO_STEPS, "scope": "session"})
    assert texts(sdk(server), 2) == ["first", "first"]


def test_stub_and_fault_counters_restart_on_clear(server: MockServer) -> None:
    server.stub(TWO_STEPS)
    assert texts(sdk(server), 1) == ["first"]
    server.clear()
    server.stub(TWO_STEPS)
    assert texts(sdk(server), 1) == ["first"]


# -- the field is part of the vocabulary, and checked ---------------------------------------------------


def test_scope_is_in_the_fault_vocabulary_the_docs_are_generated_from() -> None:
    assert "scope" in FIELDS
    assert "global" in FIELDS["scope"][1] and "session" in FIELDS["scope"][1]


BAD_SCOPES = [
    ("fault-value", "/__admin/fault", "PUT", {"status": 429, "times": 1, "scope": "worker"},
     'fault: $.scope: expected "global" or "session", got "worker"'),
    ("fault-alone", "/__admin/fault", "PUT", {"status": 429, "scope": "session"},
     "fault: $.scope: only applies together with times or probability"),
    ("stub-value", "/__admin/stubs", "POST", {**TWO_STEPS, "scope": 1},
     'stub: $.scope: expected "global" or "session"'),
    ("stub-without-sequence", "/__admin/stubs", "POST", {"message": {"content": "x"}, "scope": "session"},
     "stub: $.scope: expected a sequence alongside it"),
    ("stub-fault", "/__admin/stubs", "POST", {"message": {"content": "x"}, "fault": {"status": 500, "times": 1,
                                                                                      "scope": "all"}},
     "stub: $.fault.scope: expected"),
]


@pytest.mark.parametrize(("path", "method", "document", "expected"), [b[1:] for b in BAD_SCOPES],
                         ids=[b[0] for b in BAD_SCOPES])
def test_a_bad_scope_is_a_400_naming_the_path(server: MockServer, path: str, method: str,
                                               document: dict[str, Any], expected: str) -> None:
    answer = call(method, server.url + path, json_body=document)
    assert answer.status == 400
    assert expected in answer.json()["error"]["message"]


def test_a_bad_scope_in_the_header_is_a_400_naming_the_header(server: MockServer) -> None:
    answer = post(server.messages_url(), ASK, {"X-Mock-Fault": '{"status": 500, "times": 1, "scope": "SESSION"}'})
    assert answer.status == 400
    assert "X-Mock-Fault header: $.scope: expected" in answer.json()["error"]["message"]


def test_the_python_handle_refuses_a_bad_scope_naming_the_path(server: MockServer) -> None:
    with pytest.raises(StubError, match=r"\$\.scope"):
        server.stub({**TWO_STEPS, "scope": "everyone"})
