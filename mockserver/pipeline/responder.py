"""The seam between the request pipeline and whatever produces the answer.

A :class:`Responder` turns a :class:`RequestContext` into a :class:`Reply`: a response
message dict of the context's endpoint (docs/contract.md §4 for messages) or an
:class:`~sequrity_contract.mockserver.errors.ApiError`. The synthesizer is the first responder;
proxies, recordings and scripted stubs plug in the same way.

A responder whose answer depends only on the request body and the configuration headers
sets ``cacheable = True``: the pipeline may then reuse its rendered answer for identical
requests. Such a responder receives :data:`SESSION_TOKEN` as ``session_id`` and must use it
only inside strings (tool_use ids); the pipeline puts the real session id in its place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from sequrity_contract.schemas import MESSAGES, Endpoint

from ..errors import ApiError

Reply = dict[str, Any] | ApiError
"""A response message, or an error answer."""

#: Stands for the session id in answers of cacheable responders; random per process, so no
#: client can guess it and no synthesized text contains it by chance.
SESSION_TOKEN = str(uuid.uuid4())


@dataclass(frozen=True)
class RequestContext:
    """A validated request and everything known about it.

    ``endpoint`` is the endpoint asked (messages by default); ``body`` the parsed, valid request
    body; ``features``/``policy``/``config`` the parsed ``X-Features``/``X-Policy``/``X-Config``
    headers (None when absent); ``headers`` every request header; ``seed`` the server's seed.
    """

    endpoint_type: str
    provider: str | None
    body: dict[str, Any]
    session_id: str
    seed: int
    features: dict[str, Any] | None = None
    policy: dict[str, Any] | None = None
    config: dict[str, Any] | None = None
    headers: Mapping[str, str] | None = None
    endpoint: Endpoint = MESSAGES
    heavy: bool = False
    """The body is large: a responder should do work that grows with it off the event loop."""


@runtime_checkable
class Responder(Protocol):
    """Produces the answer to a request of any endpoint (``context.endpoint`` says which)."""

    cacheable: bool

    async def respond(self, context: RequestContext) -> Reply:
        """The message (or error) answering ``context``."""
        ...


@dataclass(frozen=True)
class JsonRequest:
    """A valid body of a JSON route, the provider its path names (or None) and the server's seed."""

    body: dict[str, Any]
    provider: str | None
    seed: int


JsonAnswer = Callable[[JsonRequest], dict[str, Any]]
"""Answers a JSON route: a document valid against the route's response document, or an ApiError raised."""
