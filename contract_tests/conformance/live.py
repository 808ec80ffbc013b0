"""Live clauses (``--sequrity-live-url``): a bounded number of generated requests sent
to a real endpoint through the client under test; every answer and every stream event is
validated against the schemas. No shrinking: each example costs a real request."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st

from sequrity_contract import schemas, strategies

from ..adapters.base import StreamResult
from .checks import call_adapter
from .environment import ConformanceEnv
from .failures import ClauseFailure, reproduction, shorten
from .registry import clause, requires_live_key

__all__ = ["LIVE_MAX_TOKENS", "live_requests", "live_responses_conform", "live_streams_conform"]

LIVE_MAX_TOKENS = 64
"""The ``max_tokens`` of live requests (small: live requests cost money)."""


def _small(request: dict[str, Any]) -> dict[str, Any]:
    small = {k: v for k, v in request.items() if k != "thinking"}
    small["max_tokens"] = min(request["max_tokens"], LIVE_MAX_TOKENS)
    return small


def live_requests(*, stream: bool) -> st.SearchStrategy[dict[str, Any]]:
    """Valid requests without extended thinking, ``max_tokens`` at most :data:`LIVE_MAX_TOKENS`."""
    return strategies.requests(stream=stream, max_exchanges=1).map(_small).filter(
        lambda r: schemas.check("request", r) == [])


def _violations(kind: str, found: list[Any], request: dict[str, Any], repro: str) -> None:
    if found:
        raise ClauseFailure(f"the live {kind} breaks the contract",
                            "\n".join(str(v) for v in found[:5]), key=f"{kind}:{found[0]}",
                            reproduction=repro)


@clause(live_requests(stream=False), kind="live", shrink=False,
        title="live answers are valid responses for their request")
@requires_live_key
async def live_responses_conform(env: ConformanceEnv, request: dict[str, Any]) -> None:
    """``schemas.check("response", message, request=request)`` is empty."""
    options = env.live_options()
    repro = reproduction(request, options, stream=False)
    message = await call_adapter(env, request, options, stream=False)
    _violations("response", schemas.check("response", message, request=request), request, repro)


@clause(live_requests(stream=True), kind="live", shrink=False,
        title="live streams are valid events that accumulate to a valid response")
@requires_live_key
async def live_streams_conform(env: ConformanceEnv, request: dict[str, Any]) -> None:
    """Every event is valid, the events accumulate, and the message is a valid response."""
    options = env.live_options()
    repro = reproduction(request, options, stream=True)
    result = await call_adapter(env, request, options, stream=True)
    assert isinstance(result, StreamResult)
    for index, event in enumerate(result.events):
        _violations(f"event #{index}", schemas.validate("event", event), request, repro)
    try:
        accumulated = schemas.accumulate(result.events, dialect=options.dialect)  # type: ignore[arg-type]
    except (schemas.StreamProtocolError, schemas.StreamErrorEvent) as exc:
        raise ClauseFailure("the live stream does not accumulate", str(exc), reproduction=repro) from exc
    if accumulated != result.message:
        raise ClauseFailure("the client's streamed message differs from the accumulated events",
                            f"Received: {shorten(result.message)}", reproduction=repro)
    _violations("streamed response", schemas.check("response", result.message, request=request), request, repro)
