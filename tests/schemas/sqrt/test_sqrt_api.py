"""The public names of ``sequrity_contract.schemas.sqrt``: sorted, complete, each one defined."""

from __future__ import annotations

from sequrity_contract.schemas import ContractError, sqrt


def test_exports_are_sorted_and_resolve() -> None:
    assert sqrt.__all__ == sorted(sqrt.__all__)
    assert all(hasattr(sqrt, name) for name in sqrt.__all__)
    assert {"PolicySession", "Decision", "parse_policy", "print_policy", "SqrtSyntaxError"} <= set(sqrt.__all__)


def test_every_sqrt_error_is_a_contract_error() -> None:
    for error in (sqrt.SqrtError, sqrt.SqrtSyntaxError, sqrt.SqrtPolicyError, sqrt.SqrtEvaluationError):
        assert issubclass(error, ContractError) and issubclass(error, ValueError)


def test_replay_takes_a_conversations_calls_and_results_once() -> None:
    from sequrity_contract.schemas.sqrt import PolicySession
    from sequrity_contract.schemas.tool_calls import ToolCall, ToolResult

    policy = ('tool "load" -> @tags |= {"secret"};'
              ' tool "send" { session before { @tags |= {"tried"}; } must deny when "secret" in body.tags; }')
    history = [ToolCall("c1", "load", {"id": "7"}), ToolResult("c1", "the plans"),
               ToolCall("c2", "send", {"body": "x"}), ToolResult("c2", "sent"), ToolResult("nobody", "ignored")]
    session, decided, observed = PolicySession(policy), set(), set()
    session.replay(history, decided=decided, observed=observed)
    assert (decided, observed) == ({"c1", "c2"}, {"c1", "c2"})
    assert [tool for tool, _ in session.results] == ["load", "send"]
    assert "tried" in session.session_meta.tags.strings()
    session.replay(history, decided=decided, observed=observed)  # nothing taken twice
    assert len(session.results) == 2
    assert not session.check_call("send", {"body": "see: the plans"}).allowed


def test_replay_reads_a_result_wrapped_with_its_metadata() -> None:
    from sequrity_contract.schemas.sqrt import PolicySession
    from sequrity_contract.schemas.tool_calls import ToolCall, ToolResult

    wrapped = '{"value": "the plans", "meta": {"tags": ["secret"]}, "is_sequrity_var": true}'
    session = PolicySession('tool "send" { must deny when "secret" in body.tags; }')
    session.replay([ToolCall("c1", "load"), ToolResult("c1", wrapped)])
    assert "secret" in session.results[0][1].meta.tags.strings()
    assert not session.check_call("send", {"body": "the plans"}).allowed
