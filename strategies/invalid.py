"""Requests that break exactly one rule of the contract, with the rule and JSON path.

Each mutation starts from a valid request (built by :mod:`sequrity_contract.strategies.request`) and breaks
one schema keyword or one semantic rule, arranging the rest so nothing else breaks;
``schemas.check("request", r)`` reports that rule, at that path, first.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas.rules import MIN_THINKING_BUDGET

from . import leaves
from .errors import InvalidStrategyArgument
from .validation import check_choice, check_type


@dataclass(frozen=True)
class InvalidRequest:
    """A request body that breaks ``rule`` (a ``Violation.rule``) at the JSON path ``path``."""

    request: dict[str, Any]
    rule: str
    path: str
    mutation: str


Mutation = Callable[[st.DrawFn, dict[str, Any]], tuple[str, str]]
"""Breaks a valid request in place; returns the rule it breaks and the JSON path it is reported at."""
MUTATIONS: dict[str, Mutation] = {}


def mutation(func: Mutation) -> Mutation:
    """Register ``func`` (which edits the request in place and returns ``(rule, path)``)."""
    MUTATIONS[func.__name__] = func
    return func


@mutation
def missing_required_field(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    field = draw(st.sampled_from(["model", "max_tokens", "messages"]))
    del r[field]
    return "schema:required", f"$.{field}"


@mutation
def max_tokens_not_an_integer(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["max_tokens"] = draw(st.sampled_from(["1024", 10.5, None, [1]]))
    return "schema:type", "$.max_tokens"


@mutation
def unknown_role(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"][0]["role"] = draw(st.sampled_from(["system", "tool", "User"]))
    return "schema:enum", "$.messages[0].role"


@mutation
def unknown_block_type(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    tag = draw(st.sampled_from(["video", "Text", "tool_call"]))
    r["messages"][0]["content"] = [{"type": tag, "text": "x"}]
    return "schema:discriminator", "$.messages[0].content[0].type"


@mutation
def temperature_not_a_number(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["temperature"] = draw(st.sampled_from(["0.5", True, {"value": 1}]))
    return "schema:type", "$.temperature"


@mutation
def assistant_speaks_first(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"].insert(0, {"role": "assistant", "content": draw(leaves.texts)})
    return "alternating_roles", "$.messages[0].role"


@mutation
def user_speaks_twice(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"].append({"role": "user", "content": draw(leaves.texts)})
    return "alternating_roles", f"$.messages[{len(r['messages']) - 1}].role"


@mutation
def no_messages(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"] = []
    return "messages_not_empty", "$.messages"


@mutation
def tool_result_without_tool_use(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    last = r["messages"][-1]
    if isinstance(last["content"], str):
        last["content"] = [{"type": "text", "text": last["content"]}]
    last["content"].append({"type": "tool_result", "tool_use_id": leaves.tool_id(draw, draw(leaves.uuids))})
    return ("tool_result_answers_tool_use",
            f"$.messages[{len(r['messages']) - 1}].content[{len(last['content']) - 1}].tool_use_id")


@mutation
def thinking_budget_too_small(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["thinking"] = {"type": "enabled", "budget_tokens": draw(st.integers(0, MIN_THINKING_BUDGET - 1))}
    r["max_tokens"] = max(r["max_tokens"], MIN_THINKING_BUDGET + 1)
    return "thinking_budget", "$.thinking.budget_tokens"


@mutation
def thinking_budget_not_below_max_tokens(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    budget = draw(st.integers(MIN_THINKING_BUDGET, 8192))
    r["thinking"] = {"type": "enabled", "budget_tokens": budget}
    r["max_tokens"] = draw(st.integers(1, budget))
    return "thinking_budget", "$.thinking.budget_tokens"


@mutation
def temperature_out_of_range(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["temperature"] = draw(st.floats(1, 2, exclude_min=True) | st.floats(-2, 0, exclude_max=True))
    return "temperature_range", "$.temperature"


@mutation
def max_tokens_not_positive(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["max_tokens"] = draw(st.integers(-10, 0))
    r.pop("thinking", None)
    return "max_tokens_positive", "$.max_tokens"


@mutation
def tool_choice_names_unknown_tool(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    names = {t["name"] for t in r.get("tools", [])}
    name = draw(leaves.tool_names.filter(lambda n: n not in names))
    r["tool_choice"] = {"type": "tool", "name": name}
    return "tool_choice_names_offered_tool", "$.tool_choice.name"


@mutation
def system_block_without_type(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["system"] = [{"text": draw(leaves.texts)}]
    return "discriminator_tags_present", "$.system[0].type"


@mutation
def image_source_without_type(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r["messages"][0]["content"] = [{"type": "image", "source": {"media_type": "image/png", "data": "AAAA"}}]
    return "discriminator_tags_present", "$.messages[0].content[0].source.type"


def draw_invalid(draw: st.DrawFn, valid: dict[str, Any], name: str,
                 table: Mapping[str, Mutation] = MUTATIONS) -> InvalidRequest:
    """Break ``valid`` (a copy of it) with the mutation called ``name`` in ``table``."""
    request = copy.deepcopy(valid)
    rule, path = table[name](draw, request)
    return InvalidRequest(request, rule, path, name)


def mutated_requests(mutations: Collection[str] | None, table: Mapping[str, Mutation],
                     base: SearchStrategy[dict[str, Any]]) -> SearchStrategy[InvalidRequest]:
    """Requests drawn from ``base`` (valid ones), each broken by one of ``mutations`` (names in
    ``table``; None: every one), checked first: what every endpoint's ``*invalid_requests`` is."""
    if mutations is not None:
        check_type((list, tuple, set, frozenset), mutations, "mutations")
    chosen = tuple(table) if mutations is None else tuple(mutations)
    for name in chosen:
        check_choice(name, tuple(table), "mutations")
    if not chosen:
        raise InvalidStrategyArgument("mutations=(): expected at least one mutation name")
    kinds = st.sampled_from(chosen)

    @st.composite
    def build(draw: st.DrawFn) -> InvalidRequest:
        kind = draw(kinds)  # first: a choice drawn after a long prefix is biased to its first option
        return draw_invalid(draw, draw(base), kind, table)

    return build()
