"""Hypothesis strategies for the responses endpoint (docs/routes/responses.md): requests with input
items (messages, function calls and their outputs, reasoning items), function tools and reasoning
options; responses answering them; the typed event sequences that stream a response; input item
lists with tool loops.

Hand-written (not drawn from the documents) so that every value also obeys the semantic rules
(:mod:`sequrity_contract.schemas.responses.rules`); registered for the ``responses`` endpoint with
:func:`..endpoints.register_strategies`. Requests that break one rule each are in
:mod:`.responses_invalid`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas.chat_rules import MAX_TEMPERATURE
from sequrity_contract.schemas.responses import RESPONSES, to_events
from sequrity_contract.schemas.responses.rules import offered_functions

from .. import leaves
from ..answers import answers_to
from ..conversation import tool_input_strategy
from ..endpoints import EndpointStrategies, register_strategies
from ..errors import InvalidStrategyArgument
from ..stream import drawn_splitter
from ..validation import check_choice, check_document, check_exchanges, check_range, check_session_id, check_type, lazy
from .functions import draw_arguments, draw_functions

TOOL_CHOICES = ("auto", "none", "required", "named")
"""What ``responses_requests(tool_choice=...)`` pins: a ``tool_choice`` string, or ``"named"`` for
``{"type": "function", "name": ...}`` naming an offered function."""
INPUTS = ("text", "items")
"""What ``responses_requests(input=...)`` pins: ``input`` as one string or as a list of items."""
REASONING_EFFORTS = ("none", "low", "medium", "high", "xhigh")
STATUSES = ("completed", "incomplete", "failed")
"""The final statuses a drawn response takes (each ends its stream with its terminal event)."""

_maybe = st.booleans()
_models = st.sampled_from(["gpt-4o", "gpt-4o-mini", "o3", "openai/gpt-5-mini"])
_ids = st.from_regex(r"[0-9a-f]{8,24}", fullmatch=True)
_input_text = st.builds(lambda text: {"type": "input_text", "text": text}, leaves.texts)
_input_parts = st.one_of(
    _input_text,
    st.builds(lambda path, detail: {"type": "input_image", "image_url": f"https://example.com/{path}.png", **detail},
              st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
              leaves.optional_fields(detail=st.sampled_from(["auto", "low", "high"]))),
    st.builds(lambda file_id: {"type": "input_image", "file_id": file_id},
              st.from_regex(r"file-[a-z0-9]{1,6}", fullmatch=True)),
    st.builds(lambda file_id: {"type": "input_file", "file_id": file_id},
              st.from_regex(r"file-[a-z0-9]{1,6}", fullmatch=True)),
)
_summaries = st.lists(st.builds(lambda text: {"type": "summary_text", "text": text}, leaves.texts), max_size=2)


def _function_tools(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three function tools with unique names (``{"type": "function", "name": ..., ...}``)."""
    return [{"type": "function", **function} for function in draw_functions(draw)]


def _message(draw: st.DrawFn, role: str, parts: SearchStrategy[dict[str, Any]]) -> dict[str, Any]:
    """A message of ``role``: the easy form (``role`` and ``content``, text or parts) or a typed
    ``"type": "message"`` item with a list of parts."""
    if draw(_maybe):
        return {"role": role, "content": draw(leaves.texts | st.lists(parts, min_size=1, max_size=3))}
    item = {"type": "message", "role": role, "content": draw(st.lists(parts, min_size=1, max_size=3))}
    if draw(_maybe) and draw(_maybe):
        item["status"] = "completed"
    return item


def _assistant_message(draw: st.DrawFn) -> dict[str, Any]:
    """An earlier answer given back as input: the easy form, or the output message item it was."""
    if draw(_maybe):
        return {"role": "assistant", "content": draw(leaves.texts)}
    return {"type": "message", "id": f"msg_{draw(_ids)}", "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": draw(leaves.texts), "annotations": []}]}


def _reasoning_item(draw: st.DrawFn) -> dict[str, Any]:
    return {"type": "reasoning", "id": f"rs_{draw(_ids)}", "summary": draw(_summaries)}


def _call(draw: st.DrawFn, function: dict[str, Any], session: str) -> dict[str, Any]:
    """A ``function_call`` item calling ``function`` with valid arguments (``call_id`` embeds ``session``)."""
    call = {"type": "function_call", "call_id": leaves.tool_id(draw, session), "name": function["name"],
            "arguments": draw_arguments(draw, function)}
    if draw(_maybe):
        call.update(id=f"fc_{draw(_ids)}", status="completed")
    return call


def draw_input_items(draw: st.DrawFn, tools: list[dict[str, Any]], session: str, max_exchanges: int,
                     min_exchanges: int = 0) -> list[dict[str, Any]]:
    """``[system|developer] user (assistant | [reasoning] function_call+ function_call_output+ [user])*``:
    each output answers a call before it, once (``call_id`` ``tc-<session>-<uuid>``); the last item is
    a user message or a function call's output."""
    items: list[dict[str, Any]] = []
    if draw(_maybe):
        items.append(_message(draw, draw(st.sampled_from(["system", "developer"])), _input_text))
    items.append(_message(draw, "user", _input_parts))
    functions = [tool for tool in tools if tool.get("type") == "function"]
    for _ in range(draw(st.integers(min_exchanges, max_exchanges))):
        if draw(_maybe) and functions:
            if draw(_maybe) and draw(_maybe):
                items.append(_reasoning_item(draw))
            calls = [_call(draw, functions[draw(st.integers(0, len(functions) - 1))], session)
                     for _ in range(draw(st.integers(1, 2)))]
            items.extend(calls)
            items.extend({"type": "function_call_output", "call_id": call["call_id"], "output": draw(leaves.texts)}
                         for call in calls)
            if draw(_maybe):
                continue  # the turn goes on: a function's output is the last word so far
        else:
            items.append(_assistant_message(draw))
        items.append(_message(draw, "user", _input_parts))
    return items


@dataclass(frozen=True)
class ResponsesConstraints:
    """What a caller pins in :func:`responses_requests`."""

    stream: bool | None = None
    tools: bool | None = None
    tool_choice: str | None = None
    reasoning: bool | None = None
    structured_output: bool | None = None
    input: str | None = None
    max_exchanges: int = 2


def _tool_choice(draw: st.DrawFn, request: dict[str, Any], c: ResponsesConstraints) -> None:
    tools = request.get("tools") or []
    if tools:
        choice = c.tool_choice or draw(st.sampled_from([None, *TOOL_CHOICES]))
        if choice == "named":
            request["tool_choice"] = {"type": "function", "name": tools[draw(st.integers(0, len(tools) - 1))]["name"]}
        elif choice is not None:
            request["tool_choice"] = choice
        if draw(_maybe):
            request["parallel_tool_calls"] = draw(_maybe)
    elif c.tool_choice == "none" or (c.tool_choice is None and draw(_maybe) and draw(_maybe)):
        request["tool_choice"] = draw(st.sampled_from(["none", "auto"]))


def _options(draw: st.DrawFn, request: dict[str, Any], c: ResponsesConstraints) -> None:
    reasoning = c.reasoning if c.reasoning is not None else draw(_maybe) and draw(_maybe)
    if reasoning:
        summary = st.sampled_from(["auto", "concise", "detailed"])
        request["reasoning"] = {"effort": draw(st.sampled_from(REASONING_EFFORTS)),
                                **draw(leaves.optional_fields(summary=summary))}
    structured = c.structured_output if c.structured_output is not None else draw(_maybe) and draw(_maybe)
    if structured:
        request["text"] = {"format": {"type": "json_schema", "name": "answer", "schema": draw(leaves.object_schemas),
                                      **draw(leaves.optional_fields(strict=_maybe, description=leaves.texts))}}
    elif draw(_maybe) and draw(_maybe):
        request["text"] = {"format": {"type": draw(st.sampled_from(["text", "json_object"]))}}
    if draw(_maybe):
        request["instructions"] = draw(leaves.texts)
    if draw(_maybe):
        request["temperature"] = draw(st.floats(0, MAX_TEMPERATURE, allow_nan=False))
    if draw(_maybe):
        request["top_p"] = draw(st.floats(0, 1, allow_nan=False))
    if draw(_maybe):
        request["max_output_tokens"] = draw(st.integers(1, 4096))
    if draw(_maybe) and draw(_maybe):
        request["store"] = draw(_maybe)
    if draw(_maybe) and draw(_maybe):
        request["metadata"] = draw(st.dictionaries(st.from_regex(r"[a-z]{1,8}", fullmatch=True), leaves.texts,
                                                   max_size=2))
    if draw(_maybe) and draw(_maybe):
        request["truncation"] = draw(st.sampled_from(["auto", "disabled"]))


def build_request(c: ResponsesConstraints) -> SearchStrategy[dict[str, Any]]:
    """The strategy of :func:`responses_requests` for the constraints ``c`` (arguments already checked)."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        offer = c.tools if c.tools is not None else (c.tool_choice not in (None, "none") or draw(_maybe))
        tools = _function_tools(draw) if offer else []
        as_items = c.input == "items" if c.input is not None else draw(_maybe) or draw(_maybe)
        request: dict[str, Any] = {"model": draw(_models)}
        if as_items:
            request["input"] = draw_input_items(draw, tools, draw(leaves.uuids), c.max_exchanges)
        else:
            request["input"] = draw(leaves.texts)
        if tools:
            request["tools"] = tools
        _tool_choice(draw, request, c)
        _options(draw, request, c)
        stream = c.stream if c.stream is not None else draw(_maybe)
        if stream:
            request["stream"] = True
        elif draw(_maybe) and draw(_maybe):
            request["stream"] = False
        return request

    return build()


def _check_bool(value: Any, name: str) -> None:
    if value is not None:
        check_type(bool, value, name)


@lazy
def responses_requests(*, stream: bool | None = None, tools: bool | None = None, tool_choice: str | None = None,
                       reasoning: bool | None = None, structured_output: bool | None = None,
                       input: str | None = None, max_exchanges: int = 2) -> SearchStrategy[dict[str, Any]]:
    """Valid ``ResponsesRequest`` bodies obeying every request rule.

    ``stream``, ``tools`` (offer function tools or not), ``tool_choice`` (``"auto"``, ``"none"``,
    ``"required"`` or ``"named"``), ``reasoning`` (a ``reasoning`` option with an ``effort``),
    ``structured_output`` (a ``json_schema`` text format) and ``input`` (``"text"``: one string;
    ``"items"``: a list of input items) pin those parts; ``max_exchanges`` bounds the exchanges after
    the first user message (tool loops of ``function_call`` and ``function_call_output`` items included).
    """
    for name, value in (("stream", stream), ("tools", tools), ("reasoning", reasoning),
                        ("structured_output", structured_output)):
        _check_bool(value, name)
    if tool_choice is not None:
        check_choice(tool_choice, TOOL_CHOICES, "tool_choice")
        if tools is False and tool_choice in ("required", "named"):
            raise InvalidStrategyArgument(f"tool_choice={tool_choice!r}: expected 'auto' or 'none' with tools=False")
    if input is not None:
        check_choice(input, INPUTS, "input")
    check_range(max_exchanges, "max_exchanges", low=0, high=20)
    return build_request(ResponsesConstraints(stream, tools, tool_choice, reasoning, structured_output, input,
                                              max_exchanges))


# -- responses -------------------------------------------------------------------------------------


def _named(request: dict[str, Any]) -> str | None:
    choice = request.get("tool_choice")
    return choice.get("name") if isinstance(choice, dict) else None


def _outcomes(request: dict[str, Any]) -> list[str]:
    """What a response to ``request`` may hold: text, function calls (when a function may be called),
    a refusal; only calls or a refusal when ``tool_choice`` forces a call."""
    functions = offered_functions(request)
    forced = bool(functions) and (request.get("tool_choice") == "required" or _named(request) is not None)
    can_call = bool(functions) and request.get("tool_choice") != "none"
    return ["calls", "refusal"] if forced else ["text", *(["calls"] if can_call else []), "refusal"]


def _text(draw: st.DrawFn, request: dict[str, Any]) -> str:
    fmt = (request.get("text") or {}).get("format") or {}
    if fmt.get("type") == "json_schema" and isinstance(fmt.get("schema"), dict):
        return json.dumps(draw(tool_input_strategy({"input_schema": fmt["schema"]})), ensure_ascii=False)
    if fmt.get("type") == "json_object":
        return json.dumps({"answer": draw(leaves.texts)}, ensure_ascii=False)
    return draw(leaves.texts)


def _output_message(draw: st.DrawFn, part: dict[str, Any], status: str) -> dict[str, Any]:
    return {"id": f"msg_{draw(_ids)}", "type": "message", "role": "assistant", "status": status, "content": [part]}


def _draw_output(draw: st.DrawFn, request: dict[str, Any], session: str, status: str) -> list[dict[str, Any]]:
    if status == "failed":
        return []
    output: list[dict[str, Any]] = []
    if (request.get("reasoning") or (draw(_maybe) and draw(_maybe))) and draw(_maybe):
        output.append({"id": f"rs_{draw(_ids)}", "type": "reasoning", "summary": draw(_summaries)})
    outcome = draw(st.sampled_from(_outcomes(request)))
    if outcome == "calls":
        functions = offered_functions(request)
        named = _named(request)
        chosen = [functions[named]] if named is not None else list(functions.values())
        count = 1 if request.get("parallel_tool_calls") is False else draw(st.integers(1, 2))
        for _ in range(count):
            call = _call(draw, chosen[draw(st.integers(0, len(chosen) - 1))], session)
            call.update(id=f"fc_{draw(_ids)}", status="completed")  # an output item always has its id
            output.append(call)
    elif outcome == "refusal":
        output.append(_output_message(draw, {"type": "refusal", "refusal": draw(leaves.texts)}, status))
    else:
        output.append(_output_message(draw, {"type": "output_text", "text": _text(draw, request), "annotations": []},
                                      status))
    return output


_ECHOED = ("instructions", "max_output_tokens", "metadata", "temperature", "top_p", "reasoning", "text",
           "truncation")
"""Request options a response repeats when the request gives them."""


def _draw_response(draw: st.DrawFn, request: dict[str, Any], session: str) -> dict[str, Any]:
    # a failed response has no output, so it cannot make a call tool_choice requires
    statuses = [s for s in STATUSES if s != "failed" or "text" in _outcomes(request)]
    status = draw(st.sampled_from(statuses)) if draw(_maybe) else "completed"
    output = _draw_output(draw, request, session, status)
    limit = request.get("max_output_tokens")
    output_tokens = draw(st.integers(0, limit if isinstance(limit, int) else 100_000))
    input_tokens = draw(st.integers(0, 100_000))
    response: dict[str, Any] = {
        "id": f"resp_{draw(_ids)}", "object": "response", "created_at": draw(st.integers(1_600_000_000, 1_900_000_000)),
        "model": request["model"], "status": status, "output": output,
        "parallel_tool_calls": request.get("parallel_tool_calls", True),
        "tool_choice": request.get("tool_choice") or "auto", "tools": request.get("tools") or [],
        "usage": {"input_tokens": input_tokens,
                  "input_tokens_details": {"cached_tokens": draw(st.integers(0, input_tokens))},
                  "output_tokens": output_tokens,
                  "output_tokens_details": {"reasoning_tokens": draw(st.integers(0, output_tokens))},
                  "total_tokens": input_tokens + output_tokens},
    }
    if status == "incomplete":
        response["incomplete_details"] = {"reason": draw(st.sampled_from(["max_output_tokens", "content_filter"]))}
    elif status == "failed":
        response["error"] = {"code": draw(st.sampled_from(["server_error", "rate_limit_exceeded"])),
                             "message": draw(leaves.texts)}
    response.update({key: request[key] for key in _ECHOED if request.get(key) is not None})
    return response


@lazy
def responses_answers(for_request: dict[str, Any] | None = None, *, session_id: str | None = None
                      ) -> SearchStrategy[dict[str, Any]]:
    """Valid ``ResponsesResponse`` bodies answering ``for_request`` (a drawn request when None) under
    every response rule: a reasoning item maybe, then text (valid for the request's ``text.format``),
    a refusal, or ``function_call`` items calling offered functions as ``tool_choice`` and
    ``parallel_tool_calls`` allow, with arguments valid for the function's ``parameters``; status
    ``completed``, ``incomplete`` (with ``incomplete_details``) or ``failed`` (with ``error``, no
    output); usage that adds up, output tokens within ``max_output_tokens``. ``call_id``\\ s embed
    ``session_id`` (default: the session of the request's function call outputs, else drawn)."""
    return answers_to(for_request, session_id, document=RESPONSES.request, what="a valid responses request",
                      requests=lambda: build_request(ResponsesConstraints()),
                      session_of=RESPONSES.session_from_history, draw_answer=_draw_response)


@lazy
def responses_events(response: dict[str, Any] | None = None, dialect: str = "openai"
                     ) -> SearchStrategy[list[dict[str, Any]]]:
    """The typed events streaming ``response`` (a drawn one when None) through
    :func:`sequrity_contract.schemas.responses.to_events`, text, summaries and arguments cut at drawn
    points (empty pieces included): ``schemas.responses.accumulate_events(events) == response``."""
    check_choice(dialect, RESPONSES.dialects, "dialect")
    if response is not None:
        check_document(response, "response", RESPONSES.response, "a valid responses response")

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        streamed = response if response is not None else draw(responses_answers())
        return to_events(streamed, split_text=drawn_splitter(draw), split_json=drawn_splitter(draw))

    return build()


@lazy
def responses_inputs(*, tools: list[dict[str, Any]] | None = None, session_id: str | None = None,
                     min_exchanges: int = 0, max_exchanges: int = 3) -> SearchStrategy[list[dict[str, Any]]]:
    """``input`` item lists with tool loops following every request rule: each
    ``function_call_output`` answers a ``function_call`` before it, once, ``call_id``\\ s
    ``tc-<session>-<uuid>``, arguments valid for ``tools`` (function tools
    ``{"type": "function", "name": ..., "parameters": ...}``; drawn when None)."""
    if tools is not None:
        check_type(list, tools, "tools")
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or tool.get("type") != "function" or not isinstance(tool.get("name"), str):
                raise InvalidStrategyArgument(f"tools[{i}]={tool!r}: expected {{'type': 'function', 'name': ..., "
                                              "'parameters': ...}")
    check_session_id(session_id)
    check_exchanges(min_exchanges, max_exchanges)

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        offered = tools if tools is not None else (_function_tools(draw) if draw(_maybe) else [])
        return draw_input_items(draw, offered, session_id or draw(leaves.uuids), max_exchanges, min_exchanges)

    return build()


def _stream_events(message: dict[str, Any] | None = None, dialect: str | None = None
                   ) -> SearchStrategy[list[dict[str, Any]]]:
    return responses_events(message, dialect or RESPONSES.dialects[0])


register_strategies(EndpointStrategies(RESPONSES.name, responses_requests, responses_answers, _stream_events))
