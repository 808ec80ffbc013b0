"""Security policies enforced by the mock (docs/contract.md §12.2): with an ``X-Policy`` holding SQRT,
every tool call an answer would make is decided by the session's policy; a denied call gives way to
the service's refusal; the journal says which rules fired. Driven by the official client and the SDKs
against the real server."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import httpx
import pytest
from applicant_tools import LOAD, SEND
from sequrity import SequrityClient
from sequrity._exceptions import SequrityAPIError
from sequrity.control.types.headers import FeaturesHeader, FineGrainedConfigHeader, SecurityPolicyHeader

from sequrity_contract.mockserver import MockServer

LEAK_POLICY = r'''
tool "load_applicant_profile" -> @tags |= {"internal_use_only"};
tool "send_email" {
    must deny when body.tags superset of {"internal_use_only"}
        and (not to.value in {str matching r".*@trustedcorp\.com"});
}
'''
PROFILE = "Applicant applicant-829: Jane Roe, senior engineer"
DENIED = "'send_email' is denied"


def ask(to: str) -> str:
    return f"Load 'applicant-829''s profile and send it to {to}"


def official(server: MockServer) -> SequrityClient:
    return SequrityClient(api_key="k", base_url=server.url, timeout=10)


def dual_llm_headers(code: str = LEAK_POLICY, fail_fast: bool | None = None) -> dict[str, Any]:
    return {"features": FeaturesHeader.dual_llm(),
            "security_policy": SecurityPolicyHeader.dual_llm(codes=code, fail_fast=fail_fast)}


# -- the scenario, on messages, chat completions and responses --------------------------------------


def messages_round(server: MockServer, to: str) -> tuple[Any, Any]:
    """Ask for the profile to be sent to ``to``: the first answer (the load call) and the answer after its result."""
    client = official(server)
    tools = [{"name": t["name"], "description": t["description"], "input_schema": t["parameters"]}
             for t in (LOAD, SEND)]
    history: list[dict[str, Any]] = [{"role": "user", "content": ask(to)}]
    first = client.control.messages.create(model="m", max_tokens=800, messages=history, tools=tools,
                                           **dual_llm_headers())
    [load] = [block for block in first.content if block.type == "tool_use"]
    history += [{"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in first.content]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": load.id, "content": PROFILE}]}]
    return first, client.control.messages.create(model="m", max_tokens=800, messages=history, tools=tools,
                                                 **dual_llm_headers())


def chat_round(server: MockServer, to: str) -> tuple[Any, Any]:
    client = official(server)
    tools = [{"type": "function", "function": t} for t in (LOAD, SEND)]
    history: list[dict[str, Any]] = [{"role": "user", "content": ask(to)}]
    first = client.control.chat.create(model="gpt-4o", messages=history, tools=tools, **dual_llm_headers())
    [load] = first.choices[0].message.tool_calls or []
    history += [{"role": "assistant", "content": None,
                 "tool_calls": [{"id": load.id, "type": "function",
                                 "function": {"name": load.function.name, "arguments": load.function.arguments}}]},
                {"role": "tool", "tool_call_id": load.id, "content": PROFILE}]
    return first, client.control.chat.create(model="gpt-4o", messages=history, tools=tools, **dual_llm_headers())


def responses_round(server: MockServer, to: str) -> tuple[Any, Any]:
    client = official(server)
    tools = [{"type": "function", **t} for t in (LOAD, SEND)]
    history: list[dict[str, Any]] = [{"role": "user", "content": ask(to)}]
    first = client.control.responses.create(model="gpt-4o", input=history, tools=tools, **dual_llm_headers())
    [load] = [item for item in first.output if item.type == "function_call"]
    history += [{"type": "function_call", "call_id": load.call_id, "name": load.name, "arguments": load.arguments},
                {"type": "function_call_output", "call_id": load.call_id, "output": PROFILE}]
    return first, client.control.responses.create(model="gpt-4o", input=history, tools=tools, **dual_llm_headers())


def messages_calls(answer: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(block.name, block.input) for block in answer.content if block.type == "tool_use"]


def messages_text(answer: Any) -> str:
    return "".join(block.text for block in answer.content if block.type == "text")


def chat_calls(answer: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(call.function.name, json.loads(call.function.arguments))
            for call in answer.choices[0].message.tool_calls or []]


def chat_text(answer: Any) -> str:
    return str(answer.choices[0].message.content or "")


def responses_calls(answer: Any) -> list[tuple[str, dict[str, Any]]]:
    return [(item.name, json.loads(item.arguments)) for item in answer.output if item.type == "function_call"]


def responses_text(answer: Any) -> str:
    return "".join(part.text for item in answer.output if item.type == "message" for part in item.content
                   if part.type == "output_text")


ENDPOINTS = {"messages": (messages_round, messages_calls, messages_text),
             "chat_completions": (chat_round, chat_calls, chat_text),
             "responses": (responses_round, responses_calls, responses_text)}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_profile_may_not_leave_for_an_untrusted_address(server: MockServer, endpoint: str) -> None:
    play, calls, text = ENDPOINTS[endpoint]
    first, second = play(server, "hr@gmail.com")
    [(name, arguments)] = calls(first)
    assert name == "load_applicant_profile" and "applicant-829" in json.dumps(arguments)
    assert calls(second) == []
    document = json.loads(text(second))
    assert document["status"] == "failure" and document["final_return_value"] is None
    assert DENIED in document["error"]["message"] and document["error"]["code"] == "policy_violation"
    assert document["program"].startswith("final_return_value = send_email(")
    [_, refused] = server.requests
    [decision] = refused["policy"]
    assert (decision["tool"], decision["allowed"], decision["verdict"]) == ("send_email", False, "hard_denied")
    assert decision["arguments"]["to"] == "hr@gmail.com" and decision["arguments"]["body"] == PROFILE
    assert [rule["line"] for rule in decision["fired"]] == [4]


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_the_profile_may_leave_for_a_trusted_address(server: MockServer, endpoint: str) -> None:
    play, calls, _ = ENDPOINTS[endpoint]
    _, second = play(server, "boss@trustedcorp.com")
    [(name, arguments)] = calls(second)
    assert (name, arguments["to"], arguments["body"]) == ("send_email", "boss@trustedcorp.com", PROFILE)
    [_, allowed] = server.requests
    assert [(d["tool"], d["allowed"], d["fired"]) for d in allowed["policy"]] == [("send_email", True, [])]


def test_a_streamed_answer_is_refused_the_same_way(server: MockServer) -> None:
    """The refusal is the answer: streamed, it is the text of the stream (Anthropic SDK)."""
    client = anthropic.Anthropic(base_url=f"{server.url}/control/chat/anthropic", auth_token="k",
                                 default_headers={"X-Api-Key": "llm", "X-Policy": json.dumps(
                                     {"codes": {"code": 'tool "send_email" { must deny always; }'}})},
                                 max_retries=0)
    tools = [{"name": SEND["name"], "input_schema": SEND["parameters"]}]
    messages = [{"role": "user", "content": "Send an email to ops@example.com saying hello"}]
    with client.messages.stream(model="m", max_tokens=300, messages=messages, tools=tools) as stream:  # type: ignore[arg-type]
        final = stream.get_final_message()
    assert final.stop_reason == "end_turn"
    assert [block.type for block in final.content] == ["text"]
    assert final.content[0].text == "Tool call to 'send_email' is denied by argument checking policies."  # type: ignore[union-attr]


# -- single-LLM: arguments only --------------------------------------------------------------------


def test_in_single_llm_a_rule_on_an_argument_value_still_denies(server: MockServer) -> None:
    policy = r'tool "send_email" { must deny when not to.value in {str matching r".*@trustedcorp\.com"}; }'
    client = official(server)
    tools = [{"type": "function", "function": SEND}]
    answer = client.control.chat.create(model="gpt-4o", tools=tools, security_policy=SecurityPolicyHeader.single_llm(
        codes=policy), messages=[{"role": "user", "content": "Send an email to hr@gmail.com saying hello"}])
    assert answer.choices[0].message.tool_calls is None
    assert answer.choices[0].finish_reason == "stop"
    assert answer.choices[0].message.content == "Tool call to 'send_email' is denied by argument checking policies."


def test_in_single_llm_tags_do_not_flow_from_results_into_arguments(server: MockServer) -> None:
    """Single-LLM runs no program, so the profile's tag does not reach the email's body: allowed."""
    client = official(server)
    tools = [{"type": "function", "function": t} for t in (LOAD, SEND)]
    load_id = "tc-load-1"
    history = [{"role": "user", "content": ask("hr@gmail.com")},
               {"role": "assistant", "content": None, "tool_calls": [
                   {"id": load_id, "type": "function",
                    "function": {"name": LOAD["name"], "arguments": '{"applicant_id": "applicant-829"}'}}]},
               {"role": "tool", "tool_call_id": load_id, "content": PROFILE}]
    answer = client.control.chat.create(model="gpt-4o", messages=history, tools=tools,
                                        security_policy=SecurityPolicyHeader.single_llm(codes=LEAK_POLICY))
    assert [name for name, _ in chat_calls(answer)] == ["send_email"]


# -- sessions: session blocks count attempts ---------------------------------------------------------

REFUND_POLICY = '''
tool "issue_refund" {
    session before { when "attempt3" in @tags { @tags |= {"final_attempt"}; } }
    session before { when "attempt2" in @tags { @tags |= {"attempt3"}; } }
    session before { when "attempt1" in @tags { @tags |= {"attempt2"}; } }
    session before { @tags |= {"attempt1"}; }
    must allow when "final_attempt" in @session.tags;
}
'''
REFUND = {"name": "issue_refund", "description": "Issue a refund for an order",
          "parameters": {"type": "object", "properties": {"order_id": {"type": "string"}}, "required": ["order_id"]}}
REFUND_ASK = "Issue a refund for order ID 'ORDER67890'."


def refund_attempts(server: MockServer, clear: str, attempts: int = 4) -> list[list[tuple[str, dict[str, Any]]]]:
    """Ask for the refund ``attempts`` times in one session (the official client keeps it); each answer's calls."""
    client = official(server)
    config = FineGrainedConfigHeader.dual_llm(clear_session_meta=clear, max_n_turns=10)  # type: ignore[arg-type]
    history: list[dict[str, Any]] = []
    made = []
    for _ in range(attempts):
        history.append({"role": "user", "content": REFUND_ASK})
        answer = client.control.chat.create(model="gpt-4o", messages=history, tools=[{"type": "function",
                                                                                      "function": REFUND}],
                                            fine_grained_config=config, **dual_llm_headers(REFUND_POLICY))
        history.append({"role": "assistant", "content": answer.choices[0].message.content})
        made.append(chat_calls(answer))
    return made


def test_the_fourth_attempt_of_a_session_is_allowed(server: MockServer) -> None:
    """The refund example of the documentation: three attempts are refused, the fourth goes through."""
    attempts = refund_attempts(server, "never")
    assert attempts[:3] == [[], [], []]
    assert attempts[3] == [("issue_refund", {"order_id": "ORDER67890"})]
    assert len({entry["session_id"] for entry in server.requests}) == 1


def test_clearing_the_session_metadata_every_attempt_never_lets_it_through(server: MockServer) -> None:
    assert refund_attempts(server, "every_attempt", attempts=5) == [[]] * 5


def test_sessions_do_not_share_their_policy_state(server: MockServer) -> None:
    refund_attempts(server, "never", attempts=3)
    assert refund_attempts(server, "never", attempts=1) == [[]]  # a new client: a new session, attempt 1


# -- stubs are checked too ------------------------------------------------------------------------------


def test_a_stubs_call_is_decided_by_the_policy(server: MockServer) -> None:
    server.stub({"id": "leak", "message": {"content": [{"type": "tool_use", "name": "send_email",
                                                          "input": {"to": "x@evil.example", "body": "hi"}}]}})
    client = official(server)
    policy = SecurityPolicyHeader.single_llm(codes='tool "send_email" { must deny when to.value == "x@evil.example"; }')
    answer = client.control.messages.create(model="m", max_tokens=300, security_policy=policy,
                                            messages=[{"role": "user", "content": "hello"}])
    assert [block.type for block in answer.content] == ["text"]
    assert DENIED in messages_text(answer)
    assert server.requests[0]["stub"] == "leak"
    allowed = client.control.messages.create(model="m", max_tokens=300, messages=[{"role": "user", "content": "hi"}])
    assert messages_calls(allowed) == [("send_email", {"to": "x@evil.example", "body": "hi"})]


# -- bad policies -----------------------------------------------------------------------------------------


def post(server: MockServer, policy: dict[str, Any]) -> httpx.Response:
    body = {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
    return httpx.post(f"{server.url}/control/chat/v1/messages", json=body, timeout=10,
                      headers={"Authorization": "Bearer k", "X-Policy": json.dumps(policy)})


def test_a_policy_that_does_not_parse_is_a_400_naming_line_column_and_what_was_expected(server: MockServer) -> None:
    answer = post(server, {"codes": {"code": 'tool "send_email" {\n  must deny when ;\n}'}})
    assert answer.status_code == 400
    message = answer.json()["error"]["message"]
    assert message == ("X-Policy header: $.codes.code: expected SQRT; at line 2, column 18 the parser expected "
                       "a predicate and found ';'")


def test_the_official_client_sees_the_syntax_error(server: MockServer) -> None:
    with pytest.raises(SequrityAPIError) as raised:
        official(server).control.messages.create(
            model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}],
            security_policy=SecurityPolicyHeader.dual_llm(codes='tool "a" { must deny when to.value == ; }'))
    assert raised.value.status_code == 400
    assert "line 1, column 39" in raised.value.message


def test_a_policy_with_an_unbound_name_is_a_400(server: MockServer) -> None:
    answer = post(server, {"codes": {"code": 'tool "a" { must deny when to.value in trusted; }'}})
    assert answer.status_code == 400
    assert "trusted" in answer.json()["error"]["message"]


def test_a_cedar_policy_and_an_empty_code_decide_nothing(server: MockServer) -> None:
    for codes in ({"language": "cedar", "code": "permit(principal, action, resource);"}, {"code": "  "}):
        answer = post(server, {"codes": codes})
        assert answer.status_code == 200
    assert [entry["policy"] for entry in server.requests] == [[], []]


def test_requests_without_a_policy_journal_no_decisions(server: MockServer) -> None:
    official(server).control.messages.create(model="m", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    assert server.requests[0]["policy"] == []


# -- retries and fail_fast --------------------------------------------------------------------------------


def refund(server: MockServer, client: SequrityClient, history: list[dict[str, Any]], **config: Any) -> Any:
    """Ask for the refund once more; retries need ``fail_fast`` off (the refusals are hard denials)."""
    history.append({"role": "user", "content": REFUND_ASK})
    answer = client.control.chat.create(
        model="gpt-4o", messages=history, tools=[{"type": "function", "function": REFUND}],
        fine_grained_config=FineGrainedConfigHeader.dual_llm(max_n_turns=10, **config),
        **dual_llm_headers(REFUND_POLICY, fail_fast=False))
    history.append({"role": "assistant", "content": answer.choices[0].message.content})
    return answer


def attempts_journalled(entry: dict[str, Any]) -> list[tuple[int, bool]]:
    return [(checked["attempt"], checked["allowed"]) for checked in entry["policy"]]


def test_a_hard_denial_is_not_retried_under_fail_fast(server: MockServer) -> None:
    client = official(server)
    answer = client.control.chat.create(
        model="gpt-4o", messages=[{"role": "user", "content": REFUND_ASK}],
        tools=[{"type": "function", "function": REFUND}],
        fine_grained_config=FineGrainedConfigHeader.dual_llm(retry_on_policy_violation=True, max_pllm_steps=4),
        **dual_llm_headers(REFUND_POLICY))
    assert chat_calls(answer) == []
    assert attempts_journalled(server.requests[0]) == [(1, False)]


def test_retries_on_a_violation_run_the_session_blocks_again(server: MockServer) -> None:
    """With retry_on_policy_violation the planner proposes the call again (it is deterministic), up to
    max_pllm_steps attempts: the refund's fourth attempt passes within one request."""
    answer = refund(server, official(server), [], retry_on_policy_violation=True, max_pllm_steps=4)
    assert chat_calls(answer) == [("issue_refund", {"order_id": "ORDER67890"})]
    assert attempts_journalled(server.requests[0]) == [(1, False), (2, False), (3, False), (4, True)]


def test_attempts_count_across_the_requests_of_a_session(server: MockServer) -> None:
    client, history = official(server), []
    first = refund(server, client, history, retry_on_policy_violation=True, max_pllm_steps=2)
    second = refund(server, client, history, retry_on_policy_violation=True, max_pllm_steps=2)
    assert (chat_calls(first), [name for name, _ in chat_calls(second)]) == ([], ["issue_refund"])
    assert [attempts_journalled(e) for e in server.requests] == [[(1, False), (2, False)], [(1, False), (2, True)]]


def test_clearing_every_attempt_forgets_between_retries(server: MockServer) -> None:
    answer = refund(server, official(server), [], retry_on_policy_violation=True, max_pllm_steps=4,
                    clear_session_meta="every_attempt")
    assert chat_calls(answer) == []
    assert attempts_journalled(server.requests[0]) == [(n, False) for n in (1, 2, 3, 4)]


TWO_CALLS = {"content": [{"type": "tool_use", "name": "send_email", "input": {"to": "a@evil.example", "body": "x"}},
                         {"type": "tool_use", "name": "send_email", "input": {"to": "b@evil.example", "body": "y"}}]}
DENY_ALL = 'tool "send_email" { must deny always; }'


@pytest.mark.parametrize(("fail_fast", "journalled"), [
    (None, [(1, False)]),  # the service's default: stop at the first hard denial, no retry
    (True, [(1, False)]),
    (False, [(1, False), (1, False), (2, False), (2, False)]),  # every call checked, then retried
])
def test_fail_fast_stops_at_the_first_hard_denial(server: MockServer, fail_fast: bool | None,
                                                 journalled: list[tuple[int, bool]]) -> None:
    server.stub({"id": "two-emails", "message": TWO_CALLS})
    answer = official(server).control.messages.create(
        model="m", max_tokens=300, messages=[{"role": "user", "content": "hello"}],
        **dual_llm_headers(DENY_ALL, fail_fast),
        fine_grained_config=FineGrainedConfigHeader.dual_llm(retry_on_policy_violation=True, max_pllm_steps=2))
    assert messages_calls(answer) == []
    assert "a@evil.example" in json.loads(messages_text(answer))["program"]  # the refusal is the first denied call's
    assert attempts_journalled(server.requests[0]) == journalled


def test_a_regex_that_could_backtrack_for_minutes_is_a_400_naming_it(server: MockServer) -> None:
    """Policies run on the server's event loop: a regex of a shape that backtracks badly is refused."""
    answer = post(server, {"codes": {"code": r'tool "a" { must deny when x.value in {str matching r"(a+)+$"}; }'}})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "X-Policy header: $.codes.code: r'(a+)+$' could take very long to match (a quantifier + inside a repeated "
        "group); write it without nested or repeated quantifiers")


def test_a_long_policy_fits_in_a_header(server: MockServer) -> None:
    """Six hundred alternatives (about 18 KB of header, more than aiohttp reads by default) are read and enforced."""
    code = 'tool "send_email" { must deny when ' + " or ".join(f'to.value == "a{i}@x.com"' for i in range(600)) + "; }"
    client = official(server)
    answer = client.control.chat.create(model="gpt-4o", tools=[{"type": "function", "function": SEND}],
                                        security_policy=SecurityPolicyHeader.single_llm(codes=code),
                                        messages=[{"role": "user", "content": "Send an email to a599@x.com saying hi"}])
    assert chat_calls(answer) == [] and DENIED in chat_text(answer)
