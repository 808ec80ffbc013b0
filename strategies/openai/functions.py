"""Function tools as the OpenAI formats declare them, shared by the chat completions and responses
strategies: a function's definition (``name``, ``parameters``, maybe ``description`` and ``strict``)
and the JSON text of arguments valid for its ``parameters``. Chat completions wrap a definition in
``{"type": "function", "function": ...}``; the Responses API spreads it beside ``"type": "function"``."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st

from sequrity_contract.schemas.chat_stream import arguments_json

from .. import leaves
from ..conversation import tool_input_strategy

_maybe = st.booleans()


def draw_functions(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three function definitions with unique names, their ``parameters`` small object schemas."""
    functions = []
    for tool in leaves.draw_tools(draw):
        function: dict[str, Any] = {"name": tool["name"], "parameters": tool["input_schema"]}
        if "description" in tool:
            function["description"] = tool["description"]
        if draw(_maybe) and draw(_maybe):
            function["strict"] = draw(_maybe)
        functions.append(function)
    return functions


def draw_arguments(draw: st.DrawFn, function: dict[str, Any]) -> str:
    """The JSON text of an object valid for ``function``'s ``parameters`` (any object when it has none)."""
    parameters = function.get("parameters")
    schema = parameters if isinstance(parameters, dict) else {"type": "object"}
    return arguments_json(draw(tool_input_strategy({"input_schema": schema})))
