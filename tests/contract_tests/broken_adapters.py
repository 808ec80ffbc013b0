"""Deliberately broken clients: the reference adapter with one bug each, named as a user
names an adapter (``broken_adapters:drops_system``). The conformance suite must fail
exactly the clauses each bug breaks."""

from __future__ import annotations

from typing import Any

from sequrity_contract.contract_tests.adapters import SequrityOptions, StreamResult
from sequrity_contract.contract_tests.adapters.reference import ReferenceAdapter


class DropsSystem(ReferenceAdapter):
    """Forgets the request's ``system`` field."""

    name = "drops-system"

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        return await super().send({k: v for k, v in request.items() if k != "system"}, options)

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        return await super().stream({k: v for k, v in request.items() if k != "system"}, options)


class MisordersStream(ReferenceAdapter):
    """Yields ``message_delta`` before the last ``content_block_stop`` (the message stays right)."""

    name = "misorders-stream"
    endpoints = frozenset({"messages"})  # a messages bug: the chat clauses do not apply

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        result = await super().stream(request, options)
        events = list(result.events)
        delta = next(i for i, e in enumerate(events) if e["type"] == "message_delta")
        stop = max(i for i, e in enumerate(events) if e["type"] == "content_block_stop")
        events[delta], events[stop] = events[stop], events[delta]
        return StreamResult(events, result.message)


class IgnoresSessionHeader(ReferenceAdapter):
    """Never carries the session of an answer into the next request (explicit ids still go out)."""

    name = "ignores-session"
    endpoints = frozenset({"messages"})  # checked against the messages clauses only

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        self.reset_session()
        return await super().send(request, options)

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        self.reset_session()
        return await super().stream(request, options)


def drops_system() -> DropsSystem:
    """Factory: ``broken_adapters:drops_system``."""
    return DropsSystem()


def misorders_stream() -> MisordersStream:
    """Factory: ``broken_adapters:misorders_stream``."""
    return MisordersStream()


def ignores_session_header() -> IgnoresSessionHeader:
    """Factory: ``broken_adapters:ignores_session_header``."""
    return IgnoresSessionHeader()
