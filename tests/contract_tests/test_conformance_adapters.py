"""The official client, the Anthropic SDK and the OpenAI SDK through the conformance suite: each clause
is one test; a clause a client breaks is ``xfail(strict=True)`` with the finding (docs/client-findings.md,
"Conformance findings"), so a fixed client shows up as XPASS."""

from __future__ import annotations

import functools

import pytest

from sequrity_contract.contract_tests.conformance import CLAUSES, ClauseResult, run_conformance

EXAMPLES = 10
OUTPUT_CONFIG = "output_config.format.schema goes out as `schema_`: the server answers 400"
CHAT_PARAMETERS = ("chat.create has no parameter for OpenAI's tool_choice, parallel_tool_calls, max_completion_tokens, "
                   "max_tokens, stop or stream_options; response_format.json_schema.schema goes out as `schema_`")
FINDINGS = {
    ("sequrity", "request_round_trip"): OUTPUT_CONFIG,
    ("sequrity", "response_round_trip"): OUTPUT_CONFIG + "; unknown response fields are dropped",
    ("sequrity", "stream_round_trip_sequrity"): OUTPUT_CONFIG + "; redacted_thinking loses `data` in streams",
    ("anthropic", "request_round_trip"): "null fields are sent as null, not dropped",
    ("anthropic", "stream_round_trip_sequrity"): "get_final_message() adds `stop_details: null` (and "
                                                 "`stop_sequence: null`), thinking becomes {thinking, signature}",
    ("anthropic", "stream_round_trip_anthropic"): "the SDK hides `ping` events",
    ("sequrity", "responses_request_round_trip"): "responses.create passes `text` (and its other typed arguments) "
                                                  "through its models, which drop the keys they do not name",
    ("sequrity", "responses_response_round_trip"): "created_at (an integer on the wire) becomes a float",
    ("sequrity", "responses_stream_round_trip"): "the client reads SSE with httpx's iter_lines, which also ends a "
                                                 "line at U+0085/U+2028 inside a data line's JSON",
    ("openai", "responses_response_round_trip"): "created_at (an integer on the wire) becomes a float",
    ("openai", "responses_stream_round_trip"): "created_at (an integer on the wire) becomes a float",
    **dict.fromkeys([("sequrity", "chat_request_round_trip"), ("sequrity", "chat_response_round_trip"),
                     ("sequrity", "chat_stream_round_trip")], CHAT_PARAMETERS),
}
CLIENTS = ["sequrity", "sequrity-async", "anthropic", "openai"]


@functools.cache
def results_of(client: str) -> dict[str, ClauseResult]:
    """Every mock clause's result, once per session; no shrinking: only the outcome matters here."""
    return {r.clause: r for r in run_conformance(client, max_examples=EXAMPLES, shrink=False, derandomize=True)}


def cases() -> list[object]:
    params = []
    for client in CLIENTS:
        for name in CLAUSES.names("mock"):
            finding = FINDINGS.get((client.removesuffix("-async"), name))
            marks = [pytest.mark.xfail(strict=True, raises=AssertionError, reason=f"finding: {finding}")] if finding \
                else []
            params.append(pytest.param(client, name, marks=marks, id=f"{client}-{name}"))
    return params


@pytest.mark.filterwarnings("ignore::UserWarning")  # pydantic serializer warnings inside the SDK
@pytest.mark.parametrize(("client", "clause"), cases())
def test_the_client_meets_the_clause(client, clause):
    result = results_of(client)[clause]
    if result.outcome == "skipped":
        pytest.skip(result.message)
    assert result.outcome == "passed", result.describe()
