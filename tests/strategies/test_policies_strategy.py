"""``strategies.policies``/``policy_trees``: every drawn policy parses (ours and, when installed,
the published parser), prints back to its tree and runs in a policy session."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from sequrity_contract import strategies
from sequrity_contract.schemas.sqrt import (
    Policy,
    PolicySession,
    SqrtEvaluationError,
    parse_policy,
    print_policy,
)

TOOLS: dict[str, Any] = {
    "send_email": {"type": "object", "properties": {"to": {"type": "string"}, "body": {"type": "string"},
                                                    "not": {"type": "string"}, "bad-name": {"type": "string"}}},
    "load_applicant_profile": {"type": "object", "properties": {"applicant_id": {"type": "string"}}},
    "search": {"type": "object"},
}


@given(strategies.policy_trees(TOOLS))
def test_a_drawn_tree_prints_and_parses_back_to_itself(policy: Policy) -> None:
    assert parse_policy(print_policy(policy)) == policy


@given(strategies.policies(["send_email", "get.document"]))
def test_drawn_text_parses_and_builds_a_session(text: str) -> None:
    PolicySession(parse_policy(text))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.policies(TOOLS))
def test_the_published_parser_accepts_every_drawn_policy(text: str) -> None:
    published = pytest.importorskip("sequrity.sqrt.parser")
    assert published.validate(text), text


@given(strategies.policy_trees(TOOLS), st.sampled_from(sorted(TOOLS)),
       st.dictionaries(st.sampled_from(["to", "body", "applicant_id"]), st.text(max_size=12) | st.integers()))
def test_decisions_are_deterministic_and_consistent(policy: Policy, tool: str, arguments: dict[str, Any]) -> None:
    decisions = []
    for _ in range(2):
        session = PolicySession(policy)
        try:
            session.observe_result("load_applicant_profile", "profile of applicant-829")
            decisions.append(session.check_call(tool, arguments))
        except SqrtEvaluationError:  # set algebra the engine refuses (patterns in a complement)
            return
    first, second = decisions
    assert (first.allowed, first.verdict, first.rules) == (second.allowed, second.verdict, second.rules)
    assert first.verdict.endswith("allowed") is first.allowed
    assert (first.message is None) is first.allowed


@pytest.mark.parametrize(("call", "message"), [
    (lambda: strategies.policies([]), "tools="),
    (lambda: strategies.policies(5), "tools=5"),  # type: ignore[arg-type]
    (lambda: strategies.policies(["a"], max_tools=0), "max_tools=0"),
    (lambda: strategies.policy_trees({"": {}}), "tools="),
])
def test_bad_arguments_are_named(call: Any, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        call().validate()
