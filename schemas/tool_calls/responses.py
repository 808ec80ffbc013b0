"""Tool calls in the OpenAI Responses format: ``function_call`` items, answered by
``function_call_output`` items with the same ``call_id`` (docs/contract.md §11)."""

from __future__ import annotations

from typing import Any

from . import HistoryItem, ToolCall, ToolResult, arguments_object, text_of


def _call(item: dict[str, Any]) -> ToolCall:
    return ToolCall(str(item.get("call_id")), str(item.get("name")), arguments_object(item.get("arguments")))


class ResponsesToolCalls:
    """:class:`~.ToolCallFormat` of the responses endpoint."""

    def history(self, body: dict[str, Any]) -> list[HistoryItem]:
        items = body.get("input")
        history: list[HistoryItem] = []
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if item.get("type") == "function_call" and isinstance(item.get("call_id"), str):
                history.append(_call(item))
            elif item.get("type") == "function_call_output":
                history.append(ToolResult(str(item.get("call_id", "")), text_of(item.get("output"))))
        return history

    def calls(self, message: dict[str, Any]) -> list[ToolCall]:
        return [_call(item) for item in message.get("output") or []
                if isinstance(item, dict) and item.get("type") == "function_call"]

    def as_text(self, message: dict[str, Any], text: str) -> dict[str, Any]:
        output = [item for item in message.get("output") or [] if item.get("type") != "function_call"]
        first = next(item for item in message.get("output") or [] if item.get("type") == "function_call")
        item_id = "msg_" + str(first.get("id", "")).partition("_")[2]
        output.append({"type": "message", "id": item_id, "role": "assistant", "status": "completed",
                       "content": [{"type": "output_text", "text": text, "annotations": []}]})
        return {**message, "output": output, "status": "completed", "incomplete_details": None}


RESPONSES_TOOL_CALLS = ResponsesToolCalls()
