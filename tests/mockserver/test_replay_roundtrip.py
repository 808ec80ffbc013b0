"""Record a session through the recording proxy in front of a second real mock server process,
stop that process, replay offline: the official ``sequrity`` client and the ``anthropic`` SDK
get identical results, streams identical event by event and in order, and no secret reaches
the cassette."""

from __future__ import annotations

import json
import socket
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anthropic
import pytest
from sequrity import SequrityClient
from sequrity.control import FeaturesHeader
from upstream_helpers import upstream_process

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.modes.cassette import Cassette

SEQURITY_KEY = "sk-seq-SECRET-7f3a9c"
LLM_KEY = "llm-SECRET-2b8e41"
USER_ID = "user-SECRET-5d1c07"
WEATHER = {"name": "get_weather", "description": "weather of a city",
           "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
THINKING = {"type": "enabled", "budget_tokens": 1024}
Results = list[Any]


def sequrity_session(base_url: str) -> Results:
    """Plain, tools (call and follow-up), thinking, dual-LLM, and three streams, with the official client."""
    client = SequrityClient(api_key=SEQURITY_KEY, base_url=base_url)
    create = client.control.messages.create
    out: Results = []

    def keep(response: Any) -> dict[str, Any]:
        out.append({"session_id": response.session_id, **response.model_dump(mode="json", exclude_unset=True)})
        return out[-1]

    def keep_stream(stream: Any) -> None:
        with stream:
            events = [event.model_dump(mode="json", exclude_unset=True) for event in stream]
        out.append({"session_id": stream.session_id, "events": events})

    ask = [{"role": "user", "content": "Hello from the official client, weather in Oslo?"}]
    keep(create(messages=ask, model="claude-test", max_tokens=100, llm_api_key=LLM_KEY,
                metadata={"user_id": USER_ID}))
    called = keep(create(messages=ask, model="claude-test", max_tokens=300, tools=[WEATHER],
                         tool_choice={"type": "any"}))
    tool_use = next(b for b in called["content"] if b["type"] == "tool_use")
    result = {"type": "tool_result", "tool_use_id": tool_use["id"], "content": "-3 C"}
    follow_up = [*ask, {"role": "assistant", "content": called["content"]}, {"role": "user", "content": [result]}]
    keep(create(messages=follow_up, model="claude-test", max_tokens=300, tools=[WEATHER]))
    keep(create(messages=ask, model="claude-test", max_tokens=2000, thinking=THINKING))
    keep(create(messages=ask, model="claude-test", max_tokens=300, features=FeaturesHeader.dual_llm()))
    keep_stream(create(messages=ask, model="claude-test", max_tokens=100, stream=True))
    keep_stream(create(messages=ask, model="claude-test", max_tokens=300, tools=[WEATHER], stream=True))
    keep_stream(create(messages=ask, model="claude-test", max_tokens=2000, thinking=THINKING, stream=True))
    client.close()
    return out


def anthropic_session(base_url: str) -> Results:
    """The same kinds of request through the Anthropic SDK (the adapter's configuration)."""
    client = anthropic.Anthropic(base_url=f"{base_url}/control/chat/anthropic", auth_token=SEQURITY_KEY,
                                 default_headers={"X-Api-Key": LLM_KEY}, max_retries=0)
    out: Results = []

    def keep(**request: Any) -> dict[str, Any]:
        raw = client.messages.with_raw_response.create(model="claude-test", **request)
        out.append({"session_id": raw.headers.get("X-Session-ID"), **raw.parse().to_dict()})
        return out[-1]

    def keep_stream(**request: Any) -> None:
        with client.messages.with_streaming_response.create(model="claude-test", stream=True, **request) as raw:
            events = [event.to_dict() for event in raw.parse()]
            out.append({"session_id": raw.headers.get("X-Session-ID"), "events": events})

    ask = [{"role": "user", "content": "Hello from the Anthropic SDK, weather in Lima?"}]
    keep(messages=ask, max_tokens=100, metadata={"user_id": USER_ID})
    called = keep(messages=ask, max_tokens=300, tools=[WEATHER], tool_choice={"type": "any"})
    tool_use = next(b for b in called["content"] if b["type"] == "tool_use")
    session = {"X-Session-ID": called["session_id"]}
    result = {"type": "tool_result", "tool_use_id": tool_use["id"], "content": "19 C"}
    follow_up = [*ask, {"role": "assistant", "content": called["content"]}, {"role": "user", "content": [result]}]
    keep(messages=follow_up, max_tokens=300, tools=[WEATHER], extra_headers=session)
    keep(messages=ask, max_tokens=2000, thinking=THINKING)
    keep(messages=ask, max_tokens=300, extra_headers={"X-Features": '{"agent_arch": "dual-llm"}'})
    keep_stream(messages=ask, max_tokens=100)
    keep_stream(messages=ask, max_tokens=300, tools=[WEATHER])
    keep_stream(messages=ask, max_tokens=2000, thinking=THINKING)
    client.close()
    return out


SESSIONS: dict[str, Callable[[str], Results]] = {"sequrity": sequrity_session, "anthropic": anthropic_session}


def _refuses_connections(url: str) -> bool:
    parsed = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port), timeout=2).close()
    except OSError:
        return True
    return False


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Results], list[dict[str, Any]]]:
    """Both clients' sessions recorded through the proxy; then the upstream process is stopped."""
    cassette = tmp_path_factory.mktemp("cassettes") / "session.json"
    with upstream_process() as upstream:
        with MockServer(mode="record", upstream=upstream.url, cassette=str(cassette),
                        redact=("metadata.user_id",)) as proxy:
            live = {name: session(proxy.url) for name, session in SESSIONS.items()}
            report = proxy.requests
        upstream.stop()
        assert _refuses_connections(upstream.url)
    return cassette, live, report


def test_every_exchange_passed_and_was_recorded(recorded: tuple[Path, dict[str, Results], list[Any]]) -> None:
    cassette, live, journal = recorded
    assert [e["violations"] for e in journal] == [[]] * len(journal)
    assert [e["status"] for e in journal] == [200] * len(journal)
    interactions = Cassette.load(cassette).interactions
    assert len(interactions) == len(journal) == sum(len(r) for r in live.values())
    kinds = {("events" in i["response"], bool(i["request"]["body"].get("thinking")),
              bool(i["request"]["body"].get("tools"))) for i in interactions}
    assert kinds == {(stream, thinking, tools) for stream in (False, True)
                     for thinking, tools in ((False, False), (True, False), (False, True))}
    for interaction in interactions:
        events = interaction["response"].get("events")
        if events is not None:
            assert [e["at"] for e in events] == sorted(e["at"] for e in events)
            assert schemas.accumulate([e["event"] for e in events])["type"] == "message"
        assert interaction["response"]["headers"]["X-Session-ID"]


@pytest.mark.parametrize("client", list(SESSIONS))
def test_offline_replay_gives_each_client_identical_results(
        recorded: tuple[Path, dict[str, Results], list[Any]], client: str) -> None:
    cassette, live, _ = recorded
    speed = "none" if client == "sequrity" else "recorded"
    with MockServer(mode="replay", cassette=str(cassette), replay_speed=speed) as replay:
        replayed = SESSIONS[client](replay.url)
        journal = replay.requests
    assert replayed == live[client]
    streams = [r["events"] for r in replayed if "events" in r]
    assert len(streams) == 3 and all(len(events) >= 6 for events in streams)
    assert [e["status"] for e in journal] == [200] * len(live[client])


def test_no_secret_reaches_the_cassette(recorded: tuple[Path, dict[str, Results], list[Any]]) -> None:
    cassette, _, _ = recorded
    text = cassette.read_text("utf-8")
    for secret in (SEQURITY_KEY, LLM_KEY, USER_ID):
        assert secret not in text
    document = json.loads(text)
    assert document["version"] == 1
    first = document["interactions"][0]["request"]
    assert first["headers"]["Authorization"] == "<redacted>" and first["headers"]["X-Api-Key"] == "<redacted>"
    assert first["body"]["metadata"]["user_id"] == "<redacted>"
