"""Semantic rules of chat completions (docs/contract.md §10.3 and §10.4): the clauses of the
``chat.request`` and ``chat.response`` documents that JSON Schema cannot state.

Registered with :func:`.rules.rule`, like the messages rules: :func:`sequrity_contract.schemas.check`
runs them after the schema, and :data:`.rules.RULES` lists them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .rules import TOOL_USE_ID, Context, bounds, min_items, rule, temperature_within, tool_use_id
from .violations import Violation, json_path

REQUEST = "chat.request"
RESPONSE = "chat.response"
CHUNK = "chat.chunk"
MAX_TEMPERATURE = 2
"""The upper bound of ``temperature`` in OpenAI's formats (chat completions and responses)."""
TOOL_CHOICE_MODES = ("none", "auto", "required")


def completion_limit(request: dict[str, Any]) -> int | None:
    """The request's bound on completion tokens: ``max_completion_tokens``, else ``max_tokens``."""
    for key in ("max_completion_tokens", "max_tokens"):
        value = request.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return int(value)
    return None


def offered_tools(request: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The request's function tools by name."""
    tools: dict[str, dict[str, Any]] = {}
    for tool in request.get("tools") or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            tools.setdefault(function["name"], function)
    return tools


def named_tool(request: dict[str, Any]) -> str | None:
    """The function a ``tool_choice`` object names, if it names one."""
    choice = request.get("tool_choice")
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        name = choice["function"].get("name")
        return name if isinstance(name, str) else None
    return None


# -- request ---------------------------------------------------------------------------


@rule(REQUEST, min_items("messages"))
def chat_messages_not_empty(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """A chat request carries at least one message."""
    if not request["messages"]:
        yield Violation("chat_messages_not_empty", "$.messages", "at least one message", [])


@rule(REQUEST)
def assistant_content_or_tool_calls(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """An assistant message has content unless it carries tool_calls (or function_call)."""
    for i, message in enumerate(request["messages"]):
        if message["role"] != "assistant" or message.get("content") is not None:
            continue
        if not message.get("tool_calls") and message.get("function_call") is None:
            yield Violation("assistant_content_or_tool_calls", json_path(["messages", i, "content"]),
                            "content, or tool_calls, in an assistant message", None)


@rule(REQUEST)
def tool_message_answers_tool_call(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """A tool message answers a tool call of the assistant message just before it (or before its run of tool messages).

    Each id is answered once."""
    offered: list[str] = []
    answered: set[str] = set()
    for i, message in enumerate(request["messages"]):
        role = message["role"]
        if role == "assistant":
            offered = [call["id"] for call in message.get("tool_calls") or []]
            answered = set()
            continue
        if role != "tool":
            offered, answered = [], set()
            continue
        call_id = message["tool_call_id"]
        path = json_path(["messages", i, "tool_call_id"])
        if call_id not in offered:
            expected = (f"one of the tool call ids of the assistant message before it {offered}" if offered
                        else "the id of a tool call of the assistant message right before, which has none")
            yield Violation("tool_message_answers_tool_call", path, expected, call_id)
        elif call_id in answered:
            yield Violation("tool_message_answers_tool_call", path,
                            f"a tool call id not answered yet (left: {[c for c in offered if c not in answered]})",
                            call_id)
        answered.add(call_id)


@rule(REQUEST)
def chat_tool_choice_names_offered_tool(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """tool_choice names an offered function, and "required" comes with tools."""
    choice = request.get("tool_choice")
    names = sorted(offered_tools(request))
    if isinstance(choice, dict):
        name = named_tool(request)
        if name not in names:
            yield Violation("chat_tool_choice_names_offered_tool", "$.tool_choice.function.name",
                            f"the name of an offered function {names}" if names
                            else "an offered function, but the request offers no tools", name)
    elif choice == "required" and not names:
        yield Violation("chat_tool_choice_names_offered_tool", "$.tool_choice",
                        '"auto" or "none" when the request offers no tools', choice)


chat_temperature_range = temperature_within(REQUEST, "chat_temperature_range", MAX_TEMPERATURE)


@rule(REQUEST, bounds("max_completion_tokens", "max_tokens", json_type="integer", minimum=1))
def completion_tokens_positive(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """max_completion_tokens and max_tokens, when given, are at least 1."""
    for key in ("max_completion_tokens", "max_tokens"):
        value = request.get(key)
        if value is not None and value < 1:
            yield Violation("completion_tokens_positive", f"$.{key}", "an integer >= 1", value)


# -- response --------------------------------------------------------------------------


def _choices(response: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return list(enumerate(response["choices"]))


def _calls(choice: dict[str, Any]) -> list[dict[str, Any]]:
    return list(choice["message"].get("tool_calls") or [])


@rule(RESPONSE)
def choice_indexes_in_order(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """choices[i].index is i."""
    for i, choice in _choices(response):
        if choice["index"] != i:
            yield Violation("choice_indexes_in_order", json_path(["choices", i, "index"]), str(i), choice["index"])


@rule(RESPONSE)
def finish_reason_matches_tool_calls(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """finish_reason "tool_calls" comes with tool calls; tool calls come with "tool_calls" (or
    "stop" after a named tool_choice, or "length")."""
    for i, choice in _choices(response):
        reason, calls = choice["finish_reason"], _calls(choice)
        if reason == "tool_calls" and not calls:
            yield Violation("finish_reason_matches_tool_calls", json_path(["choices", i, "finish_reason"]),
                            'tool_calls in the message when finish_reason is "tool_calls"', reason)
        elif calls and reason not in ("tool_calls", "stop", "length"):
            yield Violation("finish_reason_matches_tool_calls", json_path(["choices", i, "finish_reason"]),
                            '"tool_calls" when the message carries tool calls', reason)


@rule(RESPONSE)
def chat_usage_adds_up(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Token counts are never negative, and total_tokens = prompt_tokens + completion_tokens."""
    usage = response.get("usage")
    if not isinstance(usage, dict):
        return
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        if usage[key] < 0:
            yield Violation("chat_usage_adds_up", json_path(["usage", key]), "a count >= 0", usage[key])
    if usage["total_tokens"] != usage["prompt_tokens"] + usage["completion_tokens"]:
        yield Violation("chat_usage_adds_up", "$.usage.total_tokens",
                        f"prompt_tokens + completion_tokens ({usage['prompt_tokens'] + usage['completion_tokens']})",
                        usage["total_tokens"])


@rule(RESPONSE)
def completion_within_limit(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """usage.completion_tokens does not exceed the request's max_completion_tokens (or max_tokens)."""
    usage = response.get("usage")
    limit = completion_limit(context.request) if context.request is not None else None
    if isinstance(usage, dict) and limit is not None and usage["completion_tokens"] > limit:
        yield Violation("completion_within_limit", "$.usage.completion_tokens",
                        f"at most the request's limit ({limit})", usage["completion_tokens"])


@rule(RESPONSE)
def tool_calls_follow_tool_choice(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Tool calls name offered functions and obey tool_choice and parallel_tool_calls (a refusal may decline)."""
    if context.request is None:
        return
    request = context.request
    tools, choice, named = offered_tools(request), request.get("tool_choice"), named_tool(request)
    for i, choice_body in _choices(response):
        calls = _calls(choice_body)
        for j, call in enumerate(calls):
            path = json_path(["choices", i, "message", "tool_calls", j, "function", "name"])
            name = call["function"]["name"]
            if name not in tools:
                yield Violation("tool_calls_follow_tool_choice", path,
                                f"the name of an offered function {sorted(tools)}", name)
            elif named is not None and name != named:
                yield Violation("tool_calls_follow_tool_choice", path,
                                f"the function tool_choice names ({named!r})", name)
        where = json_path(["choices", i, "message", "tool_calls"])
        if choice == "none" and calls:
            yield Violation("tool_calls_follow_tool_choice", where, 'no tool calls when tool_choice is "none"', calls)
        if request.get("parallel_tool_calls") is False and len(calls) > 1:
            yield Violation("tool_calls_follow_tool_choice", where,
                            "at most one tool call when parallel_tool_calls is false", calls)
        forced = (choice == "required" or named is not None) and tools
        refused = isinstance(choice_body["message"].get("refusal"), str)
        if forced and not calls and not refused and choice_body["finish_reason"] not in ("length", "content_filter"):
            yield Violation("tool_calls_follow_tool_choice", where,
                            "a tool call when tool_choice requires one", choice_body["message"].get("tool_calls"))


@rule(RESPONSE)
def tool_arguments_match_parameters(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Each tool call's arguments are a JSON object valid against its function's parameters."""
    if context.request is None:
        return
    from .user_schemas import user_schema_violations

    tools = offered_tools(context.request)
    for i, choice in _choices(response):
        if choice["finish_reason"] == "length":
            continue  # cut off while writing
        for j, call in enumerate(_calls(choice)):
            path = json_path(["choices", i, "message", "tool_calls", j, "function", "arguments"])
            try:
                arguments = json.loads(call["function"]["arguments"])
            except ValueError:
                yield Violation("tool_arguments_match_parameters", path, "a JSON object",
                                call["function"]["arguments"])
                continue
            if not isinstance(arguments, dict):
                yield Violation("tool_arguments_match_parameters", path, "a JSON object", arguments)
                continue
            function = tools.get(call["function"]["name"])
            if function is not None and isinstance(function.get("parameters"), dict):
                for v in user_schema_violations(function["parameters"], arguments):
                    yield v.rebased("tool_arguments_match_parameters", f"{path}<json>")


@rule(RESPONSE)
def content_follows_response_format(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """With response_format json_schema, finished content is JSON valid against the schema;
    with json_object, it is a JSON object."""
    if context.request is None:
        return
    fmt = context.request.get("response_format") or {}
    kind = fmt.get("type")
    if kind not in ("json_object", "json_schema"):
        return
    from .user_schemas import user_schema_violations

    schema = (fmt.get("json_schema") or {}).get("schema") if kind == "json_schema" else None
    for i, choice in _choices(response):
        content = choice["message"].get("content")
        if choice["finish_reason"] != "stop" or not isinstance(content, str):
            continue
        path = json_path(["choices", i, "message", "content"])
        try:
            document = json.loads(content)
        except ValueError:
            yield Violation("content_follows_response_format", path, "a JSON document", content)
            continue
        if kind == "json_object" and not isinstance(document, dict):
            yield Violation("content_follows_response_format", path, "a JSON object (json_object format)", content)
        elif isinstance(schema, dict):
            for v in user_schema_violations(schema, document):
                yield v.rebased("content_follows_response_format", f"{path}<json>")


@rule(RESPONSE)
def tool_call_id_embeds_session(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Tool call ids read tc-<session uuid>-<uuid>, embedding the answer's session."""
    if context.session_id is None:
        return
    for i, choice in _choices(response):
        for j, call in enumerate(_calls(choice)):
            match = TOOL_USE_ID.match(call["id"])
            if match is None or match["session"] != context.session_id:
                yield Violation("tool_call_id_embeds_session",
                                json_path(["choices", i, "message", "tool_calls", j, "id"]),
                                tool_use_id(context.session_id, "<uuid>"), call["id"])
