"""One synthesizer per endpoint, and :class:`Synthesizer`, the default responder that asks them.

A synthesizer is a function from a :class:`~..pipeline.responder.RequestContext` to the endpoint's
response message: deterministic (the same seed, body and ``X-Features`` give the same message)
and valid against the endpoint's response document. Register one with :func:`register_synthesizer`
under its endpoint's name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ..errors import ApiError
from ..pipeline.responder import JsonAnswer, Reply, RequestContext
from .lang_graph import has_program, off_the_loop

SynthesizeFunction = Callable[[RequestContext], dict[str, Any]]

SYNTHESIZERS: dict[str, SynthesizeFunction] = {}
"""The synthesizer of each endpoint, by endpoint name."""


def register_synthesizer(endpoint: str) -> Callable[[SynthesizeFunction], SynthesizeFunction]:
    """Decorator: make the function the synthesizer of the endpoint called ``endpoint`` (replacing
    any earlier one)."""
    if not isinstance(endpoint, str) or not endpoint:
        raise TypeError(f"endpoint={endpoint!r}: expected the endpoint's name, e.g. 'messages'")

    def register(function: SynthesizeFunction) -> SynthesizeFunction:
        SYNTHESIZERS[endpoint] = function
        return function

    return register


JSON_ANSWERS: dict[str, JsonAnswer] = {}
"""The answer function of each JSON route (:data:`~sequrity_contract.schemas.JSON_ROUTES`), by route name."""


def register_json_answer(route: str) -> Callable[[JsonAnswer], JsonAnswer]:
    """Decorator: make the function the answer of the JSON route called ``route``."""

    def register(function: JsonAnswer) -> JsonAnswer:
        JSON_ANSWERS[route] = function
        return function

    return register


def unregister_synthesizer(endpoint: str) -> None:
    """Remove the synthesizer of ``endpoint`` (for tests that register their own)."""
    SYNTHESIZERS.pop(endpoint, None)


class Synthesizer:
    """The default :class:`~..pipeline.responder.Responder`: each endpoint's registered synthesizer."""

    cacheable = True

    async def respond(self, context: RequestContext) -> Reply:
        """The synthesized message for ``context``; a 404 naming the endpoint when none is registered."""
        synthesize = SYNTHESIZERS.get(context.endpoint.name)
        if synthesize is None:
            return ApiError(404, f"{context.endpoint.name}: this mock has no synthesizer for the endpoint; "
                                 "register one with register_synthesizer, or answer it with a stub")
        if has_program(context.endpoint_type, context.body):  # a program may run to its bounds: not on the loop
            return await off_the_loop(synthesize, context)
        if context.heavy:  # Python code in a thread yields the event loop its turns
            return await asyncio.to_thread(synthesize, context)
        return synthesize(context)
