"""Semantic rules: the clauses of the contract that JSON Schema cannot express.

Each rule is a plain generator function registered under its own name for one
document (``request``, ``response`` or ``error``). It receives an instance that
already satisfies the document's schema, plus a :class:`Context`, and yields
:class:`~sequrity_contract.schemas.violations.Violation` objects. Rules are individually callable and
listed in :data:`RULES`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from .violations import Violation, json_path

ERROR_TYPES: dict[int, str] = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}
"""The ``error.type`` each status carries (docs/contract.md §8); other 5xx use ``api_error``."""

UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
TOOL_USE_ID = re.compile(rf"^tc-(?P<session>{UUID_PATTERN})-(?P<call>{UUID_PATTERN})$")
"""Reads a tool-call id back: groups ``session`` and ``call`` (see :func:`tool_use_id`)."""
MIN_THINKING_BUDGET = 1024
MAX_TEMPERATURE = 1
"""The highest ``temperature`` a messages request may ask."""


@dataclass(frozen=True)
class Context:
    """What a rule may know besides the instance: the request answered, the session, the status."""

    request: dict[str, Any] | None = None
    session_id: str | None = None
    status: int | None = None


def tool_use_id(session_id: str | UUID, call_uuid: str | UUID) -> str:
    """The id of a tool call made in session ``session_id``: ``tc-<session>-<call uuid>``
    (what :data:`TOOL_USE_ID` matches when both are UUIDs; any text is written as is, e.g.
    a placeholder that is replaced by the session later).

    >>> tool_use_id("11111111-2222-4333-8444-555555555555", "66666666-7777-4888-8999-000000000000")
    'tc-11111111-2222-4333-8444-555555555555-66666666-7777-4888-8999-000000000000'
    """
    return f"tc-{session_id}-{call_uuid}"


RuleFunction = Callable[[Any, Context], Iterator[Violation]]


SchemaEdit = Callable[[dict[str, Any]], None]
"""Changes a JSON Schema document in place (a copy of the document a rule applies to)."""


@dataclass(frozen=True)
class SchemaForm:
    """How JSON Schema states a rule: ``edit`` adds the constraint to (a copy of) the rule's document;
    ``part`` is None when that states the whole rule, else the part it states. The OpenAPI export
    adds every rule's form to its schemas and lists the rules not stated whole."""

    edit: SchemaEdit
    part: str | None = None


def _typed(node: dict[str, Any], json_type: str) -> list[dict[str, Any]]:
    """The schema ``node``, or those of its ``anyOf`` options, that admit ``json_type``."""
    options: list[dict[str, Any]] = node.get("anyOf", [node])
    return [option for option in options if option.get("type") == json_type]


def bounds(*fields: str, json_type: str = "number", minimum: float | None = None,
           maximum: float | None = None) -> SchemaForm:
    """The whole rule "each of ``fields`` (top-level properties), when a ``json_type``, lies within
    ``minimum`` and ``maximum``" as JSON Schema bounds."""
    limits = {key: value for key, value in (("minimum", minimum), ("maximum", maximum)) if value is not None}

    def edit(document: dict[str, Any]) -> None:
        for field in fields:
            options = _typed(document["properties"][field], json_type)
            if not options:
                raise ValueError(f"bounds: the property {field!r} admits no {json_type!r}")
            for option in options:
                option.update(limits)

    return SchemaForm(edit)


def min_items(field: str, count: int = 1) -> SchemaForm:
    """The whole rule "the array ``field`` (a top-level property) holds at least ``count`` items"."""

    def edit(document: dict[str, Any]) -> None:
        document["properties"][field]["minItems"] = count

    return SchemaForm(edit)


@dataclass(frozen=True)
class Rule:
    """A named semantic rule that applies to one document; ``schema_form`` says how JSON Schema
    states it, when it can."""

    name: str
    document: str
    check: RuleFunction
    summary: str
    schema_form: SchemaForm | None = None

    def __call__(self, instance: Any, context: Context | None = None) -> list[Violation]:
        return list(self.check(instance, context or Context()))


RULES: dict[str, Rule] = {}
_BY_DOCUMENT: dict[str, tuple[Rule, ...]] = {}
"""The rules of each document, in registration order (made again when a rule is registered)."""


def rule(document: str, schema_form: SchemaForm | None = None) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as a rule for ``document``; names must be unique.
    ``schema_form``: how JSON Schema states the rule, when it can (see :class:`SchemaForm`)."""

    def register(func: RuleFunction) -> RuleFunction:
        if func.__name__ in RULES:
            raise ValueError(f"a rule named {func.__name__!r} is already registered")
        summary = (func.__doc__ or "").strip().splitlines()[0]
        RULES[func.__name__] = Rule(func.__name__, document, func, summary, schema_form)
        _BY_DOCUMENT[document] = (*_BY_DOCUMENT.get(document, ()), RULES[func.__name__])
        return func

    return register


def temperature_within(document: str, name: str, maximum: float) -> RuleFunction:
    """Register the rule ``name`` for ``document``: a request's ``temperature``, when given, lies in
    [0, ``maximum``] (one definition for every endpoint; JSON Schema states it as bounds)."""

    def check(request: dict[str, Any], context: Context) -> Iterator[Violation]:
        temperature = request.get("temperature")
        if temperature is not None and not 0 <= temperature <= maximum:
            yield Violation(name, "$.temperature", f"a number from 0 to {maximum}", temperature)

    check.__name__ = check.__qualname__ = name
    check.__doc__ = f"temperature lies in [0, {maximum}]."
    return rule(document, bounds("temperature", minimum=0, maximum=maximum))(check)


def rules_for(document: str) -> list[Rule]:
    """The rules that apply to ``document``, in registration order."""
    return list(_BY_DOCUMENT.get(document, ()))


def violations_of_rules(document: str, instance: Any, context: Context) -> list[Violation]:
    """The violations of every rule of ``document`` by ``instance`` (for an instance valid against
    the document's schema), in rule order."""
    return [violation for r in _BY_DOCUMENT.get(document, ()) for violation in r.check(instance, context)]


def _blocks(content: Any) -> list[Any]:
    return content if isinstance(content, list) else []


def _tag(block: Any) -> Any:
    return block.get("type") if isinstance(block, dict) else None


# -- request ---------------------------------------------------------------------------


def _first_turn_is_user(document: dict[str, Any]) -> None:
    # the whole rule compares neighbours, which JSON Schema cannot; the first turn it can.
    # prefixItems take the first item out of what ``items`` checks: the first turn is checked by both here
    messages = document["properties"]["messages"]
    messages["prefixItems"] = [{"allOf": [messages["items"], {"properties": {"role": {"const": "user"}}}]}]


@rule("request", SchemaForm(_first_turn_is_user, "the first turn is a user turn"))
def alternating_roles(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Turns alternate between user and assistant, starting with user."""
    previous = None
    for i, message in enumerate(request["messages"]):
        role = message["role"]
        if i == 0 and role != "user":
            yield Violation("alternating_roles", json_path(["messages", 0, "role"]),
                            '"user" for the first turn', role)
        elif role == previous:
            other = "assistant" if role == "user" else "user"
            yield Violation("alternating_roles", json_path(["messages", i, "role"]),
                            f'"{other}" after a {role} turn (roles alternate)', role)
        previous = role


@rule("request", min_items("messages"))
def messages_not_empty(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """A request carries at least one message."""
    if not request["messages"]:
        yield Violation("messages_not_empty", "$.messages", "at least one message", [])


@rule("request")
def tool_result_answers_tool_use(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """A tool_result sits in a user turn and answers a tool_use id of the previous assistant turn."""
    messages = request["messages"]
    for i, message in enumerate(messages):
        for j, block in enumerate(_blocks(message["content"])):
            if _tag(block) != "tool_result":
                continue
            path: list[str | int] = ["messages", i, "content", j]
            if message["role"] != "user":
                yield Violation("tool_result_answers_tool_use", json_path([*path, "type"]),
                                "tool_result blocks only in user turns", "tool_result")
                continue
            previous = messages[i - 1] if i > 0 else None
            offered = {
                b.get("id")
                for b in _blocks(previous["content"] if previous else None)
                if _tag(b) == "tool_use" and previous and previous["role"] == "assistant"
            }
            if block["tool_use_id"] not in offered:
                expected = (f"one of the previous assistant turn's tool_use ids {sorted(offered)}"
                            if offered else "a tool_use id of the previous assistant turn, which has none")
                yield Violation("tool_result_answers_tool_use", json_path([*path, "tool_use_id"]),
                                expected, block["tool_use_id"])


def _thinking_budget_minimum(document: dict[str, Any]) -> None:
    # "below max_tokens" compares two fields, which JSON Schema cannot; the minimum it can
    document["$defs"]["ThinkingConfigEnabledParam"]["properties"]["budget_tokens"]["minimum"] = MIN_THINKING_BUDGET


@rule("request", SchemaForm(_thinking_budget_minimum, f"budget_tokens >= {MIN_THINKING_BUDGET}"))
def thinking_budget(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """An enabled thinking budget is at least 1024 tokens and below max_tokens."""
    thinking = request.get("thinking")
    if not isinstance(thinking, dict) or thinking.get("type") != "enabled":
        return
    budget = thinking["budget_tokens"]
    if budget < MIN_THINKING_BUDGET:
        yield Violation("thinking_budget", "$.thinking.budget_tokens", f"an integer >= {MIN_THINKING_BUDGET}", budget)
    elif budget >= request["max_tokens"]:
        yield Violation("thinking_budget", "$.thinking.budget_tokens",
                        f"an integer below max_tokens ({request['max_tokens']})", budget)


temperature_range = temperature_within("request", "temperature_range", MAX_TEMPERATURE)


@rule("request", bounds("max_tokens", json_type="integer", minimum=1))
def max_tokens_positive(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """max_tokens is at least 1."""
    if request["max_tokens"] < 1:
        yield Violation("max_tokens_positive", "$.max_tokens", "an integer >= 1", request["max_tokens"])


@rule("request")
def tool_choice_names_offered_tool(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """tool_choice {type: tool} names one of the offered tools."""
    choice = request.get("tool_choice")
    if not isinstance(choice, dict) or choice.get("type") != "tool":
        return
    names = [t.get("name") for t in request.get("tools") or [] if isinstance(t, dict)]
    if choice["name"] not in names:
        yield Violation("tool_choice_names_offered_tool", "$.tool_choice.name",
                        f"the name of an offered tool {names}" if names else "an offered tool, but tools is empty",
                        choice["name"])


def discriminated(node: Any) -> set[str]:
    """The ``$defs`` names a discriminator in ``node`` (a document) maps a tag to."""
    found: set[str] = set()
    if isinstance(node, dict):
        discriminator = node.get("discriminator")
        if isinstance(discriminator, dict):
            found.update(str(ref).rsplit("/", 1)[-1] for ref in discriminator.get("mapping", {}).values())
        for key, value in node.items():
            if key not in ("const", "enum", "default", "examples"):
                found |= discriminated(value)
    elif isinstance(node, list):
        for item in node:
            found |= discriminated(item)
    return found


def _discriminator_tags_required(document: dict[str, Any]) -> None:
    for name in sorted(discriminated(document)):
        member = document["$defs"][name]
        member["required"] = sorted({*member.get("required", []), "type"})


@rule("request", SchemaForm(_discriminator_tags_required))
def discriminator_tags_present(request: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Every member of a discriminated union carries its type tag."""
    for key in ("thinking", "tool_choice"):
        if isinstance(request.get(key), dict) and "type" not in request[key]:
            yield Violation("discriminator_tags_present", json_path([key, "type"]), "the 'type' tag")
    for i, message in enumerate(request["messages"]):
        for j, block in enumerate(_blocks(message["content"])):
            yield from _block_tags(block, ["messages", i, "content", j])
    for j, block in enumerate(_blocks(request.get("system"))):
        yield from _block_tags(block, ["system", j])


def _block_tags(block: Any, path: list[str | int]) -> Iterator[Violation]:
    if not isinstance(block, dict):
        return
    if "type" not in block:
        yield Violation("discriminator_tags_present", json_path([*path, "type"]), "the 'type' tag")
        return
    source = block.get("source")
    if block["type"] == "image" and isinstance(source, dict) and "type" not in source:
        yield Violation("discriminator_tags_present", json_path([*path, "source", "type"]), "the 'type' tag")
    if block["type"] == "tool_result":
        for k, item in enumerate(_blocks(block.get("content"))):
            yield from _block_tags(item, [*path, "content", k])


# -- response --------------------------------------------------------------------------


def _tool_uses(response: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    return [(i, b) for i, b in enumerate(response["content"]) if _tag(b) == "tool_use"]


@rule("response")
def stop_sequence_matches_stop_reason(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """stop_sequence is a string exactly when stop_reason is "stop_sequence"."""
    reason, sequence = response.get("stop_reason"), response.get("stop_sequence")
    if reason == "stop_sequence" and not isinstance(sequence, str):
        yield Violation("stop_sequence_matches_stop_reason", "$.stop_sequence",
                        'the matched stop sequence when stop_reason is "stop_sequence"', sequence)
    elif reason != "stop_sequence" and sequence is not None:
        yield Violation("stop_sequence_matches_stop_reason", "$.stop_sequence",
                        f"null when stop_reason is {json.dumps(reason)}", sequence)


@rule("response")
def stop_reason_matches_tool_use(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """stop_reason "tool_use" comes with a tool_use block, and a tool_use block with that stop_reason."""
    reason = response.get("stop_reason")
    uses = _tool_uses(response)
    if reason == "tool_use" and not uses:
        yield Violation("stop_reason_matches_tool_use", "$.stop_reason",
                        'a tool_use block in content when stop_reason is "tool_use"', reason)
    elif uses and reason not in ("tool_use", "max_tokens", "pause_turn"):
        yield Violation("stop_reason_matches_tool_use", "$.stop_reason",
                        '"tool_use" when content holds a tool_use block', reason)


@rule("response")
def usage_not_negative(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Token counts are never negative."""
    for key, value in response["usage"].items():
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            yield Violation("usage_not_negative", json_path(["usage", key]), "a count >= 0", value)


@rule("response")
def output_within_max_tokens(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """usage.output_tokens does not exceed the request's max_tokens."""
    if context.request is None:
        return
    limit = context.request.get("max_tokens")
    if isinstance(limit, int) and response["usage"]["output_tokens"] > limit:
        yield Violation("output_within_max_tokens", "$.usage.output_tokens",
                        f"at most max_tokens ({limit})", response["usage"]["output_tokens"])


def _callable_tools(request: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The request's tools a tool_use block can name: those with a string ``name`` (the request
    document also admits free-form tool objects, which no answer can call)."""
    return {t["name"]: t for t in request.get("tools") or [] if isinstance(t, dict) and isinstance(t.get("name"), str)}


@rule("response")
def tool_use_follows_tool_choice(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """tool_use blocks name offered tools and obey tool_choice and disable_parallel_tool_use."""
    if context.request is None:
        return
    tools = _callable_tools(context.request)
    choice = context.request.get("tool_choice") or {}
    uses = _tool_uses(response)
    for i, block in uses:
        if block["name"] not in tools:
            yield Violation("tool_use_follows_tool_choice", json_path(["content", i, "name"]),
                            f"the name of an offered tool {sorted(tools, key=str)}", block["name"])
        elif choice.get("type") == "tool" and block["name"] != choice.get("name"):
            yield Violation("tool_use_follows_tool_choice", json_path(["content", i, "name"]),
                            f"the tool named by tool_choice ({choice.get('name')!r})", block["name"])
    if choice.get("type") == "none" and uses:
        yield Violation("tool_use_follows_tool_choice", json_path(["content", uses[0][0]]),
                        'no tool_use block when tool_choice is "none"', uses[0][1])
    if choice.get("disable_parallel_tool_use") and len(uses) > 1:
        yield Violation("tool_use_follows_tool_choice", json_path(["content", uses[1][0]]),
                        "at most one tool_use block when disable_parallel_tool_use is true", uses[1][1])
    forced = choice.get("type") in ("any", "tool") and tools
    if forced and not uses and response.get("stop_reason") not in ("max_tokens", "refusal", "pause_turn"):
        yield Violation("tool_use_follows_tool_choice", "$.content",
                        f'a tool_use block when tool_choice is "{choice.get("type")}"', response["content"])


@rule("response")
def tool_input_matches_schema(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """Each tool_use input is valid against its tool's input_schema."""
    if context.request is None:
        return
    from .user_schemas import user_schema_violations

    tools = {t.get("name"): t for t in context.request.get("tools") or [] if isinstance(t, dict)}
    for i, block in _tool_uses(response):
        tool = tools.get(block["name"])
        if tool is None or not isinstance(tool.get("input_schema"), dict):
            continue
        prefix = json_path(["content", i, "input"])
        for v in user_schema_violations(tool["input_schema"], block["input"]):
            yield v.rebased("tool_input_matches_schema", prefix)


@rule("response")
def structured_output_matches_schema(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """With output_config.format json_schema, a finished text answer is JSON valid against that schema."""
    if context.request is None or response.get("stop_reason") not in ("end_turn", None):
        return
    fmt = (context.request.get("output_config") or {}).get("format") or {}
    if fmt.get("type", "json_schema") != "json_schema" or not isinstance(fmt.get("schema"), dict):
        return
    from .user_schemas import user_schema_violations

    for i, block in enumerate(response["content"]):
        if _tag(block) != "text":
            continue
        path = json_path(["content", i, "text"])
        try:
            document = json.loads(block["text"])
        except ValueError:
            yield Violation("structured_output_matches_schema", path, "a JSON document", block["text"])
            continue
        for v in user_schema_violations(fmt["schema"], document):
            yield v.rebased("structured_output_matches_schema", f"{path}<json>")


@rule("response")
def stop_sequence_was_requested(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """A reported stop_sequence is one of the request's stop_sequences."""
    sequence = response.get("stop_sequence")
    if context.request is None or sequence is None:
        return
    allowed = context.request.get("stop_sequences") or []
    if sequence not in allowed:
        yield Violation("stop_sequence_was_requested", "$.stop_sequence",
                        f"one of the request's stop_sequences {allowed}", sequence)


@rule("response")
def tool_use_id_embeds_session(response: dict[str, Any], context: Context) -> Iterator[Violation]:
    """tool_use ids read tc-<session uuid>-<uuid>, embedding the answer's session."""
    if context.session_id is None:
        return
    for i, block in _tool_uses(response):
        match = TOOL_USE_ID.match(block["id"])
        if match is None or match["session"] != context.session_id:
            yield Violation("tool_use_id_embeds_session", json_path(["content", i, "id"]),
                            tool_use_id(context.session_id, "<uuid>"), block["id"])


# -- error body ------------------------------------------------------------------------


@rule("error")
def detail_repeats_message(body: dict[str, Any], context: Context) -> Iterator[Violation]:
    """detail carries the same text as error.message (read by the official client)."""
    if body["detail"] != body["error"]["message"]:
        expected = f"the text of error.message ({body['error']['message']!r})"
        yield Violation("detail_repeats_message", "$.detail", expected, body["detail"])


@rule("error")
def error_type_matches_status(body: dict[str, Any], context: Context) -> Iterator[Violation]:
    """error.type is the one the HTTP status calls for."""
    if context.status is None:
        return
    expected = ERROR_TYPES.get(context.status, "api_error" if context.status >= 500 else None)
    if expected is not None and body["error"]["type"] != expected:
        yield Violation("error_type_matches_status", "$.error.type",
                        f'"{expected}" for HTTP {context.status}', body["error"]["type"])
