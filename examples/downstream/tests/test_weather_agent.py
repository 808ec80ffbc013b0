"""Tests of weather_agent.py through the SDK client fixtures (``pip install 'sequrity-contract[pytest,clients]'``)."""

import pytest
from weather_agent import ask_with_anthropic, ask_with_openai, ask_with_sequrity


def test_the_agent_runs_the_tool_and_returns_the_final_text(sequrity_mock, anthropic_client):
    sequrity_mock.stub(sequence=[
        {"message": {"content": [{"type": "tool_use", "name": "get_weather", "input": {"city": "Paris"}}]}},
        {"message": {"content": "It is sunny in Paris."}},
    ])
    assert ask_with_anthropic(anthropic_client, "Weather in Paris?") == "It is sunny in Paris."
    first, second = sequrity_mock.requests
    [result] = second["body"]["messages"][-1]["content"]
    assert result["content"] == "Sunny in Paris"
    assert second["session_id"] == first["session_id"]  # the tool id carries the session


def test_the_agent_gives_up_after_its_turn_budget(sequrity_mock, anthropic_client):
    sequrity_mock.stub(message={"content": [{"type": "tool_use", "name": "get_weather", "input": {"city": "Oslo"}}]})
    with pytest.raises(RuntimeError, match="no final answer after 2 turns"):
        ask_with_anthropic(anthropic_client, "Weather in Oslo?", max_turns=2)
    assert len(sequrity_mock.requests) == 2


def test_the_openai_agent_runs_the_tool_and_returns_the_final_text(sequrity_mock, openai_client):
    sequrity_mock.stub(endpoint="chat_completions", sequence=[
        {"message": {"tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]}},
        {"message": {"content": "It is sunny in Paris."}},
    ])
    assert ask_with_openai(openai_client, "Weather in Paris?") == "It is sunny in Paris."
    first, second = sequrity_mock.requests
    assert second["path"] == "/control/chat/openai/v1/chat/completions"
    assert second["body"]["messages"][-1]["content"] == "Sunny in Paris"
    assert second["session_id"] == first["session_id"]  # the tool call id carries the session


def test_the_official_client_gets_the_stubbed_answer(sequrity_mock, sequrity_official_client):
    greeting = sequrity_mock.stub(match={"body": {"messages": [{"content": "Hello?"}]}},
                                  message={"content": "Hi there"})
    assert ask_with_sequrity(sequrity_official_client, "Hello?") == "Hi there"
    [entry] = sequrity_mock.requests
    assert entry["path"] == "/control/chat/v1/messages" and entry["stub"] == greeting.id
    assert entry["headers"]["Authorization"] == "<redacted>"  # the key never reaches the journal
