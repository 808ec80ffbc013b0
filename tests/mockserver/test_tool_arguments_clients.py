"""Tool calls that follow the request, with arguments from the conversation, through real clients
against the real server: "Load 'applicant-829''s profile and send it to hr@gmail.com" calls
load_applicant_profile with applicant-829, then (after its result) send_email to hr@gmail.com with the
profile as its body, then answers with text; on messages (Anthropic SDK and the official client),
chat completions and responses (OpenAI SDK and the official client)."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import openai
import pytest
from applicant_tools import LOAD, REQUEST, SEND
from sequrity import SequrityClient
from sequrity.control.types.headers import FeaturesHeader

from sequrity_contract.mockserver import MockServer

PROFILE = "Applicant applicant-829: Jane Roe, senior engineer, internal_use_only"
SENT = "Email sent."


def _anthropic_tools() -> list[dict[str, Any]]:
    return [{"name": t["name"], "description": t["description"], "input_schema": t["parameters"]}
            for t in (LOAD, SEND)]


def _chat_tools() -> list[dict[str, Any]]:
    return [{"type": "function", "function": t} for t in (LOAD, SEND)]


def _responses_tools() -> list[dict[str, Any]]:
    return [{"type": "function", **t} for t in (LOAD, SEND)]


# -- messages --------------------------------------------------------------------------------------


def _messages_loop(create: Any) -> list[Any]:
    """Run the agent loop with ``create`` (a messages ``create``); the three answers."""
    history: list[dict[str, Any]] = [{"role": "user", "content": REQUEST}]
    answers = []
    for result in (PROFILE, SENT, None):
        answer = create(model="claude-test", max_tokens=800, messages=history, tools=_anthropic_tools())
        answers.append(answer)
        if result is None:
            break
        [call] = [block for block in answer.content if block.type == "tool_use"]
        history += [{"role": "assistant", "content": [block.model_dump(exclude_none=True) for block in answer.content]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": result}]}]
    return answers


def _check_messages(answers: list[Any]) -> None:
    first, second, third = answers
    [load] = [block for block in first.content if block.type == "tool_use"]
    assert (first.stop_reason, load.name) == ("tool_use", "load_applicant_profile")
    assert load.input == {"applicant_id": "applicant-829"}
    [send] = [block for block in second.content if block.type == "tool_use"]
    assert (second.stop_reason, send.name) == ("tool_use", "send_email")
    assert send.input["to"] == "hr@gmail.com" and send.input["body"] == PROFILE
    assert third.stop_reason == "end_turn" and [block.type for block in third.content] == ["text"]


def test_the_anthropic_sdk_gets_the_implied_calls_in_order_then_text(server: MockServer) -> None:
    client = anthropic.Anthropic(base_url=f"{server.url}/control/chat/anthropic", auth_token="k",
                                 default_headers={"X-Api-Key": "llm-key"}, max_retries=0)
    _check_messages(_messages_loop(client.messages.create))


def test_the_official_client_gets_the_implied_calls_on_messages(server: MockServer) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    _check_messages(_messages_loop(client.control.messages.create))


def test_a_forced_call_after_every_implied_tool_still_calls_one(server: MockServer) -> None:
    """``any`` keeps its meaning: a call even when the request's tools all have results."""
    client = SequrityClient(api_key="k", base_url=server.url)
    load, send = "tc-load", "tc-send"
    history = [{"role": "user", "content": REQUEST},
               {"role": "assistant", "content": [{"type": "tool_use", "id": load, "name": LOAD["name"],
                                                  "input": {"applicant_id": "applicant-829"}},
                                                 {"type": "tool_use", "id": send, "name": SEND["name"],
                                                  "input": {"to": "hr@gmail.com", "body": PROFILE}}]},
               {"role": "user", "content": [{"type": "tool_result", "tool_use_id": load, "content": PROFILE},
                                            {"type": "tool_result", "tool_use_id": send, "content": SENT}]}]
    answer = client.control.messages.create(model="m", max_tokens=800, messages=history, tools=_anthropic_tools(),
                                            tool_choice={"type": "any"})
    assert answer.stop_reason == "tool_use"
    none = client.control.messages.create(model="m", max_tokens=800, messages=history[:1], tools=_anthropic_tools(),
                                          tool_choice={"type": "none"})
    assert none.stop_reason == "end_turn"


# -- chat completions ------------------------------------------------------------------------------


def _chat_loop(create: Any, **options: Any) -> list[Any]:
    history: list[dict[str, Any]] = [{"role": "user", "content": REQUEST}]
    answers = []
    for result in (PROFILE, SENT, None):
        answer = create(model="gpt-4o", messages=history, tools=_chat_tools(), **options)
        answers.append(answer)
        if result is None:
            break
        [call] = answer.choices[0].message.tool_calls or []
        history += [{"role": "assistant", "content": None,
                     "tool_calls": [{"id": call.id, "type": "function",
                                     "function": {"name": call.function.name, "arguments": call.function.arguments}}]},
                    {"role": "tool", "tool_call_id": call.id, "content": result}]
    return answers


def _check_chat(answers: list[Any]) -> None:
    first, second, third = (answer.choices[0] for answer in answers)
    [load] = first.message.tool_calls or []
    assert (first.finish_reason, load.function.name) == ("tool_calls", "load_applicant_profile")
    assert json.loads(load.function.arguments) == {"applicant_id": "applicant-829"}
    [send] = second.message.tool_calls or []
    assert (second.finish_reason, send.function.name) == ("tool_calls", "send_email")
    arguments = json.loads(send.function.arguments)
    assert arguments["to"] == "hr@gmail.com" and arguments["body"] == PROFILE
    assert third.finish_reason == "stop" and not third.message.tool_calls and third.message.content


def test_the_openai_sdk_gets_the_implied_calls_on_chat_completions(server: MockServer) -> None:
    client = openai.OpenAI(base_url=f"{server.url}/control/chat/openai/v1", api_key="sk-llm", max_retries=0)
    _check_chat(_chat_loop(client.chat.completions.create))


def test_the_official_client_gets_the_implied_calls_on_chat_with_dual_llm(server: MockServer) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    answers = _chat_loop(client.control.chat.create, features=FeaturesHeader.dual_llm())
    _check_chat(answers)
    assert json.loads(answers[-1].choices[0].message.content)["status"] == "success"


# -- responses -------------------------------------------------------------------------------------


def _responses_loop(create: Any) -> list[Any]:
    history: list[dict[str, Any]] = [{"role": "user", "content": REQUEST}]
    answers = []
    for result in (PROFILE, SENT, None):
        answer = create(model="gpt-4o", input=history, tools=_responses_tools())
        answers.append(answer)
        if result is None:
            break
        [call] = [item for item in answer.output if item.type == "function_call"]
        history += [{"type": "function_call", "call_id": call.call_id, "name": call.name,
                     "arguments": call.arguments},
                    {"type": "function_call_output", "call_id": call.call_id, "output": result}]
    return answers


def _check_responses(answers: list[Any]) -> None:
    first, second, third = answers
    [load] = [item for item in first.output if item.type == "function_call"]
    assert load.name == "load_applicant_profile" and json.loads(load.arguments) == {"applicant_id": "applicant-829"}
    [send] = [item for item in second.output if item.type == "function_call"]
    arguments = json.loads(send.arguments)
    assert send.name == "send_email" and arguments["to"] == "hr@gmail.com" and arguments["body"] == PROFILE
    assert [item.type for item in third.output] == ["message"]


@pytest.mark.parametrize("client_name", ["openai", "sequrity"])
def test_clients_get_the_implied_calls_on_responses(server: MockServer, client_name: str) -> None:
    if client_name == "openai":
        sdk = openai.OpenAI(api_key="k", base_url=server.url + "/control/chat/openai/v1", max_retries=0)
        _check_responses(_responses_loop(sdk.responses.create))
    else:
        _check_responses(_responses_loop(SequrityClient(api_key="k", base_url=server.url).control.responses.create))


def test_a_stub_still_fixes_the_arguments(server: MockServer) -> None:
    """A stub's tool_use is sent as written, whatever the conversation states."""
    server.stub({"id": "fixed-applicant", "match": {"where": [{"path": "$.tools[0].name",
                                                                "equals": "load_applicant_profile"}]},
                 "message": {"content": [{"type": "tool_use", "name": "load_applicant_profile",
                                          "input": {"applicant_id": "applicant-1"}}]}})
    client = SequrityClient(api_key="k", base_url=server.url)
    answer = client.control.messages.create(model="m", max_tokens=800, messages=[{"role": "user", "content": REQUEST}],
                                            tools=_anthropic_tools())
    [call] = [block for block in answer.content if block.type == "tool_use"]
    assert call.input == {"applicant_id": "applicant-1"}
