"""Deliberately broken clients: the reference adapter with one bug each, named as a user
names an adapter (``broken_adapters:drops_system``). The conformance suite must fail
exactly the clauses each bug breaks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sequrity_contract.contract_tests.adapters import AdapterError, SequrityOptions, StreamResult
from sequrity_contract.contract_tests.adapters.reference import ReferenceAdapter


class DropsSystem(ReferenceAdapter):
    """Forgets the request's ``system`` field."""

    name = "drops-system"

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        return await super().send({k: v for k, v in request.items() if k != "system"}, options)

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        return await super().stream({k: v for k, v in request.items() if k != "system"}, options)


class DropsPolicy(ReferenceAdapter):
    """Never sends the ``X-Policy`` header (a client without policy support)."""

    name = "drops-policy"

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        return await super().send(request, replace(options, policy=None))

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        return await super().stream(request, replace(options, policy=None))


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


class SwallowsCutChatStream(ReferenceAdapter):
    """Returns what it got of a chat stream the server cut, as if it were complete."""

    name = "swallows-cut-chat-stream"
    endpoints = frozenset({"chat_completions"})  # a chat bug: the messages clauses do not apply

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        try:
            return await super().stream(request, options)
        except AdapterError as error:
            if error.kind not in ("stream", "connection"):
                raise
            return StreamResult([], {})


class NeverRetriesChat(ReferenceAdapter):
    """Claims retries but makes none on chat calls."""

    name = "never-retries-chat"
    endpoints = frozenset({"chat_completions"})

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        return await super().send(request, replace(options, max_retries=0))

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        return await super().stream(request, replace(options, max_retries=0))


class LosesToolOutput(ReferenceAdapter):
    """Leaves the ``function_call_output`` items out of a responses request's ``input``."""

    name = "loses-tool-output"
    endpoints = frozenset({"responses"})  # a responses bug: the other endpoints' clauses do not apply

    @staticmethod
    def _without_outputs(request: dict[str, Any]) -> dict[str, Any]:
        items = request.get("input")
        if not isinstance(items, list):
            return request
        kept = [i for i in items if not (isinstance(i, dict) and i.get("type") == "function_call_output")]
        return {**request, "input": kept}

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        return await super().send(self._without_outputs(request), options)

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        return await super().stream(self._without_outputs(request), options)


class HidesErrorMessage(ReferenceAdapter):
    """Raises the right status with a message of its own instead of the server's."""

    name = "hides-error-message"
    endpoints = frozenset({"responses"})

    async def send(self, request: dict[str, Any], options: SequrityOptions) -> dict[str, Any]:
        try:
            return await super().send(request, options)
        except AdapterError as error:
            raise AdapterError(error.status, "request failed", kind=error.kind) from error

    async def stream(self, request: dict[str, Any], options: SequrityOptions) -> StreamResult:
        try:
            return await super().stream(request, options)
        except AdapterError as error:
            raise AdapterError(error.status, "request failed", kind=error.kind) from error


def loses_tool_output() -> LosesToolOutput:
    """Factory: ``broken_adapters:loses_tool_output``."""
    return LosesToolOutput()


def hides_error_message() -> HidesErrorMessage:
    """Factory: ``broken_adapters:hides_error_message``."""
    return HidesErrorMessage()


def drops_policy() -> DropsPolicy:
    """Factory: ``broken_adapters:drops_policy``."""
    return DropsPolicy()


def drops_system() -> DropsSystem:
    """Factory: ``broken_adapters:drops_system``."""
    return DropsSystem()


def misorders_stream() -> MisordersStream:
    """Factory: ``broken_adapters:misorders_stream``."""
    return MisordersStream()


def ignores_session_header() -> IgnoresSessionHeader:
    """Factory: ``broken_adapters:ignores_session_header``."""
    return IgnoresSessionHeader()


def swallows_cut_chat_stream() -> SwallowsCutChatStream:
    """Factory: ``broken_adapters:swallows_cut_chat_stream``."""
    return SwallowsCutChatStream()


def never_retries_chat() -> NeverRetriesChat:
    """Factory: ``broken_adapters:never_retries_chat``."""
    return NeverRetriesChat()
