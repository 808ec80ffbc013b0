"""Semantic rules of the responses endpoint: the clauses of ``responses.request`` and
``responses.response`` that the published models leave open (docs/routes/responses.md, "Rules").

The published request takes any object as an input item or a tool (its unions end with a free
``dict``), so the document does too; these rules hold each item and tool to the definition of its
``type``, and tie calls, outputs and ``tool_choice`` together. Registered with
:func:`~..rules.rule`: :func:`sequrity_contract.schemas.check` runs them after the schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

from ..chat_rules import MAX_TEMPERATURE
from ..registry import load, validate_at
from ..rules import TOOL_USE_ID, Context, rule, temperature_within, tool_use_id
from ..violations import Violation, json_path
from .documents import REQUEST, RESPONSE

EASY_ROLES = ("user", "system", "developer", "assistant")
"""The roles of an input message written without ``type`` (the OpenAI SDK's easy input message;
the published ``InputMessageParam`` lists the first three)."""


@cache
def _branches(field: str) -> dict[str, tuple[str, ...]]:
    """The definitions of the request document's open union ``field`` (``input`` or ``tools``) by
    the ``type`` each one fixes (read from the document: it is the one place that lists them)."""
    document = load(REQUEST)
    union = next(branch for branch in document["properties"][field]["anyOf"] if branch.get("type") == "array")
    by_type: dict[str, tuple[str, ...]] = {}
    for branch in union["items"]["anyOf"]:
        if "$ref" not in branch:
            continue
        name = branch["$ref"].rsplit("/", 1)[-1]
        kind = document["$defs"][name]["properties"].get("type", {})
        for const in [kind.get("const"), *(b.get("const") for b in kind.get("anyOf", []))]:
            for value in kind.get("enum", [const]):
                if isinstance(value, str):
                    by_type[value] = (*by_type.get(value, ()), name)
    return by_type


def _first_error(definitions: tuple[str, ...], item: Any, path: list[str | int], rule_name: str
                 ) -> Violation | None:
    """None when ``item`` is valid against one of ``definitions``; else the first violation of the first."""
    found: list[Violation] = []
    for definition in definitions:
        violations = validate_at(REQUEST, f"/$defs/{definition}", item)
        if not violations:
            return None
        found.append(violations[0])
    first = found[0]
    return Violation(rule_name, json_path(path) + first.path[1:], first.expected, first.value)


def _open_union(request: dict[str, Any], field: str, rule_name: str, what: str) -> Iterator[Violation]:
    items = request.get(field)
    if not isinstance(items, list):
        return
    by_type = _branches(field)
    for index, item in enumerate(items):
        kind = item.get("type")
        if kind is None and field == "input":
            if item.get("role") in EASY_ROLES:
                found = _first_error(("InputMessageParam",), {**item, "role": "user"}, [field, index], rule_name)
            else:
                found = Violation(rule_name, json_path([field, index, "role"]),
                                  f"a message role ({', '.join(EASY_ROLES)}) or an item type", item.get("role"))
        elif kind in by_type:
            found = _first_error(by_type[kind], item, [field, index], rule_name)
        else:
            found = Violation(rule_name, json_path([field, index, "type"]),
                              f"{what} type: one of {', '.join(sorted(by_type))}", kind)
        if found is not None:
            yield found


@rule(REQUEST)
def responses_input_items_known(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Each input item is a message or an item of a published type, valid against that type's definition."""
    yield from _open_union(request, "input", "responses_input_items_known", "an input item")


@rule(REQUEST)
def responses_tools_known(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Each tool is of a published type and valid against that type's definition."""
    yield from _open_union(request, "tools", "responses_tools_known", "a tool")


def offered_functions(request: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The request's function tools by name."""
    tools = request.get("tools") or []
    return {tool["name"]: tool for tool in tools
            if isinstance(tool, dict) and tool.get("type") == "function" and isinstance(tool.get("name"), str)}


@rule(REQUEST)
def responses_tool_choice_names_offered_function(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """tool_choice names an offered function, and "required" comes with tools."""
    choice = request.get("tool_choice")
    names = sorted(offered_functions(request))
    if isinstance(choice, dict) and choice.get("name") not in names:
        yield Violation("responses_tool_choice_names_offered_function", "$.tool_choice.name",
                        f"the name of an offered function {names}" if names
                        else "an offered function, but the request offers no function tools", choice.get("name"))
    elif choice == "required" and not request.get("tools"):
        yield Violation("responses_tool_choice_names_offered_function", "$.tool_choice",
                        '"auto" or "none" when the request offers no tools', choice)


@rule(REQUEST)
def function_call_output_answers_call(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """A function_call_output answers a function_call earlier in the input, once (unless the
    conversation lives on the service: previous_response_id or conversation)."""
    if request.get("previous_response_id") or request.get("conversation"):
        return
    items = request.get("input")
    calls: set[str] = set()
    answered: set[str] = set()
    for index, item in enumerate(items if isinstance(items, list) else []):
        call_id = item.get("call_id")
        if item.get("type") == "function_call" and isinstance(call_id, str):
            calls.add(call_id)
        elif item.get("type") == "function_call_output" and isinstance(call_id, str):
            if call_id not in calls or call_id in answered:
                expected = (f"the call_id of a function_call before it, not answered yet "
                            f"(left: {sorted(calls - answered)})")
                yield Violation("function_call_output_answers_call", json_path(["input", index, "call_id"]),
                                expected, call_id)
            answered.add(call_id)


responses_temperature_range = temperature_within(REQUEST, "responses_temperature_range", MAX_TEMPERATURE)


@rule(RESPONSE)
def function_call_arguments_are_json(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """A function_call item's arguments are the JSON text of an object."""
    for index, item in enumerate(response["output"]):
        if not (isinstance(item, dict) and item.get("type") == "function_call"):
            continue
        try:
            arguments = json.loads(item["arguments"])
        except (ValueError, RecursionError, TypeError):
            arguments = None
        if not isinstance(arguments, dict):
            yield Violation("function_call_arguments_are_json", json_path(["output", index, "arguments"]),
                            "the JSON text of an object", item.get("arguments"))


def _calls(response: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(index, item) for index, item in enumerate(response["output"])
            if isinstance(item, dict) and item.get("type") == "function_call"]


def _refused(response: dict[str, Any]) -> bool:
    return any(isinstance(item, dict) and item.get("type") == "message"
               and any(isinstance(part, dict) and part.get("type") == "refusal" for part in item.get("content") or [])
               for item in response["output"])


@rule(RESPONSE)
def function_calls_follow_tool_choice(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Function calls name offered functions and obey tool_choice and parallel_tool_calls (a refusal
    or an incomplete response may decline a required call)."""
    if context.request is None:
        return
    request = context.request
    functions, choice = offered_functions(request), request.get("tool_choice")
    named = choice.get("name") if isinstance(choice, dict) else None
    calls = _calls(response)
    for index, call in calls:
        path = json_path(["output", index, "name"])
        if call.get("name") not in functions:
            yield Violation("function_calls_follow_tool_choice", path,
                            f"the name of an offered function {sorted(functions)}", call.get("name"))
        elif named is not None and call["name"] != named:
            yield Violation("function_calls_follow_tool_choice", path, f"the function tool_choice names ({named!r})",
                            call["name"])
    if choice == "none" and calls:
        yield Violation("function_calls_follow_tool_choice", "$.output", 'no function calls when tool_choice is "none"',
                        [call for _, call in calls])
    if request.get("parallel_tool_calls") is False and len(calls) > 1:
        yield Violation("function_calls_follow_tool_choice", "$.output",
                        "at most one function call when parallel_tool_calls is false", [call for _, call in calls])
    forced = (choice == "required" or named is not None) and functions
    if forced and not calls and not _refused(response) and response.get("status") != "incomplete":
        yield Violation("function_calls_follow_tool_choice", "$.output",
                        "a function call when tool_choice requires one", response["output"])


@rule(RESPONSE)
def function_call_id_embeds_session(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Function call ids (call_id) read tc-<session uuid>-<uuid>, embedding the answer's session."""
    if context.session_id is None:
        return
    for index, call in _calls(response):
        match = TOOL_USE_ID.match(str(call.get("call_id")))
        if match is None or match["session"] != context.session_id:
            yield Violation("function_call_id_embeds_session", json_path(["output", index, "call_id"]),
                            tool_use_id(context.session_id, "<uuid>"), call.get("call_id"))
