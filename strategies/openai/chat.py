"""Hypothesis strategies for chat completions (docs/contract.md §10): requests, completions
answering them, chunk lists streaming a completion, conversations with tool loops, and requests
that break exactly one rule.

Hand-written (not drawn from the documents) so that every value also obeys the semantic rules;
registered for the ``chat_completions`` endpoint with :func:`..endpoints.register_strategies`.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract import schemas
from sequrity_contract.schemas.chat_rules import (
    MAX_TEMPERATURE,
    chat_temperature_range,
    completion_limit,
    named_tool,
    offered_tools,
)
from sequrity_contract.schemas.chat_stream import COMPLETION_OBJECT, to_chunks

from .. import leaves
from ..answers import answers_to
from ..conversation import tool_input_strategy
from ..endpoints import EndpointStrategies, register_strategies
from ..errors import InvalidStrategyArgument
from ..invalid import InvalidRequest, Mutation, mutated_requests
from ..validation import check_choice, check_exchanges, check_range, check_session_id, check_type, lazy
from .functions import draw_arguments, draw_functions
from .mutations import missing_model, temperature_above

TOOL_CHOICES = ("auto", "none", "required", "named")
_maybe = st.booleans()
_models = st.sampled_from(["gpt-4o", "gpt-4o-mini", "o3", "openai/gpt-5-mini"])
_content_parts = st.one_of(
    st.builds(lambda text: {"type": "text", "text": text}, leaves.texts),
    st.builds(lambda path, detail: {"type": "image_url", "image_url": {"url": f"https://example.com/{path}.png",
                                                                        **detail}},
              st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
              leaves.optional_fields(detail=st.sampled_from(["auto", "low", "high"]))),
    st.builds(lambda fmt: {"type": "input_audio", "input_audio": {"data": "AAAA", "format": fmt}},
              st.sampled_from(["wav", "mp3"])),
    st.builds(lambda file_id: {"type": "file", "file": {"file_id": file_id}},
              st.from_regex(r"file-[a-z0-9]{1,6}", fullmatch=True)),
)
_text_parts = st.lists(st.builds(lambda text: {"type": "text", "text": text}, leaves.texts), min_size=1, max_size=2)
_user_content = leaves.texts | st.lists(_content_parts, min_size=1, max_size=3)


def _function_tools(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three function tools with unique names (``{"type": "function", "function": {...}}``)."""
    return [{"type": "function", "function": function} for function in draw_functions(draw)]


def _calls(draw: st.DrawFn, functions: list[dict[str, Any]], session: str, count: int) -> list[dict[str, Any]]:
    return [{"id": leaves.tool_id(draw, session), "type": "function",
             "function": {"name": f["name"], "arguments": draw_arguments(draw, f)}}
            for f in (functions[draw(st.integers(0, len(functions) - 1))] for _ in range(count))]


def draw_history(draw: st.DrawFn, tools: list[dict[str, Any]], session: str, max_exchanges: int,
                 min_exchanges: int = 0) -> list[dict[str, Any]]:
    """``[system|developer] user (assistant (tool)* user?)*``: each tool message answers a call of the
    assistant message before it (ids ``tc-<session>-<uuid>``); the last message is a user or tool one."""
    messages: list[dict[str, Any]] = []
    if draw(_maybe):
        role = draw(st.sampled_from(["system", "developer"]))
        messages.append({"role": role, "content": draw(leaves.texts | _text_parts)})
    messages.append({"role": "user", "content": draw(_user_content)})
    functions = [t["function"] for t in tools]
    for _ in range(draw(st.integers(min_exchanges, max_exchanges))):
        if draw(_maybe) and functions:
            calls = _calls(draw, functions, session, draw(st.integers(1, 2)))
            messages.append({"role": "assistant", "content": None, "tool_calls": calls})
            messages.extend({"role": "tool", "tool_call_id": c["id"], "content": draw(leaves.texts | _text_parts)}
                            for c in calls)
            if draw(_maybe):
                continue  # the turn goes on: a tool result is the last word so far
        else:
            messages.append({"role": "assistant", "content": draw(leaves.texts)})
        messages.append({"role": "user", "content": draw(_user_content)})
    return messages


@dataclass(frozen=True)
class ChatConstraints:
    """What a caller pins in :func:`chat_requests`."""

    stream: bool | None = None
    tools: bool | None = None
    tool_choice: str | None = None
    structured_output: bool | None = None
    max_exchanges: int = 2


def _optional(draw: st.DrawFn, request: dict[str, Any]) -> None:
    if draw(_maybe):
        request["temperature"] = draw(st.floats(0, MAX_TEMPERATURE, allow_nan=False))
    if draw(_maybe):
        request["top_p"] = draw(st.floats(0, 1, allow_nan=False))
    if draw(_maybe) and draw(_maybe):
        request["seed"] = draw(st.integers(0, 2**31))
    if draw(_maybe) and draw(_maybe):
        request["reasoning_effort"] = draw(st.sampled_from(["none", "minimal", "low", "medium", "high", "xhigh"]))
    if draw(_maybe):
        request[draw(st.sampled_from(["max_completion_tokens", "max_tokens"]))] = draw(st.integers(1, 4096))
    if draw(_maybe) and draw(_maybe):
        request["stop"] = draw(st.text(min_size=1, max_size=4) | st.lists(st.text(min_size=1, max_size=4),
                                                                          min_size=1, max_size=4))


def _build_request(c: ChatConstraints) -> SearchStrategy[dict[str, Any]]:
    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        offer = c.tools if c.tools is not None else (c.tool_choice not in (None, "none") or draw(_maybe))
        tools = _function_tools(draw) if offer else []
        session = draw(leaves.uuids)
        request: dict[str, Any] = {"model": draw(_models),
                                   "messages": draw_history(draw, tools, session, c.max_exchanges)}
        if tools:
            request["tools"] = tools
            choice = c.tool_choice or draw(st.sampled_from([None, *TOOL_CHOICES]))
            if choice == "named":
                name = tools[draw(st.integers(0, len(tools) - 1))]["function"]["name"]
                request["tool_choice"] = {"type": "function", "function": {"name": name}}
            elif choice is not None:
                request["tool_choice"] = choice
            if draw(_maybe):
                request["parallel_tool_calls"] = draw(_maybe)
        elif c.tool_choice == "none" or (c.tool_choice is None and draw(_maybe) and draw(_maybe)):
            request["tool_choice"] = draw(st.sampled_from(["none", "auto"]))
        structured = c.structured_output if c.structured_output is not None else draw(_maybe) and draw(_maybe)
        if structured:
            request["response_format"] = {"type": "json_schema", "json_schema": {
                "name": "answer", "schema": draw(leaves.object_schemas), **draw(leaves.optional_fields(
                    strict=_maybe, description=leaves.texts))}}
        elif draw(_maybe) and draw(_maybe):
            request["response_format"] = {"type": draw(st.sampled_from(["text", "json_object"]))}
        _optional(draw, request)
        stream = c.stream if c.stream is not None else draw(_maybe)
        if stream:
            request["stream"] = True
            if draw(_maybe):
                request["stream_options"] = {"include_usage": draw(_maybe)}
        elif draw(_maybe) and draw(_maybe):
            request["stream"] = False
        return request

    return build()


def _session_of(request: dict[str, Any]) -> str | None:
    return schemas.CHAT_COMPLETIONS.session_from_history(request)

@lazy
def chat_requests(*, stream: bool | None = None, tools: bool | None = None, tool_choice: str | None = None,
                  structured_output: bool | None = None, max_exchanges: int = 2) -> SearchStrategy[dict[str, Any]]:
    """Valid ``ChatCompletionRequest`` bodies obeying every request rule.

    ``stream``, ``tools`` (offer function tools or not), ``tool_choice`` (``"auto"``, ``"none"``,
    ``"required"`` or ``"named"``), ``structured_output`` (a ``json_schema`` response_format) pin
    those parts; ``max_exchanges`` bounds the exchanges after the first user message (tool loops
    included).
    """
    for name, value in (("stream", stream), ("tools", tools), ("structured_output", structured_output)):
        if value is not None:
            check_type(bool, value, name)
    if tool_choice is not None:
        check_choice(tool_choice, TOOL_CHOICES, "tool_choice")
        if tools is False and tool_choice in ("required", "named"):
            raise InvalidStrategyArgument(f"tool_choice={tool_choice!r}: expected 'auto' or 'none' with tools=False")
    check_range(max_exchanges, "max_exchanges", low=0, high=20)
    return _build_request(ChatConstraints(stream, tools, tool_choice, structured_output, max_exchanges))


def _draw_message(draw: st.DrawFn, request: dict[str, Any], session: str, reason: str) -> dict[str, Any]:
    functions = offered_tools(request)
    named = named_tool(request)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if reason == "tool_calls":
        chosen = [functions[named]] if named is not None else list(functions.values())
        count = 1 if request.get("parallel_tool_calls") is False else draw(st.integers(1, 2))
        message["tool_calls"] = _calls(draw, chosen, session, count)
        if draw(_maybe) and draw(_maybe):
            message["content"] = draw(leaves.texts)
    elif reason == "stop" and _forced(request):
        message["refusal"] = draw(leaves.texts)
    else:
        fmt = request.get("response_format") or {}
        if reason == "stop" and fmt.get("type") == "json_schema" and isinstance(fmt["json_schema"].get("schema"), dict):
            value = draw(tool_input_strategy({"input_schema": fmt["json_schema"]["schema"]}))
            message["content"] = json.dumps(value, ensure_ascii=False)
        elif reason == "stop" and fmt.get("type") == "json_object":
            message["content"] = json.dumps({"answer": draw(leaves.texts)}, ensure_ascii=False)
        else:
            message["content"] = draw(leaves.texts)
    if draw(_maybe):
        message.setdefault("refusal", None)
    return message


def _forced(request: dict[str, Any]) -> bool:
    return bool(offered_tools(request)) and (request.get("tool_choice") == "required" or
                                             named_tool(request) is not None)


def _reasons(request: dict[str, Any]) -> list[str]:
    can_call = bool(offered_tools(request)) and request.get("tool_choice") != "none"
    return ["stop", "length", *(["tool_calls"] if can_call else []), "content_filter"]


def _draw_completion(draw: st.DrawFn, request: dict[str, Any], session: str) -> dict[str, Any]:
    reason = draw(st.sampled_from(_reasons(request)))
    message = _draw_message(draw, request, session, reason)
    limit = completion_limit(request)
    completion_tokens = draw(st.integers(0, limit if limit is not None else 100_000))
    prompt_tokens = draw(st.integers(0, 100_000))
    choice: dict[str, Any] = {"index": 0, "message": message, "finish_reason": reason}
    if draw(_maybe):
        choice["logprobs"] = None
    completion: dict[str, Any] = {
        "id": f"chatcmpl-{draw(st.from_regex(r'[0-9a-zA-Z]{8,24}', fullmatch=True))}",
        "object": COMPLETION_OBJECT, "created": draw(st.integers(1_600_000_000, 1_900_000_000)),
        "model": request["model"], "choices": [choice],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }
    if draw(_maybe) and draw(_maybe):
        completion["system_fingerprint"] = f"fp_{draw(st.from_regex(r'[0-9a-f]{6}', fullmatch=True))}"
    return completion


@lazy
def chat_responses(for_request: dict[str, Any] | None = None, *, session_id: str | None = None
                   ) -> SearchStrategy[dict[str, Any]]:
    """Valid ``ChatCompletionResponse`` bodies answering ``for_request`` (a drawn request when
    None) under every response rule: tool calls only to offered functions, as ``tool_choice`` and
    ``parallel_tool_calls`` allow, arguments valid for the function's parameters, structured content
    valid for ``response_format``, ``completion_tokens`` within the request's limit, usage that adds
    up. Tool call ids embed ``session_id`` (default: the request history's session, else drawn)."""
    return answers_to(for_request, session_id, document="chat.request", what="a valid chat request",
                      requests=lambda: _build_request(ChatConstraints()),
                      session_of=_session_of, draw_answer=_draw_completion)


def _splitter(sizes: list[int]) -> Any:
    """Cuts a text at the drawn sizes in turn (an empty piece where a size is 0), then the rest."""
    def split(text: str) -> list[str]:
        pieces, at = [], 0
        for size in sizes:
            if at >= len(text):
                break
            pieces.append(text[at: at + size])
            at += size
        return [*pieces, text[at:]] if at < len(text) else pieces or [text]
    return split


@lazy
def chat_chunks(completion: dict[str, Any] | None = None, dialect: str = "openai"
                ) -> SearchStrategy[list[dict[str, Any]]]:
    """Chunk lists streaming ``completion`` (a drawn one when None), content and arguments cut at
    drawn points: ``schemas.accumulate_chunks(chunks) == completion``."""
    check_choice(dialect, schemas.CHAT_COMPLETIONS.dialects, "dialect")
    if completion is not None:
        check_type(dict, completion, "completion")
        violations = schemas.check("chat.response", completion)
        if violations:
            raise InvalidStrategyArgument(f"completion=...: expected a valid chat completion, but {violations[0]}")
    sizes = st.lists(st.integers(0, 12), max_size=6)

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        streamed = completion if completion is not None else draw(chat_responses())
        return to_chunks(streamed, split_text=_splitter(draw(sizes)), split_json=_splitter(draw(sizes)))

    return build()


@lazy
def chat_conversations(*, tools: list[dict[str, Any]] | None = None, session_id: str | None = None,
                       min_exchanges: int = 0, max_exchanges: int = 3) -> SearchStrategy[list[dict[str, Any]]]:
    """Chat histories with tool loops following every request rule: each ``tool`` message answers a
    call of the assistant message before it, ids ``tc-<session>-<uuid>``, arguments valid for
    ``tools`` (function tools; drawn when None)."""
    if tools is not None:
        check_type(list, tools, "tools")
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance((tool.get("function") or {}).get("name"), str):
                raise InvalidStrategyArgument(f"tools[{i}]={tool!r}: expected {{'type': 'function', "
                                              "'function': {'name': ..., 'parameters': ...}}")
    check_session_id(session_id)
    check_exchanges(min_exchanges, max_exchanges)

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        offered = tools if tools is not None else (_function_tools(draw) if draw(_maybe) else [])
        return draw_history(draw, offered, session_id or draw(leaves.uuids), max_exchanges, min_exchanges)

    return build()


# -- requests that break one rule ------------------------------------------------------------------

def _no_messages(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"] = []
    return "chat_messages_not_empty", "$.messages"


def _no_completion_tokens(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r.pop("max_tokens", None)
    r["max_completion_tokens"] = draw(st.integers(-5, 0))
    return "completion_tokens_positive", "$.max_completion_tokens"


def _unanswered_tool_message(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"].append({"role": "tool", "tool_call_id": f"call_{draw(leaves.uuids)}", "content": "orphan"})
    return "tool_message_answers_tool_call", f"$.messages[{len(r['messages']) - 1}].tool_call_id"


def _unknown_named_tool(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    names = offered_tools(r)
    name = draw(leaves.tool_names.filter(lambda n: n not in names))
    r["tool_choice"] = {"type": "function", "function": {"name": name}}
    return "chat_tool_choice_names_offered_tool", "$.tool_choice.function.name"


def _unknown_role(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"][-1] = {**r["messages"][-1], "role": draw(st.sampled_from(["robot", "User", "model"]))}
    return "schema:discriminator", f"$.messages[{len(r['messages']) - 1}].role"


def _empty_assistant(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"].append({"role": "assistant", "content": None})
    r["messages"].append({"role": "user", "content": "and?"})
    return "assistant_content_or_tool_calls", f"$.messages[{len(r['messages']) - 2}].content"


CHAT_MUTATIONS: dict[str, Mutation] = {
    "no_messages": _no_messages, "missing_model": missing_model,
    "temperature_too_high": temperature_above(chat_temperature_range.__name__, MAX_TEMPERATURE),
    "no_completion_tokens": _no_completion_tokens, "unanswered_tool_message": _unanswered_tool_message,
    "unknown_named_tool": _unknown_named_tool, "unknown_role": _unknown_role, "empty_assistant": _empty_assistant,
}
"""Each way :func:`chat_invalid_requests` breaks a request, by name."""


@lazy
def chat_invalid_requests(*, mutations: Collection[str] | None = None) -> SearchStrategy[InvalidRequest]:
    """Chat requests breaking exactly one rule, as :class:`~..invalid.InvalidRequest` ``(request, rule,
    path, mutation)``: ``schemas.check("chat.request", ...)`` reports ``rule`` at ``path`` first.
    ``mutations`` limits the kinds (names in :data:`CHAT_MUTATIONS`)."""
    base = _build_request(ChatConstraints(tool_choice="auto", max_exchanges=1))
    return mutated_requests(mutations, CHAT_MUTATIONS, base)


def _stream_events(message: dict[str, Any] | None = None, dialect: str | None = None
                   ) -> SearchStrategy[list[dict[str, Any]]]:
    return chat_chunks(message, dialect or "openai")


register_strategies(EndpointStrategies(schemas.CHAT_COMPLETIONS.name, chat_requests, chat_responses, _stream_events))
