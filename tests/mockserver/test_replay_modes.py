"""Record modes (VCR's none/once/new_episodes/all), matching, misses, repeats, timing and
concurrency of the record and replay modes, against a real upstream mock server process."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from mock_helpers import AUTH, RawAnswer, call, post
from upstream_helpers import UpstreamProcess, upstream_process

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.modes.cassette import Cassette
from sequrity_contract.mockserver.modes.matching import Difference


@pytest.fixture(scope="module")
def upstream() -> Iterator[UpstreamProcess]:
    """One synthesizing upstream process for the module."""
    with upstream_process("--seed", "3") as process:
        yield process


def ask(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "m", "max_tokens": 60, "messages": [{"role": "user", "content": text}], **extra}


def upstream_requests(upstream: UpstreamProcess) -> int:
    return len(call("GET", f"{upstream.url}/__admin/requests").json())


def texts(cassette: Path) -> list[str]:
    return [i["request"]["body"]["messages"][0]["content"] for i in Cassette.load(cassette).interactions]


def test_once_records_a_new_cassette_then_only_replays_it(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = str(tmp_path / "once.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        first = post(recorder.messages_url(), ask("alpha"))
        post(recorder.messages_url(), ask("beta"))
    assert texts(Path(cassette)) == ["alpha", "beta"]
    before = upstream_requests(upstream)
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette, replay_speed="none") as again:
        replayed = post(again.messages_url(), ask("alpha"))
        missed = post(again.messages_url(), ask("gamma"))
    assert replayed.json() == first.json() and replayed.headers["X-Session-ID"] == first.headers["X-Session-ID"]
    assert missed.status == 404
    assert upstream_requests(upstream) == before  # nothing was forwarded
    assert texts(Path(cassette)) == ["alpha", "beta"]


def test_new_episodes_replays_matches_and_records_the_rest(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = str(tmp_path / "episodes.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        post(recorder.messages_url(), ask("alpha"))
    before = upstream_requests(upstream)
    with MockServer(mode="record", record_mode="new_episodes", upstream=upstream.url, cassette=cassette,
                    replay_speed="none") as recorder:
        assert post(recorder.messages_url(), ask("alpha")).status == 200
        assert post(recorder.messages_url(), ask("delta")).status == 200
        assert post(recorder.messages_url(), ask("alpha")).status == 200  # a repeat is a new episode
    assert upstream_requests(upstream) == before + 2
    assert texts(Path(cassette)) == ["alpha", "delta", "alpha"]


def test_all_records_everything_afresh(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = str(tmp_path / "all.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        post(recorder.messages_url(), ask("old"))
    with MockServer(mode="record", record_mode="all", upstream=upstream.url, cassette=cassette) as recorder:
        post(recorder.messages_url(), ask("old"))
        post(recorder.messages_url(), ask("new"))
    assert texts(Path(cassette)) == ["old", "new"]
    assert len(Cassette.load(cassette)) == 2


def test_record_mode_none_never_records_and_needs_no_upstream(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = str(tmp_path / "none.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        recorded = post(recorder.messages_url(), ask("alpha"))
    with MockServer(mode="record", record_mode="none", cassette=cassette, replay_speed="none") as player:
        assert post(player.messages_url(), ask("alpha")).json() == recorded.json()
        assert post(player.messages_url(), ask("omega")).status == 404
    assert texts(Path(cassette)) == ["alpha"]


def test_repeated_requests_replay_in_recorded_order_then_the_last_again(upstream: UpstreamProcess,
                                                                       tmp_path: Path) -> None:
    cassette = str(tmp_path / "repeats.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        recorded = [post(recorder.messages_url(), ask("same")).headers["X-Session-ID"] for _ in range(3)]
    assert len(set(recorded)) == 3  # each request started its own session upstream
    with MockServer(mode="replay", cassette=cassette, replay_speed="none") as player:
        replayed = [post(player.messages_url(), ask("same")).headers["X-Session-ID"] for _ in range(4)]
        player.clear()  # every recording playable again
        rewound = post(player.messages_url(), ask("same")).headers["X-Session-ID"]
    assert replayed == [*recorded, recorded[-1]]
    assert rewound == recorded[0]


def test_a_miss_names_the_closest_recording_and_the_first_difference(upstream: UpstreamProcess,
                                                                     tmp_path: Path) -> None:
    cassette = str(tmp_path / "miss.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        post(recorder.messages_url(), ask("the weather in Paris", temperature=0.5))
        post(recorder.messages_url("code"), ask("the weather in Paris"))
    with MockServer(mode="replay", cassette=cassette) as player:
        missed = post(player.messages_url(), ask("the weather in Rome", temperature=0.5))
    body = missed.json()
    assert missed.status == 404
    assert schemas.check("error", body, status=404) == []
    message = body["error"]["message"]
    assert "closest is interaction #0 (POST /control/chat/v1/messages)" in message
    assert '$.messages[0].content: recorded "the weather in Paris", got "the weather in Rome"' in message
    assert cassette in message


def test_on_miss_synthesize_answers_misses_from_the_synthesizer(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = str(tmp_path / "synth.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        recorded = post(recorder.messages_url(), ask("alpha"))
    with MockServer(mode="replay", cassette=cassette, on_miss="synthesize", seed=3, replay_speed="none") as player:
        assert post(player.messages_url(), ask("alpha")).json() == recorded.json()
        synthesized = post(player.messages_url(), ask("never recorded"))
        journal = player.requests
    with MockServer(seed=3) as synthesizer:
        expected = post(synthesizer.messages_url(), ask("never recorded"))
    assert synthesized.status == 200
    assert synthesized.json() == expected.json()
    assert len(journal) == 2  # one journal entry per request, fallbacks included


def test_ignored_paths_and_custom_matchers(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = str(tmp_path / "matchers.json")
    dual = {"X-Features": '{"agent_arch": "dual-llm"}'}
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        recorded = post(recorder.messages_url(), ask("alpha", metadata={"user_id": "u-1"}), headers=dual)

    def same_features(recorded: dict[str, Any], actual: dict[str, Any]) -> Difference | None:
        was, now = recorded["headers"].get("X-Features"), actual["headers"].get("X-Features")
        return None if was == now else Difference("header X-Features", was, now)

    with MockServer(mode="replay", cassette=cassette, match_ignore=("metadata.user_id",),
                    matchers=[same_features], replay_speed="none") as player:
        other_user = post(player.messages_url(), ask("alpha", metadata={"user_id": "u-2"}), headers=dual)
        no_features = post(player.messages_url(), ask("alpha", metadata={"user_id": "u-1"}))
    assert other_user.json() == recorded.json()
    assert no_features.status == 404
    assert 'header X-Features: recorded "{\\"agent_arch\\": \\"dual-llm\\"}", got null' in \
        no_features.json()["error"]["message"]


def test_replay_checks_requests_like_the_mock(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = str(tmp_path / "checks.json")
    with MockServer(mode="record", upstream=upstream.url, cassette=cassette) as recorder:
        post(recorder.messages_url(), ask("alpha"))
    with MockServer(mode="replay", cassette=cassette, api_keys=("right",)) as player:
        refused = post(player.messages_url(), ask("alpha"))
        invalid = call("POST", player.messages_url(), json_body=ask("alpha", temperature=3),
                       headers={"Authorization": "Bearer right"})
    assert refused.status == 401
    assert invalid.status == 400 and "$.temperature" in invalid.json()["error"]["message"]


def _timed_cassette(path: Path, gap: float) -> None:
    message = {"id": "msg_t", "type": "message", "role": "assistant", "content": [{"type": "text", "text": "tick"}],
               "model": "m", "stop_reason": "end_turn", "stop_sequence": None,
               "usage": {"input_tokens": 1, "output_tokens": 1}}
    events = schemas.to_events(message)
    timed = [{"at": 0.0 if i < len(events) - 1 else gap, "event": e} for i, e in enumerate(events)]
    Cassette(path, [{"request": {"method": "POST", "path": "/control/chat/v1/messages", "headers": {},
                                 "body": ask("tick", stream=True)},
                     "response": {"status": 200, "at": 0.0, "events": timed,
                                  "headers": {"Content-Type": "text/event-stream",
                                              "X-Session-ID": "0b3c9a52-2f4e-4d7c-9a51-3c1e6f0d2b8a"}}}]).save()


@pytest.mark.parametrize(("speed", "at_least", "below"), [("recorded", 0.6, None), (2.0, 0.3, None),
                                                          ("none", 0.0, 0.6)])
def test_replay_timing_follows_the_speed(tmp_path: Path, speed: float | str, at_least: float,
                                         below: float | None) -> None:
    cassette = tmp_path / "timed.json"
    _timed_cassette(cassette, 0.6)
    with MockServer(mode="replay", cassette=str(cassette), replay_speed=speed) as player:
        started = time.monotonic()
        answer = post(player.messages_url(), ask("tick", stream=True))
        elapsed = time.monotonic() - started
    assert schemas.accumulate(answer.events())["content"] == [{"type": "text", "text": "tick"}]
    assert elapsed >= at_least
    if below is not None:
        assert elapsed < below


def test_concurrent_recording_keeps_every_interaction(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = tmp_path / "concurrent.json"

    async def burst(url: str) -> list[int]:
        async with aiohttp.ClientSession() as session:
            async def one(n: int) -> int:
                body = ask(f"request {n}", stream=n % 2 == 0)
                async with session.post(url, json=body, headers=AUTH) as answer:
                    await answer.read()
                    return answer.status
            return await asyncio.gather(*(one(n) for n in range(16)))

    with MockServer(mode="record", upstream=upstream.url, cassette=str(cassette)) as recorder:
        statuses = asyncio.run(burst(recorder.messages_url()))
    assert statuses == [200] * 16
    assert sorted(texts(cassette)) == sorted(f"request {n}" for n in range(16))
    assert not [p for p in tmp_path.iterdir() if p.name != "concurrent.json"]  # no temporary files left


def test_violating_exchanges_are_not_recorded(upstream: UpstreamProcess, tmp_path: Path) -> None:
    cassette = tmp_path / "violations.json"
    with MockServer(mode="record", upstream=upstream.url, cassette=str(cassette)) as recorder:
        rejected: RawAnswer = post(recorder.messages_url(), ask("alpha", temperature=3))
        post(recorder.messages_url(), ask("beta"))
        report = call("GET", f"{recorder.url}/__admin/violations").json()
        assert recorder.violations == report
    assert rejected.status == 400  # the upstream's own answer, relayed
    assert [v["rule"] for v in report["violations"]] == ["temperature_range"]
    assert texts(cassette) == ["beta"]
    assert json.loads(cassette.read_text())["version"] == 1
