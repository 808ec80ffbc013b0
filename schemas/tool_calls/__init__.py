"""Tool calls as each endpoint writes them: the calls and results a request's history holds, the
calls an answer makes, and an answer whose calls give way to a text.

An endpoint that has tool calls names its :class:`ToolCallFormat` (``Endpoint.tool_calls``);
whatever must read tool traffic whatever the endpoint (the mock's policy enforcement) reads it
through that format and knows no wire format itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ToolCall:
    """One call: its id (the one its result names), the tool and the arguments (an empty dict
    when they are not a JSON object)."""

    id: str
    name: str
    arguments: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolResult:
    """The result of the call ``call_id``, as text; ``error`` when the client reported a failure."""

    call_id: str
    text: str
    error: bool = False

    @property
    def value(self) -> Any:
        """The result read as JSON where its text is JSON (so a tool can return structured data, or
        wrap its result with metadata), else the text as it is."""
        try:
            return json.loads(self.text)
        except (ValueError, RecursionError):  # not JSON, or nested too deeply to read
            return self.text


HistoryItem = ToolCall | ToolResult
"""A call or a result, in the order the conversation holds them."""


class ToolCallFormat(Protocol):
    """How one endpoint writes tool calls and results."""

    def history(self, body: dict[str, Any]) -> list[HistoryItem]:
        """The calls and results of a (valid) request body's conversation, in order."""
        ...

    def calls(self, message: dict[str, Any]) -> list[ToolCall]:
        """The calls an answer (a response message of the endpoint) makes, in order."""
        ...

    def as_text(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        """A copy of the answer ``message`` that says ``text`` where it made its calls, finished
        as a plain text answer is (still valid against the endpoint's response document)."""
        ...


def arguments_object(arguments: Any) -> dict[str, Any]:
    """Arguments as a dict: a dict as it is, a JSON text of an object parsed, anything else empty."""
    if isinstance(arguments, dict):
        return arguments
    if isinstance(arguments, str):
        try:
            parsed = json.loads(arguments)
        except (ValueError, RecursionError):
            return {}
        return parsed if isinstance(parsed, dict) else {}
    return {}


def text_of(content: Any) -> str:
    """The text of message content: a string, or the ``text`` of its parts joined by spaces."""
    if isinstance(content, str):
        return content
    parts = [part.get("text") for part in content if isinstance(part, dict)] if isinstance(content, list) else []
    return " ".join(part for part in parts if isinstance(part, str))


__all__ = ["HistoryItem", "ToolCall", "ToolCallFormat", "ToolResult", "arguments_object", "text_of"]
