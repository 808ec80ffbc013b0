"""Tool calls in the OpenAI chat-completions format: ``tool_calls`` of assistant messages, ``tool``
messages that answer them by ``tool_call_id`` (docs/contract.md §10)."""

from __future__ import annotations

from typing import Any

from . import HistoryItem, ToolCall, ToolResult, arguments_object, text_of


def _call(call: dict[str, Any]) -> ToolCall:
    function = call.get("function") or {}
    return ToolCall(str(call.get("id")), str(function.get("name")), arguments_object(function.get("arguments")))


class ChatToolCalls:
    """:class:`~.ToolCallFormat` of the chat-completions endpoint (every choice of an answer)."""

    def history(self, body: dict[str, Any]) -> list[HistoryItem]:
        items: list[HistoryItem] = []
        for message in body.get("messages") or []:
            if not isinstance(message, dict):
                continue
            if message.get("role") == "assistant":
                items.extend(_call(call) for call in message.get("tool_calls") or []
                             if isinstance(call, dict) and isinstance(call.get("id"), str))
            elif message.get("role") == "tool":
                items.append(ToolResult(str(message.get("tool_call_id", "")), text_of(message.get("content"))))
        return items

    def calls(self, message: dict[str, Any]) -> list[ToolCall]:
        return [_call(call) for choice in message.get("choices") or []
                for call in (choice.get("message") or {}).get("tool_calls") or [] if isinstance(call, dict)]

    def as_text(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        choices = []
        for choice in message.get("choices") or []:
            said = choice.get("message") or {}
            if said.get("tool_calls"):
                said = {key: value for key, value in said.items() if key != "tool_calls"}
                choice = {**choice, "message": {**said, "content": text, "refusal": None}, "finish_reason": "stop"}
            choices.append(choice)
        return {**message, "choices": choices}


CHAT_TOOL_CALLS = ChatToolCalls()
