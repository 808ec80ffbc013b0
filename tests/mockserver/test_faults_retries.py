"""The anthropic SDK's retries against scripted 429/529 faults: attempts counted in the journal."""

from __future__ import annotations

import json

import anthropic
import pytest
from sequrity import SequrityClient
from sequrity._exceptions import SequrityAPIError

from sequrity_contract.mockserver import MockServer

HELLO = [{"role": "user", "content": "hello"}]


def sdk(server: MockServer, max_retries: int) -> anthropic.Anthropic:
    return anthropic.Anthropic(base_url=f"{server.url}/control/chat/anthropic", auth_token="k",
                               default_headers={"X-Api-Key": "llm"}, max_retries=max_retries, timeout=5.0)


def fault(**spec: object) -> dict[str, str]:
    return {"X-Mock-Fault": json.dumps(spec)}


@pytest.mark.parametrize("status", [429, 529])
def test_the_sdk_retries_until_the_fault_stops_firing(server: MockServer, status: int) -> None:
    message = sdk(server, max_retries=2).messages.create(
        model="m", max_tokens=20, messages=HELLO, extra_headers=fault(status=status, retry_after=0.05, times=2,
                                                                      key=f"retry-{status}"))
    assert message.type == "message"
    assert [e["status"] for e in server.requests] == [status, status, 200]
    assert [r["attempt"] for e in server.requests for r in e["faults"]] == [1, 2]


def test_the_sdk_gives_up_after_max_retries(server: MockServer) -> None:
    with pytest.raises(anthropic.RateLimitError) as raised:
        sdk(server, max_retries=1).messages.create(
            model="m", max_tokens=20, messages=HELLO, extra_headers=fault(status=429, retry_after=0.05, times=5))
    assert raised.value.response.headers["retry-after"] == "1"  # whole seconds, rounded up
    assert raised.value.response.headers["retry-after-ms"] == "50"
    assert [e["status"] for e in server.requests] == [429, 429]


def test_the_sdk_waits_as_long_as_retry_after_says(server: MockServer) -> None:
    # the SDK's own first backoff is at most 0.5 s, so a gap of >= 1 s is the header's doing
    sdk(server, max_retries=1).messages.create(
        model="m", max_tokens=20, messages=HELLO, extra_headers=fault(status=529, retry_after=1, times=1))
    first, second = server.requests
    assert (first["status"], second["status"]) == (529, 200)
    assert second["time"] - first["time"] >= 1.0


def test_the_sdk_waits_the_retry_after_ms_milliseconds_not_the_rounded_up_seconds(server: MockServer) -> None:
    # retry_after=0.2 is sent as retry-after: 1 and retry-after-ms: 200; the SDK reads retry-after-ms first
    message = sdk(server, max_retries=1).messages.create(
        model="m", max_tokens=20, messages=HELLO, extra_headers=fault(status=429, retry_after=0.2, times=1,
                                                                      key="retry-after-ms"))
    assert message.type == "message"
    first, second = server.requests
    assert (first["status"], second["status"]) == (429, 200)
    assert 0.2 <= second["time"] - first["time"] < 0.9  # 1 s or more would mean it waited for retry-after


def test_the_sdk_retries_a_streaming_request_too(server: MockServer) -> None:
    with sdk(server, max_retries=2).messages.stream(
            model="m", max_tokens=200, messages=HELLO, extra_headers=fault(status=529, retry_after=0.05, times=1)) as s:
        final = s.get_final_message()
    assert final.stop_reason == "end_turn" and final.content[0].type == "text"
    assert [(e["status"], e["stream"]) for e in server.requests] == [(529, False), (200, True)]


def test_the_official_client_does_not_retry(server: MockServer) -> None:
    client = SequrityClient(api_key="k", base_url=server.url)
    with pytest.raises(SequrityAPIError) as raised:
        client.control.messages.create(messages=HELLO, model="m", max_tokens=20,
                                       custom_headers=fault(status=429, retry_after=0.05, times=1))
    assert raised.value.status_code == 429
    assert len(server.requests) == 1
