"""The messages endpoint (Anthropic Messages format through Sequrity, docs/contract.md §1–§8):
``POST /control/{endpoint_type}[/{provider}]/v1/messages``, the first :class:`~.endpoint.Endpoint`."""

from __future__ import annotations

import copy
from typing import Any

from .endpoint import (
    STUB_MODEL,
    Endpoint,
    Splitter,
    StreamAccumulator,
    check_dialect,
    register_endpoint,
    stub_tokens,
    stub_uuid,
)
from .routes import MESSAGES_PATH
from .rules import TOOL_USE_ID, tool_use_id
from .sse import NAMED_EVENTS
from .stream import DIALECTS, Accumulator, to_events
from .tool_calls.anthropic import MESSAGES_TOOL_CALLS


class MessagesCodec:
    """The stream codec of messages: :func:`~.stream.to_events` and :class:`~.stream.Accumulator`."""

    def to_events(self, message: dict[str, Any], *, split_text: Splitter, split_json: Splitter,
                  dialect: str) -> list[dict[str, Any]]:
        """The events of ``message`` (docs/contract.md §5)."""
        dialect_name = check_dialect(dialect, DIALECTS)
        return to_events(message, split_text=split_text, split_json=split_json, dialect=dialect_name)

    def accumulator(self, dialect: str) -> StreamAccumulator:
        """An :class:`~.stream.Accumulator` for ``dialect``."""
        return Accumulator(check_dialect(dialect, DIALECTS))

    def argument_delta(self, event: dict[str, Any]) -> object | None:
        """The block index of an ``input_json_delta`` event."""
        if event.get("type") == "content_block_delta" and event["delta"].get("type") == "input_json_delta":
            index: object = event["index"]
            return index
        return None

    def error_event(self, message: str) -> dict[str, Any]:
        """The anthropic dialect's ``error`` event (``overloaded_error``)."""
        return {"type": "error", "error": {"type": "overloaded_error", "message": message}}


def session_from_history(body: dict[str, Any]) -> str | None:
    """The session embedded in the newest ``tool_result`` id of the request's messages, if any."""
    for message in reversed(body.get("messages") or []):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for block in reversed(content):
            if isinstance(block, dict) and block.get("type") == "tool_result":
                match = TOOL_USE_ID.match(str(block.get("tool_use_id", "")))
                if match:
                    return match["session"]
    return None


def starts_turn(body: dict[str, Any]) -> bool:
    """True when the last message is a user message that is not only tool results (a new turn)."""
    messages = body.get("messages") or []
    if not messages or not isinstance(messages[-1], dict):
        return False
    content = messages[-1].get("content")
    if isinstance(content, list) and content and all(
        isinstance(b, dict) and b.get("type") == "tool_result" for b in content
    ):
        return False
    return messages[-1].get("role") == "user"


def complete_message(partial: dict[str, Any], stub_id: str, session: str) -> dict[str, Any]:
    """A stub's message with the defaults filled in: text content as a text block, tool_use ids
    (``tc-<session>-<uuid>``, stable per stub), id, type, role, model, stop_reason, usage."""
    message = copy.deepcopy(partial)
    if isinstance(message.get("content"), str):
        message["content"] = [{"type": "text", "text": message["content"]}]
    content = message.get("content")
    for index, block in enumerate(content if isinstance(content, list) else []):
        if isinstance(block, dict) and block.get("type") == "tool_use" and "id" not in block:
            block["id"] = tool_use_id(session, stub_uuid(stub_id, index))
    uses_tool = isinstance(content, list) and any(isinstance(b, dict) and b.get("type") == "tool_use"
                                                  for b in content)
    defaults = {"id": f"msg_{stub_uuid(stub_id).hex[:24]}", "type": "message",
                "role": "assistant", "model": STUB_MODEL, "stop_reason": "tool_use" if uses_tool else "end_turn",
                "stop_sequence": None}
    message = {**defaults, **message}
    if "usage" not in message:
        message["usage"] = {"input_tokens": 1, "output_tokens": stub_tokens(content)}
    return message


MESSAGES = register_endpoint(Endpoint(
    name="messages",
    path=MESSAGES_PATH,
    request="request",
    response="response",
    event="event",
    error="error",
    sse=NAMED_EVENTS,
    dialects=DIALECTS,
    codec=MessagesCodec(),
    tool_calls=MESSAGES_TOOL_CALLS,
    session_from_history=session_from_history,
    starts_turn=starts_turn,
    complete_message=complete_message,
    summary="Create a message (Anthropic Messages format, Sequrity headers and sessions)",
    operation="createMessage",
    stream_order="message_start, then per block content_block_start, content_block_delta..., content_block_stop, "
                 "then message_delta and message_stop",
))
"""The messages endpoint."""
