"""Tool calls in the Anthropic Messages format: ``tool_use`` blocks of assistant messages,
``tool_result`` blocks of user messages (docs/contract.md §3, §4)."""

from __future__ import annotations

from typing import Any

from . import HistoryItem, ToolCall, ToolResult, arguments_object


def content_text(content: Any) -> str:
    """The text of Anthropic message content: a string, or its ``text`` blocks (and the text of
    the ``tool_result`` blocks it holds) joined by spaces."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content if isinstance(content, list) else []:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            parts.append(block["text"])
        elif block.get("type") == "tool_result":
            parts.append(content_text(block.get("content")))
    return " ".join(parts)


class MessagesToolCalls:
    """:class:`~.ToolCallFormat` of the messages endpoint."""

    def history(self, body: dict[str, Any]) -> list[HistoryItem]:
        items: list[HistoryItem] = []
        for message in body.get("messages") or []:
            content = message.get("content") if isinstance(message, dict) else None
            for block in content if isinstance(content, list) else []:
                if not isinstance(block, dict):
                    continue
                if block.get("type") == "tool_use" and isinstance(block.get("id"), str):
                    items.append(ToolCall(block["id"], str(block.get("name")), arguments_object(block.get("input"))))
                elif block.get("type") == "tool_result":
                    items.append(ToolResult(str(block.get("tool_use_id", "")), content_text(block.get("content")),
                                            bool(block.get("is_error"))))
        return items

    def calls(self, message: dict[str, Any]) -> list[ToolCall]:
        return [ToolCall(str(block.get("id")), str(block.get("name")), arguments_object(block.get("input")))
                for block in message.get("content") or []
                if isinstance(block, dict) and block.get("type") == "tool_use"]

    def as_text(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        return {**message, "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
                "stop_sequence": None}


MESSAGES_TOOL_CALLS = MessagesToolCalls()
