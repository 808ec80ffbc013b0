"""Live mode, pointed at a real HTTP endpoint (a MockServer): a bounded number of
requests, every answer and event validated; without a key the live clauses skip."""

from __future__ import annotations

import pytest

from sequrity_contract.contract_tests.conformance import LiveSettings, run_conformance
from sequrity_contract.mockserver import MockServer

LIVE = ["live_responses_conform", "live_streams_conform"]


def test_live_clauses_send_at_most_the_budget_and_pass_against_a_conforming_endpoint():
    with MockServer(api_keys=("sq-live",)) as endpoint:
        results = run_conformance("reference", LIVE, live=LiveSettings(endpoint.url, "sq-live", budget=3))
        entries = endpoint.requests
    assert [(r.clause, r.outcome) for r in results] == [(name, "passed") for name in LIVE]
    assert len(entries) == 6 and all(e["status"] == 200 for e in entries)
    assert [e["body"].get("stream", False) for e in entries] == [False] * 3 + [True] * 3
    assert all(e["body"]["max_tokens"] <= 64 and "thinking" not in e["body"] for e in entries)


def test_a_nonconforming_live_answer_fails_the_clause_naming_the_rule():
    class Negative:
        cacheable = False

        async def respond(self, context):
            return {"id": "msg_1", "type": "message", "role": "assistant", "model": "m", "stop_reason": "end_turn",
                    "content": [{"type": "text", "text": "hi"}], "usage": {"input_tokens": -1, "output_tokens": 1}}

    with MockServer(responder=Negative()) as endpoint:
        [result] = run_conformance("raw", ["live_responses_conform"], live=LiveSettings(endpoint.url, "k", budget=2))
        sent = len(endpoint.requests)
    assert result.outcome == "failed" and result.title == "the live response breaks the contract"
    assert "usage" in result.message
    assert sent <= 2  # no shrinking: a live request is never repeated beyond the budget


@pytest.mark.parametrize("key", [None, ""])
def test_without_a_key_the_live_clauses_skip_with_the_reason(key):
    results = run_conformance("reference", LIVE, live=LiveSettings("http://127.0.0.1:9", key))
    assert {(r.outcome, r.message) for r in results} == {
        ("skipped", "no API key for the live endpoint: pass --sequrity-api-key or set SEQURITY_API_KEY")}


@pytest.mark.parametrize(("arguments", "message"), [
    ({"url": "ftp://x", "api_key": "k"}, "live_url='ftp://x': expected an http:// or https:// URL"),
    ({"url": "http://x", "api_key": "k", "budget": 0}, "live_budget=0: expected an integer >= 1"),
])
def test_bad_live_settings_name_the_argument(arguments, message):
    with pytest.raises(ValueError, match=message):
        LiveSettings(**arguments)
