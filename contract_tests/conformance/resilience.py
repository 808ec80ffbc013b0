"""Resilience clauses of the messages endpoint: ``retry_honours_retry_after`` (429 and 529 are retried
after the time ``retry-after`` asks for) and ``stream_disconnect_is_an_error`` (a stream cut by the
server surfaces as an error, never as a silently truncated message; needs the mock server's fault
injection, ``X-Mock-Fault``). Their checks, :func:`check_retry` and :func:`check_disconnect`, serve
the chat completions endpoint's clauses too (``chat.py``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

import hypothesis.strategies as st

from sequrity_contract.mockserver import ApiError

from ..adapters.base import AdapterError, SequrityOptions
from .checks import call_adapter, compare
from .environment import FAULT_HEADER, ConformanceEnv
from .failures import ClauseFailure, reproduction, shorten
from .registry import clause, requires_fault_support, requires_retries

__all__ = ["RetryCase", "check_disconnect", "check_retry", "retry_honours_retry_after", "stream_disconnect_is_an_error"]

REQUEST = {"model": "conformance-resilience", "max_tokens": 512,
           "messages": [{"role": "user", "content": "Write a few sentences about resilient clients please"}]}
#: ``retry-after`` seconds: longer than any default first backoff (0.5 s + jitter), so a
#: client that ignores the header retries visibly too early.
RETRY_AFTER = 1
#: The shortest wait accepted (seconds): the server's clock and the client's may differ a little.
MIN_WAIT = 0.9 * RETRY_AFTER
MESSAGE = {"id": "msg_retried", "type": "message", "role": "assistant", "model": "conformance-resilience",
           "content": [{"type": "text", "text": "answered after a retry"}], "stop_reason": "end_turn",
           "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 5}}

@dataclass(frozen=True)
class RetryCase:
    """The first answer is ``status`` with ``retry-after``; the retry gets the message."""

    status: int
    stream: bool


async def check_retry(env: ConformanceEnv, case: RetryCase, request: dict[str, Any], answer: dict[str, Any],
                       options: SequrityOptions) -> None:
    """Two requests reach the server, ``RETRY_AFTER`` seconds apart or more; the caller gets ``answer``."""
    env.script(ApiError(case.status, "busy, try again", {"retry-after": str(RETRY_AFTER)}), answer)
    repro = reproduction(request, options, stream=case.stream)
    result = await call_adapter(env, request, options, stream=case.stream)
    received = result if isinstance(result, dict) else result.message
    compare("the answer after a retry differs from the server's answer", answer, received, repro=repro)
    entries = env.server().requests
    if len(entries) != 2:
        raise ClauseFailure(f"HTTP {case.status} was not retried exactly once",
                            f"Expected: 2 requests\nReceived: {len(entries)}", key="retry-count",
                            reproduction=repro)
    waited = entries[1]["time"] - entries[0]["time"]
    if waited < MIN_WAIT:
        raise ClauseFailure("the retry did not wait for retry-after",
                            f"Expected: >= {RETRY_AFTER} s (retry-after: {RETRY_AFTER})\nReceived: {waited:.3f} s",
                            reproduction=repro)


async def check_disconnect(env: ConformanceEnv, request: dict[str, Any], fault: dict[str, Any],
                            options: SequrityOptions) -> None:
    """The stream cut by ``fault`` surfaces as ``AdapterError(kind='stream' or 'connection')``."""
    options = replace(options, headers={**options.headers, FAULT_HEADER: json.dumps(fault)})
    repro = reproduction(request, options, stream=True)
    try:
        result = await env.adapter.stream(request, options)
    except AdapterError as error:
        if error.kind not in ("stream", "connection"):
            raise ClauseFailure("a cut stream surfaced as another kind of error",
                                f"Expected: AdapterError(kind='stream' or 'connection')\nReceived: {error}",
                                reproduction=repro) from error
        return
    raise ClauseFailure("a cut stream was returned as a complete message",
                        f"Expected: AdapterError(kind='stream')\nReceived: {len(result.events)} events, "
                        f"message {shorten(result.message, 200)}", reproduction=repro)


@clause(st.builds(RetryCase, st.sampled_from([429, 529]), st.just(False)), max_examples=2,
        title="429 and 529 are retried, after the time retry-after asks for")
@requires_retries
async def retry_honours_retry_after(env: ConformanceEnv, case: RetryCase) -> None:
    """Two requests reach the server, ``RETRY_AFTER`` seconds apart or more; the caller gets the message."""
    env.fresh()
    await check_retry(env, case, REQUEST, MESSAGE, env.options(max_retries=2))


@clause(st.integers(min_value=1, max_value=4), max_examples=4,
        title="a stream the server cuts surfaces as an error, not as a truncated message")
@requires_fault_support
async def stream_disconnect_is_an_error(env: ConformanceEnv, events_before_cut: int) -> None:
    """``X-Mock-Fault: {"disconnect_after_events": N}`` cuts the stream after N events."""
    env.fresh()
    await check_disconnect(env, REQUEST, {"disconnect_after_events": events_before_cut}, env.options())
