"""The answer cache: a repeated request is answered from it, an evicted answer is made again the
same, the cache never holds more than ``cache_size`` answers, and an answer that cannot be
streamed is refused whole."""

from __future__ import annotations

from typing import Any

import pytest
from mock_helpers import call, post

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.pipeline.responder import Reply, RequestContext
from sequrity_contract.mockserver.synthesis import Synthesizer


class Counting:
    """The synthesizer, cacheable as it is, counting the answers it is asked to make."""

    cacheable = True

    def __init__(self) -> None:
        self.made = 0
        self._synthesizer = Synthesizer()

    async def respond(self, context: RequestContext) -> Reply:
        self.made += 1
        return await self._synthesizer.respond(context)


def _ask(n: int) -> dict[str, Any]:
    return {"model": "m", "max_tokens": 60, "messages": [{"role": "user", "content": f"question {n}"}],
            "tools": [{"name": "lookup", "input_schema": {"type": "object"}}], "tool_choice": {"type": "any"}}


def _sessionless(server: MockServer, n: int, headers: dict[str, str] | None = None) -> bytes:
    """The answer to question ``n`` with its session id (in the tool_use ids) replaced by a placeholder."""
    answer = post(server.messages_url(), _ask(n), headers)
    assert answer.status == 200
    return answer.body.replace(answer.headers["X-Session-ID"].encode(), b"<session>")


def test_a_repeated_request_is_answered_from_the_cache_with_its_own_session() -> None:
    responder = Counting()
    with MockServer(seed=5, responder=responder) as server, MockServer(seed=5) as reference:
        answers = [post(server.messages_url(), _ask(1)) for _ in range(3)]
        assert responder.made == 1
        sessions = [a.headers["X-Session-ID"] for a in answers]
        assert len(set(sessions)) == 3
        tool_ids = [[b["id"] for b in a.json()["content"] if b["type"] == "tool_use"] for a in answers]
        assert all(ids and all(session in i for i in ids) for session, ids in zip(sessions, tool_ids, strict=True))
        assert _sessionless(server, 1) == _sessionless(reference, 1)
        assert [e["session_id"] for e in server.requests[:3]] == sessions


def test_a_hit_keeps_the_verdicts_of_its_configuration_headers() -> None:
    with MockServer(responder=Counting()) as server:
        limited = {"X-Config": '{"fsm": {"max_n_turns": 1}}'}
        first = post(server.messages_url(), _ask(2), limited)
        session = {**limited, "X-Session-ID": first.headers["X-Session-ID"]}
        refused = post(server.messages_url(), _ask(2), session)  # the same bytes and headers: a hit
        assert refused.status == 400 and "max_n_turns" in refused.json()["detail"]
        bad = {"X-Features": '{"agent_arch": "triple-llm"}'}
        assert [post(server.messages_url(), _ask(2), bad).status for _ in range(2)] == [400, 400]


@pytest.mark.parametrize("cache_size", [0, 2])
def test_answers_are_the_same_after_eviction_and_without_the_cache(cache_size: int) -> None:
    responder = Counting()
    with MockServer(seed=5, cache_size=cache_size, responder=responder) as server, MockServer(seed=5) as reference:
        first = [_sessionless(server, n) for n in range(4)]  # questions 0 and 1 are evicted by 2 and 3
        again = [_sessionless(server, n) for n in range(4)]
        assert again == first == [_sessionless(reference, n) for n in range(4)]
        assert b"<session>" in first[0]  # the tool_use ids carry each request's own session
        assert responder.made == 8  # first in, first out: cycling four through two never hits
        held = call("GET", server.url + "/__admin/health").json()["cached_answers"]
        assert held == cache_size


class Unstreamable:
    """A custom responder whose message has no ``usage``: it can be sent as JSON, not streamed."""

    cacheable = True

    async def respond(self, context: RequestContext) -> Reply:
        return {"id": "msg_1", "type": "message", "role": "assistant", "model": "m", "stop_reason": "end_turn",
                "stop_sequence": None, "content": [{"type": "text", "text": "hi"}]}


def test_an_answer_that_cannot_be_streamed_is_refused_whole_and_the_journal_stays_readable() -> None:
    with MockServer(responder=Unstreamable()) as server:
        assert post(server.messages_url(), _ask(3)).json()["content"] == [{"type": "text", "text": "hi"}]
        for _ in range(2):  # made afresh, then from the cache
            refused = post(server.messages_url(), {**_ask(3), "stream": True})
            assert refused.status == 500
            assert schemas.check("error", refused.json(), status=500) == []
        assert [e["status"] for e in server.requests] == [200, 500, 500]
        assert call("GET", server.url + "/__admin/requests").status == 200
