"""The answer cache: a repeated request is answered from it, an evicted answer is made again the
same, and the cache never holds more than ``cache_size`` answers."""

from __future__ import annotations

import pytest
from mock_helpers import call, post

from mockserver import MockServer


def _ask(n: int) -> dict[str, object]:
    return {"model": "m", "max_tokens": 60, "messages": [{"role": "user", "content": f"question {n}"}],
            "tools": [{"name": "lookup", "input_schema": {"type": "object"}}], "tool_choice": {"type": "any"}}


def _sessionless(server: MockServer, n: int) -> bytes:
    """The answer to question ``n`` with its session id (in the tool_use ids) replaced by a placeholder."""
    answer = post(server.messages_url(), _ask(n))
    assert answer.status == 200
    return answer.body.replace(answer.headers["X-Session-ID"].encode(), b"<session>")


@pytest.mark.parametrize("cache_size", [0, 2])
def test_answers_are_the_same_from_the_cache_after_eviction_and_without_it(cache_size: int) -> None:
    with MockServer(seed=5, cache_size=cache_size) as server, MockServer(seed=5) as reference:
        first = [_sessionless(server, n) for n in range(4)]  # questions 0 and 1 are evicted by 2 and 3
        again = [_sessionless(server, n) for n in range(4)]
        assert again == first == [_sessionless(reference, n) for n in range(4)]
        assert b"<session>" in first[0]  # the tool_use ids carry each request's own session
        held = call("GET", server.url + "/__admin/health").json()["cached_answers"]
        assert held == cache_size
