"""The responses endpoint on the seam: ``POST /control/{endpoint_type}[/{provider}]/v1/responses``
(docs/routes/responses.md).

Its documents are ``responses.request``, ``responses.response`` and ``responses.event``
(:mod:`.documents`) and the shared ``error``; its stream is typed events, each an ``event:`` line
and a ``data:`` line (:data:`~..sse.NAMED_EVENTS`), coded by :mod:`.stream`; its rules are in
:mod:`.rules`.
"""

from __future__ import annotations

import copy
from typing import Any

from ..endpoint import STUB_CREATED, STUB_MODEL, Endpoint, UniformCodec, register_endpoint, stub_tokens, stub_uuid
from ..routes import CHAT_PROVIDERS, RESPONSES_PATH
from ..rules import TOOL_USE_ID, tool_use_id
from ..sse import NAMED_EVENTS, compact_json
from ..tool_calls.responses import RESPONSES_TOOL_CALLS
from .documents import EVENT, REQUEST, RESPONSE
from .stream import DIALECTS, EventAccumulator, to_events

NAME = "responses"
PROVIDERS: tuple[str, ...] = CHAT_PROVIDERS
"""The ``{provider}`` segment of the routes: the providers of OpenAI's formats (the official client
sends responses requests to the provider it is given)."""


def argument_delta(event: dict[str, Any]) -> object | None:
    """The ``output_index`` of an event that carries a piece of a function call's arguments."""
    if event.get("type") == "response.function_call_arguments.delta" and event.get("delta"):
        return event.get("output_index")
    return None


class ResponsesCodec(UniformCodec):
    """The stream codec of responses: :func:`~.stream.to_events` and :class:`~.stream.EventAccumulator`;
    no error event (the published event union has none: a failure cuts the stream)."""

    def __init__(self) -> None:
        super().__init__(DIALECTS, to_events, EventAccumulator, argument_delta)


def _items(body: dict[str, Any]) -> list[Any]:
    items = body.get("input")
    return items if isinstance(items, list) else []


def session_from_history(body: dict[str, Any]) -> str | None:
    """The session embedded in the newest ``function_call_output``'s ``call_id``, if any."""
    for item in reversed(_items(body)):
        if isinstance(item, dict) and item.get("type") == "function_call_output":
            match = TOOL_USE_ID.match(str(item.get("call_id", "")))
            if match:
                return match["session"]
    return None


def starts_turn(body: dict[str, Any]) -> bool:
    """True when the input is text or ends with a user message (a function call output continues the turn)."""
    if isinstance(body.get("input"), str):
        return True
    items = _items(body)
    return bool(items) and isinstance(items[-1], dict) and items[-1].get("role") == "user"


def _complete_item(item: Any, stub_id: str, index: int, session: str) -> Any:
    if not isinstance(item, dict):
        return item
    item = copy.deepcopy(item)
    key = stub_uuid(stub_id, index)
    if item.get("type") == "function_call":
        item.setdefault("call_id", tool_use_id(session, key))
        item.setdefault("id", f"fc_{key.hex[:24]}")
        item.setdefault("status", "completed")
        if not isinstance(item.get("arguments", ""), str):
            item["arguments"] = compact_json(item["arguments"])
        item.setdefault("arguments", "{}")
    elif item.get("type", "message") == "message":
        item = {"type": "message", "id": f"msg_{key.hex[:24]}", "role": "assistant", "status": "completed", **item}
        if isinstance(item.get("content"), str):
            item["content"] = [{"type": "output_text", "text": item["content"], "annotations": []}]
    return item


def complete_message(partial: dict[str, Any], stub_id: str, session: str) -> dict[str, Any]:
    """A stub's response with the defaults filled in. ``partial`` is a response (with ``output``)
    or the text of its one message (``{"text": "..."}``). Items get ids; a message's ``content``
    given as a string becomes one ``output_text`` part; a function call gets a ``call_id``
    ``tc-<session>-<uuid>`` (stable per stub) and its ``arguments`` given as an object become JSON
    text; the response gets id, object, created_at, model, status, tool fields and usage."""
    partial = copy.deepcopy(partial)
    if "output" not in partial and isinstance(partial.get("text"), str):
        partial["output"] = [{"content": partial.pop("text")}]
    output = partial.get("output")
    if isinstance(output, list):
        partial["output"] = [_complete_item(item, stub_id, i, session) for i, item in enumerate(output)]
    defaults = {"id": f"resp_{stub_uuid(stub_id).hex[:24]}", "object": "response",
                "created_at": STUB_CREATED, "model": STUB_MODEL, "status": "completed", "output": [],
                "parallel_tool_calls": True, "tool_choice": "auto", "tools": []}
    response = {**defaults, **partial}
    if "usage" not in response:
        tokens = stub_tokens(response.get("output"))
        response["usage"] = {"input_tokens": 1, "output_tokens": tokens, "total_tokens": tokens + 1,
                             "input_tokens_details": {"cached_tokens": 0},
                             "output_tokens_details": {"reasoning_tokens": 0}}
    return response


RESPONSES = register_endpoint(Endpoint(
    name=NAME,
    path=RESPONSES_PATH,
    request=REQUEST,
    response=RESPONSE,
    event=EVENT,
    error="error",
    sse=NAMED_EVENTS,
    dialects=DIALECTS,
    codec=ResponsesCodec(),
    tool_calls=RESPONSES_TOOL_CALLS,
    session_from_history=session_from_history,
    starts_turn=starts_turn,
    complete_message=complete_message,
    providers=PROVIDERS,
    summary="Create a response (OpenAI Responses format, Sequrity headers and sessions)",
    operation="createResponse",
    stream_order="response.created, response.in_progress; per output item response.output_item.added, its "
                 "parts' deltas and done events (output_text, reasoning summary, function call arguments), "
                 "response.output_item.done; last the event of the response's final status (response.completed, "
                 "response.incomplete or response.failed) with the whole response; sequence_number counts from 0",
))
"""The responses endpoint."""
