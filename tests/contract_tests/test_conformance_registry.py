"""The clause registry, failures as data, and the reports: the parts of the conformance
suite that do not need a server."""

from __future__ import annotations

import copy
import json
import pickle
import shlex

import hypothesis.strategies as st
import pytest
from hypothesis import given

from sequrity_contract.contract_tests import conformance
from sequrity_contract.contract_tests.adapters import SequrityOptions
from sequrity_contract.contract_tests.conformance import (
    CLAUSES,
    ClauseFailure,
    ClauseRegistry,
    ClauseResult,
    DuplicateClauseError,
    UnknownClauseError,
    clause,
    differences,
    format_table,
    json_report,
    reproduction,
    write_json_report,
)

BUILT_IN = ["request_round_trip", "response_round_trip", "stream_round_trip_sequrity",
            "stream_round_trip_anthropic", "sessions", "errors", "retry_honours_retry_after",
            "stream_disconnect_is_an_error", "live_responses_conform", "live_streams_conform",
            "chat_request_round_trip", "chat_response_round_trip", "chat_stream_round_trip", "chat_sessions",
            "chat_errors", "chat_retry_honours_retry_after", "chat_stream_disconnect_is_an_error",
            "responses_request_round_trip", "responses_response_round_trip", "responses_stream_round_trip",
            "responses_tool_round_trip", "responses_invalid_bodies", "responses_errors", "responses_sessions",
            "policy_refusals", "chat_policy_refusals", "responses_policy_refusals"]


def test_the_built_in_clauses_in_report_order():
    assert CLAUSES.names() == BUILT_IN
    assert CLAUSES.names("live") == ["live_responses_conform", "live_streams_conform"]


def test_a_clause_is_named_after_its_function_and_a_duplicate_name_is_refused():
    registry = ClauseRegistry()

    @clause(st.none(), title="t", registry=registry)
    async def my_check(env, example):
        return None

    assert registry["my_check"].function is my_check
    with pytest.raises(DuplicateClauseError, match="'my_check' is already registered"):
        @clause(st.none(), title="t", registry=registry)
        async def my_check(env, example):
            return None


@pytest.mark.parametrize("names", [["errors", "no_such_clause"], ["no_such_clause"]])
def test_an_unknown_clause_name_is_rejected_listing_the_known_ones(names):
    with pytest.raises(UnknownClauseError, match=r"clause='no_such_clause': unknown; the clauses are request_round"):
        CLAUSES.select(names)


def test_select_keeps_registration_order_and_filters_kinds():
    assert [c.name for c in CLAUSES.select(["errors", "sessions"])] == ["sessions", "errors"]
    assert all(c.kind == "mock" for c in CLAUSES.select(kinds=("mock",)))


def test_clause_arguments_are_checked():
    with pytest.raises(TypeError, match=r"examples=.*expected a hypothesis strategy"):
        clause([1, 2], title="t")
    with pytest.raises(ValueError, match="kind='elsewhere'"):
        clause(st.none(), title="t", kind="elsewhere", registry=ClauseRegistry())(lambda env, e: None)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                       max_size=3), max_leaves=10)


@given(json_values)
def test_a_value_has_no_differences_with_itself(value):
    assert differences(value, copy.deepcopy(value)) == []


@given(json_values, json_values)
def test_differences_are_empty_exactly_when_values_are_equal(a, b):
    same = a == b and json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    assert (differences(a, b) == []) == same


def test_differences_name_the_path_and_both_values():
    found = differences({"a": [1, {"b": 2}], "c": 1}, {"a": [1, {"b": 3}], "d": None})
    assert [str(d) for d in found] == ["$.a[1].b: expected 2, received 3", "$.c: expected 1, received (absent)",
                                       "$.d: expected (absent), received null"]
    assert [str(d) for d in differences([1, 2, 3], [1, 3])] == ["$[1]: expected 2, received 3",
                                                                "$.length: expected 3, received 2"]


def test_a_failure_has_title_message_dedup_key_and_a_reproduction_note():
    failure = ClauseFailure.from_differences("bodies differ", differences({"m": [{"x": 1}]}, {"m": [{"x": 2}]}),
                                             reproduction="curl x")
    failure.clause = "request_round_trip"
    assert failure.dedup_key == "request_round_trip:bodies differ@$.m[].x"
    assert failure.__notes__ == ["Reproduce with:\n    curl x"]
    for copied in (copy.deepcopy(failure), pickle.loads(pickle.dumps(failure))):
        assert (copied.title, copied.message, copied.dedup_key, copied.__notes__) == (
            failure.title, failure.message, failure.dedup_key, failure.__notes__)


def test_the_reproduction_is_a_curl_command_sending_the_request_without_nulls_or_secrets():
    options = SequrityOptions("http://127.0.0.1:9", "sq-secret", llm_api_key="sk-secret", provider="openai",
                              features={"agent_arch": "dual-llm"}, headers={"X-Trace": "it's"})
    command = reproduction({"model": "m", "temperature": None, "stream": True}, options, stream=False)
    words = shlex.split(command)
    assert "sq-secret" not in command and "sk-secret" not in command
    assert words[:6] == ["curl", "-sS", "-N", "-X", "POST", "http://127.0.0.1:9/control/chat/openai/v1/messages"]
    assert json.loads(words[-1]) == {"model": "m"}
    assert "Authorization: Bearer $SEQURITY_API_KEY" in words and "X-Trace: it's" in words
    assert 'X-Features: {"agent_arch":"dual-llm"}' in words


RESULTS = [ClauseResult("errors", "c", "passed", examples=5, duration=0.1),
           ClauseResult("sessions", "c", "failed", "a title", "a message", "sessions:k", "Ex()", "curl y", 3, 0.2),
           ClauseResult("live_streams_conform", "c", "skipped", message="no key")]


def test_the_table_has_one_line_per_clause_and_a_summary():
    lines = format_table(RESULTS).splitlines()
    assert len(lines) == 5
    assert lines[2].split()[:3] == ["FAILED", "sessions", "[c]"] and lines[2].endswith("a title")
    assert lines[3].endswith("no key")
    assert lines[-1] == "1 passed, 1 failed, 1 skipped"


def test_the_json_report_round_trips_every_result(tmp_path):
    path = write_json_report(RESULTS, tmp_path / "sub" / "report.json")
    report = json.loads(path.read_text())
    assert report == json_report(RESULTS)
    assert report["summary"] == {"passed": 1, "failed": 1, "skipped": 1}
    assert [ClauseResult.from_dict(r) for r in report["clauses"]] == RESULTS


def test_all_lists_every_public_name_once_sorted():
    public = {n for n, v in vars(conformance).items() if not n.startswith("_") and not isinstance(v, type(json))}
    public -= {"annotations"}
    assert set(conformance.__all__) == public
    assert conformance.__all__ == sorted(conformance.__all__, key=lambda n: (not n.isupper(), n))
