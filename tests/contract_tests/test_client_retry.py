"""Retries: which answers are retried, how long the client waits, when it gives up.
The client's ``sleep`` is a recording fake clock, so nothing here really waits."""

from __future__ import annotations

import email.utils

import pytest
from client_helpers import REQUEST, Recorder, json_answer, message_answer, messages, run, stream_answer
from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.contract_tests.client import (
    APIConnectionError,
    BadRequestError,
    FunctionTransport,
    HttpRequest,
    OverloadedError,
    RateLimitError,
    ReferenceClient,
    RetryPolicy,
    parse_retry_after,
)
from sequrity_contract.schemas import to_events
from sequrity_contract.schemas.sse import encode_events


class FakeClock:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)


def client_for(recorder: Recorder, clock: FakeClock, retries: int | RetryPolicy = 2) -> ReferenceClient:
    return ReferenceClient("http://test", api_key="sq", transport=FunctionTransport(recorder),
                           max_retries=retries, sleep=clock.sleep)


def test_retry_after_seconds_ms_and_date_are_read():
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert parse_retry_after({"Retry-After": date}, now=lambda: 1_000_000) == 30.0
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


@given(attempt=st.integers(0, 20), roll=st.floats(0, 1))
def test_backoff_grows_with_the_attempt_within_its_bounds(attempt, roll):
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0, jitter=0.25)
    base = min(0.5 * 2 ** attempt, 8.0)
    assert base * 0.75 <= policy.delay(attempt, {}, rand=lambda: roll) <= base


@given(asked=st.floats(0, 60), attempt=st.integers(0, 5))
def test_a_retry_after_within_the_limit_is_honoured_exactly(asked, attempt):
    assert RetryPolicy().delay(attempt, {"retry-after": repr(asked)}) == asked


def test_a_retry_after_beyond_the_limit_falls_back_to_backoff():
    assert RetryPolicy(max_retry_after=10).delay(0, {"retry-after": "3600"}, rand=lambda: 0) == 0.5


@pytest.mark.parametrize(("kwargs", "text"), [
    ({"max_retries": -1}, "max_retries=-1"),
    ({"max_retries": True}, "max_retries=True"),
    ({"initial_delay": float("nan")}, "initial_delay=nan"),
    ({"max_delay": -2}, "max_delay=-2"),
    ({"jitter": 1.5}, "jitter=1.5"),
], ids=lambda v: f"RetryPolicy(**{v})" if isinstance(v, dict) else None)
def test_bad_retry_settings_name_the_argument(kwargs, text):
    with pytest.raises(ValueError, match=__import__("re").escape(text)):
        RetryPolicy(**kwargs)


@given(message=messages, waits=st.lists(st.integers(0, 30), min_size=1, max_size=2))
def test_429_and_529_are_retried_waiting_what_retry_after_asks(message, waits):
    statuses = [429, 529]
    answers = [json_answer(statuses[i % 2], {"detail": "busy"}, {"retry-after": str(w)})
               for i, w in enumerate(waits)]
    recorder, clock = Recorder(*answers, message_answer(message)), FakeClock()
    assert run(client_for(recorder, clock).create(REQUEST)) == message
    assert clock.waits == [float(w) for w in waits]
    assert len(recorder.requests) == len(waits) + 1
    assert len({r.body for r in recorder.requests}) == 1


def test_the_client_gives_up_after_max_retries_with_the_last_error():
    recorder, clock = Recorder(json_answer(529, {"detail": "overloaded"})), FakeClock()
    with pytest.raises(OverloadedError, match="overloaded"):
        run(client_for(recorder, clock, retries=3).create(REQUEST))
    assert len(recorder.requests) == 4 and len(clock.waits) == 3


@pytest.mark.parametrize("status", [400, 401, 403, 404, 413, 422])
def test_client_errors_are_not_retried(status):
    recorder, clock = Recorder(json_answer(status, {"detail": "no"})), FakeClock()
    with pytest.raises(Exception, match="no") as caught:
        run(client_for(recorder, clock).create(REQUEST))
    assert caught.value.status == status
    assert len(recorder.requests) == 1 and clock.waits == []


def test_max_retries_zero_reports_the_first_answer():
    recorder, clock = Recorder(json_answer(429, {"detail": "slow"}, {"retry-after": "1"})), FakeClock()
    with pytest.raises(RateLimitError) as caught:
        run(client_for(recorder, clock, retries=0).create(REQUEST))
    assert caught.value.headers["retry-after"] == "1"
    assert len(recorder.requests) == 1 and clock.waits == []


def test_connection_failures_are_retried_with_backoff():
    calls: list[HttpRequest] = []

    def flaky(request: HttpRequest):
        calls.append(request)
        if len(calls) < 3:
            raise APIConnectionError("connection refused")
        return message_answer({"ok": True})(request)

    clock = FakeClock()
    client = ReferenceClient("http://test", api_key="sq", transport=FunctionTransport(flaky),
                             max_retries=RetryPolicy(max_retries=2, jitter=0), sleep=clock.sleep)
    assert run(client.create(REQUEST)) == {"ok": True}
    assert clock.waits == [0.5, 1.0]


def test_a_stream_is_retried_before_its_first_event():
    message = {"id": "m", "type": "message", "role": "assistant", "content": [], "model": "m",
               "stop_reason": "end_turn", "stop_sequence": None,
               "usage": {"input_tokens": 1, "output_tokens": 1}}
    stream = stream_answer(encode_events(to_events(message)))
    recorder, clock = Recorder(json_answer(503, {"detail": "later"}), stream), FakeClock()

    async def go():
        async with client_for(recorder, clock).stream(REQUEST) as opened:
            return await opened.final_message()

    assert run(go()) == message
    assert len(recorder.requests) == 2 and len(clock.waits) == 1


def test_bad_request_is_raised_once_even_with_retries():
    error = {"error": {"type": "invalid_request_error", "message": "$.model"}}
    recorder, clock = Recorder(json_answer(400, error)), FakeClock()
    with pytest.raises(BadRequestError, match=r"\$\.model"):
        run(client_for(recorder, clock, retries=5).create(REQUEST))
