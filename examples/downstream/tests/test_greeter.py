"""Tests of greeter.py against the mock server, through the plugin's fixtures."""

import asyncio
import json

from greeter import greet, greet_twice


def test_greet_sends_one_request_with_the_features_header(sequrity_mock, sequrity_client):
    text = asyncio.run(greet(sequrity_client, "Ada"))
    [entry] = sequrity_mock.requests
    assert text and "Ada" in entry["body"]["messages"][0]["content"]
    assert json.loads(entry["headers"]["X-Features"]) == {"agent_arch": "single-llm"}
    assert entry["path"] == "/control/chat/v1/messages"


def test_the_second_greeting_continues_the_session(sequrity_mock, sequrity_client):
    asyncio.run(greet_twice(sequrity_client, "Grace"))
    first, second = sequrity_mock.requests
    assert second["headers"]["X-Session-ID"] == first["session_id"]


def test_each_test_starts_with_an_empty_journal(sequrity_mock):
    assert sequrity_mock.requests == [] and sequrity_mock.sessions == []


def test_the_server_uses_the_overridden_config(sequrity_mock):
    assert sequrity_mock.config.seed == 7
    assert sequrity_mock.messages_url("code", "openai").endswith("/control/code/openai/v1/messages")
