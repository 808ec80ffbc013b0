"""The conformance suite against real clients on the real mock server: the reference
client passes every clause, the deliberately broken clients (broken_adapters.py) fail
exactly the clauses their bug breaks, and a failure carries its minimal example and a
curl reproduction that replays the request."""

from __future__ import annotations

import functools
import json
import shlex
import subprocess
import sys
import urllib.request

import pytest

from sequrity_contract.contract_tests.conformance import CLAUSES, ClauseResult, ConformanceRunner, run_conformance
from sequrity_contract.mockserver import MockServer

#: Examples per clause: enough to meet every field and block type a few times, cheap in CI.
EXAMPLES = 10
MOCK_CLAUSES = CLAUSES.names("mock")


@functools.cache
def results_of(client: str) -> dict[str, ClauseResult]:
    """Every mock clause's result for ``client`` (run once per test session)."""
    return {r.clause: r for r in run_conformance(client, max_examples=EXAMPLES, derandomize=True)}


def outcomes(client: str) -> dict[str, str]:
    return {name: r.outcome for name, r in results_of(client).items()}


def test_the_reference_client_passes_every_clause():
    assert outcomes("reference") == dict.fromkeys(MOCK_CLAUSES, "passed")
    assert all(r.examples >= 1 for r in results_of("reference").values())


def test_the_raw_adapter_passes_every_clause_of_its_two_endpoints_but_the_retries_it_does_not_make():
    retries = {"retry_honours_retry_after", "chat_retry_honours_retry_after"}
    responses = {r.name for r in CLAUSES if r.endpoint == "responses"}
    assert outcomes("raw") == {name: "skipped" if name in retries | responses else "passed" for name in MOCK_CLAUSES}
    assert {r.endpoint for r in CLAUSES if r.name in MOCK_CLAUSES} == {"messages", "chat_completions", "responses"}
    assert results_of("raw")["responses_errors"].message.startswith("adapter 'raw' does not call the 'responses'")


@pytest.mark.parametrize(("client", "broken"), [
    ("broken_adapters:drops_system", {"request_round_trip"}),
    ("broken_adapters:drops_policy",
     {"request_round_trip", "policy_refusals", "chat_policy_refusals", "responses_policy_refusals"}),
    ("broken_adapters:misorders_stream", {"stream_round_trip_sequrity", "stream_round_trip_anthropic"}),
    ("broken_adapters:ignores_session_header", {"sessions"}),
    ("broken_adapters:swallows_cut_chat_stream", {"chat_stream_disconnect_is_an_error"}),
    ("broken_adapters:never_retries_chat", {"chat_retry_honours_retry_after"}),
    ("broken_adapters:loses_tool_output",
     {"responses_tool_round_trip", "responses_invalid_bodies", "responses_request_round_trip"}),
    ("broken_adapters:hides_error_message", {"responses_invalid_bodies", "responses_errors"}),
], ids=["drops-a-field", "drops-the-policy", "misorders-stream-events", "ignores-the-session",
        "swallows-a-cut-chat-stream", "never-retries-a-chat-call", "loses-a-function-call-output",
        "hides-the-servers-error-message"])
def test_a_broken_client_fails_exactly_the_clauses_its_bug_breaks(client, broken):
    found = outcomes(client)
    assert {name for name, outcome in found.items() if outcome == "failed"} == broken
    assert {name for name, outcome in found.items() if outcome != "failed"} == set(MOCK_CLAUSES) - broken


def test_a_failure_reports_the_minimal_example_and_a_dedup_key():
    result = results_of("broken_adapters:drops_system")["request_round_trip"]
    assert result.outcome == "failed"
    assert result.title == "the body the server received differs from the request (nulls dropped)"
    assert result.message.startswith("$.system: expected ")
    assert result.dedup_key == f"request_round_trip:{result.title}@$.system"
    assert result.example.startswith("RequestCase(request={") and "'system':" in result.example
    # shrunk: the minimal request has one message and the one field that matters
    assert result.example.count("'role'") == 1
    serve, curl = result.reproduction.splitlines()
    assert serve.startswith("sequrity-mock serve --port 8765 --seed 0 --dialect sequrity") and serve.endswith(" &")
    assert curl.startswith("curl ") and "Minimal failing example:" in result.describe()
    assert result.shrunk


def test_the_reproduction_replays_what_the_client_actually_sent_without_any_key():
    result = results_of("broken_adapters:drops_system")["request_round_trip"]
    serve, curl = result.reproduction.splitlines()
    assert "$" not in result.reproduction  # no environment variable to set: a placeholder key
    serve_words = shlex.split(serve.removesuffix(" &"))
    assert serve_words[:2] == ["sequrity-mock", "serve"]
    port = serve_words.index("--port") + 1
    serve_words[port] = "0"
    process = subprocess.Popen([sys.executable, "-m", "sequrity_contract", *serve_words[1:]],
                               stdout=subprocess.PIPE, text=True)
    try:
        url = process.stdout.readline().split()[-1]
        words = shlex.split(curl)
        target = next(i for i, w in enumerate(words) if w.startswith("http://127.0.0.1:8765/"))
        words[target] = words[target].replace("http://127.0.0.1:8765", url)
        completed = subprocess.run(words, capture_output=True, text=True, timeout=30, check=False)
        with urllib.request.urlopen(f"{url}/__admin/requests") as answer:
            [entry] = json.load(answer)
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert entry["status"] == 200, completed.stdout
    assert "system" not in entry["body"]  # what the broken client sent, not what it was asked to send


def test_a_skipped_clause_says_why():
    from broken_adapters import DropsSystem

    adapter = DropsSystem()
    adapter.supports_retries = False
    adapter.dialects = frozenset({"sequrity"})
    with ConformanceRunner(adapter, max_examples=2) as runner:
        retry = runner.run_clause("retry_honours_retry_after")
        anthropic = runner.run_clause("stream_round_trip_anthropic")
        live = runner.run_clause("live_streams_conform")
    assert (retry.outcome, retry.message) == ("skipped", "adapter 'drops-system' does not claim retries "
                                                         "(supports_retries=False)")
    assert anthropic.outcome == "skipped" and "'anthropic' stream dialect" in anthropic.message
    assert (live.outcome, live.message) == ("skipped", "no live endpoint: pass --sequrity-live-url URL")


def test_a_live_failure_is_not_called_minimal():
    from sequrity_contract.contract_tests.conformance import LiveSettings

    with MockServer() as live, ConformanceRunner("broken_adapters:misorders_stream",
                                                 live=LiveSettings(live.url, "sq-any", budget=2)) as runner:
        result = runner.run_clause("live_streams_conform")
    assert result.outcome == "failed" and not result.shrunk
    assert "Failing example (as found, not shrunk):" in result.describe()
    assert "Minimal" not in result.describe()


def test_a_runner_rejects_a_bad_argument():
    with pytest.raises(ValueError, match="max_examples=0: expected an integer >= 1"):
        ConformanceRunner("reference", max_examples=0)


def test_json_report_of_a_run_is_serialisable():
    results = run_conformance("reference", ["errors"], max_examples=3)
    assert json.loads(json.dumps([r.as_dict() for r in results]))[0]["outcome"] == "passed"


def test_a_policy_failure_shows_the_servers_decisions():
    result = results_of("broken_adapters:drops_policy")["policy_refusals"]
    assert result.title == "the client returned a tool call the policy denied"
    assert "Server's policy decisions:\n(no decision journalled)" in result.message
    assert "X-Policy" not in (result.reproduction or "")  # the reproduction replays what the client sent
