"""Responses requests that break exactly one rule (docs/routes/responses.md, "Rules"), each naming
the rule and the JSON path ``schemas.check("responses.request", ...)`` reports first."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas.chat_rules import MAX_TEMPERATURE
from sequrity_contract.schemas.responses.rules import offered_functions, responses_temperature_range

from .. import leaves
from ..invalid import InvalidRequest, Mutation, mutated_requests
from ..validation import lazy
from .mutations import missing_model, temperature_above
from .responses import ResponsesConstraints, build_request

ResponsesMutation = Mutation
"""Breaks a valid request in place; returns the rule it breaks and the JSON path it is reported at
(:data:`~..invalid.Mutation`)."""


def _append(request: dict[str, Any], field: str, value: dict[str, Any]) -> int:
    request.setdefault(field, [])
    request[field].append(value)
    return len(request[field]) - 1


def _unknown_item_type(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    kind = draw(st.sampled_from(["no_such_item", "Message", "function"]))
    index = _append(r, "input", {"type": kind, "content": draw(leaves.texts)})
    return "responses_input_items_known", f"$.input[{index}].type"


def _unknown_role(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    role = draw(st.sampled_from(["robot", "User", "tool"]))  # none of EASY_ROLES
    index = _append(r, "input", {"role": role, "content": draw(leaves.texts)})
    return "responses_input_items_known", f"$.input[{index}].role"


def _call_without_arguments(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    index = _append(r, "input", {"type": "function_call", "call_id": f"call_{draw(leaves.uuids)}",
                                 "name": draw(leaves.tool_names)})
    return "responses_input_items_known", f"$.input[{index}].arguments"


def _unknown_tool_type(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    index = _append(r, "tools", {"type": draw(st.sampled_from(["no_such_tool", "Function", "code"]))})
    return "responses_tools_known", f"$.tools[{index}].type"


def _unknown_named_function(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    names = offered_functions(r)
    r["tool_choice"] = {"type": "function", "name": draw(leaves.tool_names.filter(lambda n: n not in names))}
    return "responses_tool_choice_names_offered_function", "$.tool_choice.name"


def _required_without_tools(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    r.pop("tools", None)
    r.pop("parallel_tool_calls", None)
    r["tool_choice"] = "required"
    return "responses_tool_choice_names_offered_function", "$.tool_choice"


def _orphan_output(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    index = _append(r, "input", {"type": "function_call_output", "call_id": leaves.tool_id(draw, draw(leaves.uuids)),
                                 "output": draw(leaves.texts)})
    return "function_call_output_answers_call", f"$.input[{index}].call_id"


RESPONSES_MUTATIONS: dict[str, ResponsesMutation] = {
    "missing_model": missing_model,
    "temperature_too_high": temperature_above(responses_temperature_range.__name__, MAX_TEMPERATURE),
    "unknown_item_type": _unknown_item_type, "unknown_role": _unknown_role,
    "call_without_arguments": _call_without_arguments, "unknown_tool_type": _unknown_tool_type,
    "unknown_named_function": _unknown_named_function, "required_without_tools": _required_without_tools,
    "orphan_output": _orphan_output,
}
"""Each way :func:`responses_invalid_requests` breaks a request, by name."""


@lazy
def responses_invalid_requests(*, mutations: Collection[str] | None = None) -> SearchStrategy[InvalidRequest]:
    """Responses requests breaking exactly one rule, as :class:`~..invalid.InvalidRequest` ``(request,
    rule, path, mutation)``: ``schemas.check("responses.request", ...)`` reports ``rule`` at ``path``
    first. ``mutations`` limits the kinds (names in :data:`RESPONSES_MUTATIONS`)."""
    base = build_request(ResponsesConstraints(input="items", max_exchanges=1))
    return mutated_requests(mutations, RESPONSES_MUTATIONS, base)
