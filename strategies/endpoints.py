"""The strategies of each endpoint: requests, responses and stream events, by endpoint name.

An endpoint registers its own with :func:`register_strategies` (messages does, in
:mod:`sequrity_contract.strategies`); any other registered endpoint gets strategies drawn from
its documents (:func:`strategies_for`): requests from its request document, responses from its
response document, events by streaming a drawn response with its codec. Those follow the JSON
Schemas, not the semantic rules a schema cannot state; an endpoint that has rules registers its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import Endpoint, chunks_of, get_endpoint, load

from .compiler import from_schema


@dataclass(frozen=True)
class EndpointStrategies:
    """What a property test of an endpoint draws from: ``requests()``, ``responses(for_request=None)``
    and ``stream_events(message=None, dialect=None)``."""

    endpoint: str
    requests: Callable[[], SearchStrategy[dict[str, Any]]]
    responses: Callable[..., SearchStrategy[dict[str, Any]]]
    stream_events: Callable[..., SearchStrategy[list[dict[str, Any]]]]


ENDPOINT_STRATEGIES: dict[str, EndpointStrategies] = {}
"""The strategies an endpoint registered, by endpoint name."""


def register_strategies(strategies: EndpointStrategies) -> EndpointStrategies:
    """Make ``strategies`` the ones of their endpoint (replacing any earlier ones)."""
    if not isinstance(strategies, EndpointStrategies):
        raise TypeError(f"strategies={strategies!r}: expected EndpointStrategies")
    ENDPOINT_STRATEGIES[strategies.endpoint] = strategies
    return strategies


def strategies_for(endpoint: str | Endpoint) -> EndpointStrategies:
    """The strategies of ``endpoint``: its registered ones, else ones drawn from its documents.
    An unknown endpoint name raises :class:`~sequrity_contract.schemas.UnknownEndpointError`."""
    described = endpoint if isinstance(endpoint, Endpoint) else get_endpoint(endpoint)
    registered = ENDPOINT_STRATEGIES.get(described.name)
    return registered if registered is not None else _from_documents(described)


def _from_documents(endpoint: Endpoint) -> EndpointStrategies:
    def requests() -> SearchStrategy[dict[str, Any]]:
        return from_schema(load(endpoint.request))

    def responses(for_request: dict[str, Any] | None = None) -> SearchStrategy[dict[str, Any]]:
        return from_schema(load(endpoint.response))

    def stream_events(message: dict[str, Any] | None = None,
                      dialect: str | None = None) -> SearchStrategy[list[dict[str, Any]]]:
        chosen = endpoint.dialects[0] if dialect is None else dialect
        messages = st.just(message) if message is not None else responses()

        @st.composite
        def build(draw: st.DrawFn) -> list[dict[str, Any]]:
            size = draw(st.integers(1, 16))
            return endpoint.codec.to_events(draw(messages), split_text=chunks_of(size), split_json=chunks_of(size),
                                            dialect=chosen)

        return build()

    return EndpointStrategies(endpoint.name, requests, responses, stream_events)
