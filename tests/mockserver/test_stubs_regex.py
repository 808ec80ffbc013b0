"""Stub ``matches`` regexes cannot stall the server: patterns that backtrack badly are refused
when registered (naming ``$.match.where[i].matches``), and accepted ones are searched in the
first ``MATCHES_MAX_LENGTH`` characters of the value only. Driven through the real server;
the client gives up after a few seconds instead of timed assertions."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mock_helpers import call, post

from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.support.regex_guard import MATCHES_MAX_LENGTH, regex_risk

ATOMS = st.sampled_from(["a", r"\w", r"\s", ".", "[ab]", "(?:ab)"])
VARIABLE = st.sampled_from(["*", "+", "?", "{1,5}", "{2,}"])
MANY = st.sampled_from(["*", "+", "{2,}", "{0,9}"])


def ask(model: str) -> dict[str, object]:
    return {"model": model, "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}


def regex_stub(server: MockServer, pattern: str) -> None:
    server.stub(match={"where": [{"path": "$.model", "matches": pattern}]}, message={"content": "stubbed"})


def answered_by_stub(server: MockServer, model: str) -> bool:
    answer = post(server.messages_url(), ask(model))
    assert answer.status == 200
    return answer.json()["content"][0].get("text") == "stubbed"


@pytest.mark.parametrize("pattern", ["(a+)+$", "(a|aa)+$", "(aa?)*$", r"(\w+\s?)*$", r"\s*\s*$", "(.*)\\1",
                                     "(?:a|a|a|a)(?:a|a|a|a)(?:a|a)a*$"])
def test_a_pattern_that_backtracks_badly_is_refused_with_400_naming_the_field(
        server: MockServer, pattern: str) -> None:
    answer = call("POST", server.url + "/__admin/stubs",
                  json_body={"match": {"where": [{"path": "$.model", "equals": "x"},
                                                 {"path": "$.model", "matches": pattern}]},
                             "message": {"content": "a"}})
    assert answer.status == 400
    assert "$.match.where[1].matches: expected a regular expression that cannot backtrack" in answer.json()["detail"]
    assert server.stubs == []
    assert not answered_by_stub(server, "a" * 30 + "!")  # and nothing stalls


@pytest.mark.parametrize(("pattern", "hit", "miss"), [
    ("^claude-(sonnet|opus)-4(-\\d+)?$", "claude-opus-4-1", "claude-haiku-4"),
    (r"(\d{3}-)+x", "123-456-x", "12-x"),
    ("Oslo|Bergen", "to-Bergen", "Rome"),
    ("[ab]+$", "xab", "abx"),
    (r"https?://\S+", "see https://example.com", "http:/nope"),
])
def test_accepted_patterns_match_as_a_regex_search(server: MockServer, pattern: str, hit: str, miss: str) -> None:
    regex_stub(server, pattern)
    assert answered_by_stub(server, hit)
    assert not answered_by_stub(server, miss)


def test_only_the_first_characters_of_a_long_value_are_searched(server: MockServer) -> None:
    regex_stub(server, "needle")
    filler = "x" * (MATCHES_MAX_LENGTH - len("needle"))
    assert answered_by_stub(server, filler + "needle" + "x" * 5000)
    assert not answered_by_stub(server, filler + "xneedle")


def test_an_accepted_pattern_against_a_long_hostile_value_is_answered(server: MockServer) -> None:
    regex_stub(server, r"\s+$")  # quadratic backtracking on runs of spaces; the window bounds it
    assert not answered_by_stub(server, " " * (MATCHES_MAX_LENGTH - 1) + "!" + " " * 100_000)
    assert answered_by_stub(server, "x" + " " * 100_000)  # "as if cut there": $ matches at the cut


@given(atom=ATOMS, inner=VARIABLE, outer=MANY)
def test_a_variable_quantifier_inside_a_repeated_group_is_always_refused(atom: str, inner: str, outer: str) -> None:
    pattern = f"(?:x{atom}{inner}){outer}"
    re.compile(pattern)
    risk = regex_risk(pattern)
    assert risk is not None and "inside a repeated group" in risk


@given(atom=ATOMS, count=st.integers(1, 9), outer=MANY, first=MANY, second=MANY)
def test_fixed_counts_in_a_repeat_pass_but_a_second_long_repeat_is_refused(
        atom: str, count: int, outer: str, first: str, second: str) -> None:
    assert regex_risk(f"^(?:{atom}{{{count}}}-){outer}$") is None
    risk = regex_risk(f"{atom}{first}x{atom}{second}$")
    assert risk is not None and "quantifiers that repeat many times" in risk
