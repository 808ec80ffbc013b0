"""The chat completions endpoint (OpenAI Chat Completions format through Sequrity, docs/contract.md §10):
``POST /control/{endpoint_type}[/{provider}]/v1/chat/completions``, the second :class:`~.endpoint.Endpoint`.

Its documents are ``chat.request``, ``chat.response`` and ``chat.chunk`` (``documents/chat-*.json``)
and the shared ``error``; its stream is OpenAI's (:data:`~.sse.DATA_ONLY`: ``data:`` lines, then
``data: [DONE]``), coded by :mod:`.chat_stream`; its rules are in :mod:`.chat_rules`.
"""

from __future__ import annotations

import copy
from typing import Any

from . import chat_rules
from .chat_stream import COMPLETION_OBJECT, DIALECTS, ChunkAccumulator, arguments_json, to_chunks
from .endpoint import STUB_CREATED, STUB_MODEL, Endpoint, UniformCodec, register_endpoint, stub_tokens, stub_uuid
from .routes import CHAT_COMPLETIONS_PATH, CHAT_PROVIDERS
from .rules import TOOL_USE_ID, tool_use_id
from .sse import DATA_ONLY
from .tool_calls.chat import CHAT_TOOL_CALLS

NAME = "chat_completions"


def argument_delta(chunk: dict[str, Any]) -> object | None:
    """``(choice index, tool call index)`` of a chunk that carries a piece of a call's arguments."""
    for choice in chunk.get("choices") or []:
        for call in (choice.get("delta") or {}).get("tool_calls") or []:
            if "id" not in call and (call.get("function") or {}).get("arguments"):
                return (choice.get("index"), call.get("index"))
    return None


class ChatCodec(UniformCodec):
    """The stream codec of chat completions: :func:`~.chat_stream.to_chunks` and
    :class:`~.chat_stream.ChunkAccumulator` (docs/contract.md §10.5); no error chunk."""

    def __init__(self) -> None:
        super().__init__(DIALECTS, to_chunks, ChunkAccumulator, argument_delta)


def session_from_history(body: dict[str, Any]) -> str | None:
    """The session embedded in the newest ``tool`` message's ``tool_call_id``, if any."""
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "tool":
            match = TOOL_USE_ID.match(str(message.get("tool_call_id", "")))
            if match:
                return match["session"]
    return None


def starts_turn(body: dict[str, Any]) -> bool:
    """True when the last message is a user message (a tool message continues the turn)."""
    messages = body.get("messages") or []
    return bool(messages) and isinstance(messages[-1], dict) and messages[-1].get("role") == "user"


def _complete_call(call: Any, stub_id: str, index: int, session: str) -> Any:
    if not isinstance(call, dict):
        return call
    call = {"type": "function", **call}
    if "id" not in call:
        call["id"] = tool_use_id(session, stub_uuid(stub_id, index))
    function = call.get("function")
    if isinstance(function, dict) and not isinstance(function.get("arguments", ""), str):
        call["function"] = {**function, "arguments": arguments_json(function["arguments"])}
    elif isinstance(function, dict) and "arguments" not in function:
        call["function"] = {**function, "arguments": "{}"}
    return call


def _complete_choice(choice: Any, index: int, stub_id: str, session: str) -> Any:
    if not isinstance(choice, dict):
        return choice
    message = choice.get("message")
    if isinstance(message, dict):
        message = {"role": "assistant", "content": None, **message}
        if isinstance(message.get("tool_calls"), list):
            message["tool_calls"] = [_complete_call(call, f"{stub_id}:{index}", j, session)
                                     for j, call in enumerate(message["tool_calls"])]
    uses_tools = isinstance(message, dict) and bool(message.get("tool_calls"))
    return {"index": index, "finish_reason": "tool_calls" if uses_tools else "stop", **choice, "message": message}


def complete_message(partial: dict[str, Any], stub_id: str, session: str) -> dict[str, Any]:
    """A stub's completion with the defaults filled in. ``partial`` is a completion (with
    ``choices``) or the assistant message of its one choice (``content``, ``tool_calls``, …, and
    optionally ``finish_reason``). Tool calls get ``type: "function"`` and ids
    ``tc-<session>-<uuid>`` (stable per stub); arguments given as an object become JSON text; the
    completion gets id, object, created, model, finish_reason and usage."""
    partial = copy.deepcopy(partial)
    if "choices" not in partial:
        finish = partial.pop("finish_reason", None)
        choice: dict[str, Any] = {"message": partial}
        if finish is not None:
            choice["finish_reason"] = finish
        partial = {"choices": [choice]}
    choices = partial.get("choices")
    if isinstance(choices, list):
        partial["choices"] = [_complete_choice(c, i, stub_id, session) for i, c in enumerate(choices)]
    defaults = {"id": f"chatcmpl-{stub_uuid(stub_id).hex[:24]}", "object": COMPLETION_OBJECT,
                "created": STUB_CREATED, "model": STUB_MODEL}
    completion = {**defaults, **partial}
    if "usage" not in completion:
        tokens = stub_tokens(completion.get("choices"))
        completion["usage"] = {"prompt_tokens": 1, "completion_tokens": tokens, "total_tokens": tokens + 1}
    return completion


CHAT_COMPLETIONS = register_endpoint(Endpoint(
    name=NAME,
    path=CHAT_COMPLETIONS_PATH,
    request=chat_rules.REQUEST,
    response=chat_rules.RESPONSE,
    event=chat_rules.CHUNK,
    error="error",
    sse=DATA_ONLY,
    dialects=DIALECTS,
    codec=ChatCodec(),
    tool_calls=CHAT_TOOL_CALLS,
    session_from_history=session_from_history,
    starts_turn=starts_turn,
    complete_message=complete_message,
    providers=CHAT_PROVIDERS,
    summary="Create a chat completion (OpenAI Chat Completions format, Sequrity headers and sessions)",
    operation="createChatCompletion",
    stream_order="per choice a first chunk with the role, content and tool-call deltas, a chunk with "
                 "finish_reason; then a chunk with usage and no choices",
))
"""The chat completions endpoint."""
