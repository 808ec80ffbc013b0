"""Multi-turn histories built so they follow the semantic rules: roles alternate starting
with ``user``, every ``tool_result`` answers a ``tool_use`` of the assistant turn just
before it, tool ids read ``tc-<session>-<uuid>``, thinking blocks carry ``text``.

The ``draw_*`` helpers take hypothesis's ``draw`` and are called from composite
strategies (no strategy objects are built per example, which keeps generation fast).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import tool_use_id

from . import leaves

_maybe = st.booleans()
_call_count = st.integers(0, 2)
_trailing_text = st.lists(leaves.text_blocks, max_size=1)
_user_block_lists = st.lists(leaves.user_blocks, min_size=1, max_size=3)


def tool_input_strategy(tool: dict[str, Any]) -> SearchStrategy[dict[str, Any]]:
    """Inputs valid for ``tool``'s ``input_schema`` (objects), compiled once per schema."""
    import json

    return _tool_inputs(json.dumps(tool["input_schema"], sort_keys=True))


@cache
def _tool_inputs(schema_json: str) -> SearchStrategy[dict[str, Any]]:
    import json

    from .compiler import from_schema

    return from_schema(json.loads(schema_json)).filter(lambda v: isinstance(v, dict))


@st.composite
def _exchange_plans(draw: st.DrawFn) -> dict[str, Any]:
    """The tool-independent part of one exchange (assistant turn + user answer).

    Exchanges are drawn as elements of ``st.lists`` so the shrinker can delete a whole
    exchange; tool inputs, which depend on the tools, are drawn afterwards.
    """
    if not draw(_maybe):
        return {"assistant": draw(leaves.texts), "calls": [], "user": draw(_plain_user_content)}
    blocks: list[dict[str, Any]] = []
    if draw(_maybe):
        blocks.append(draw(leaves.thinking_blocks))
    if draw(_maybe):
        blocks.append(draw(leaves.text_blocks))
    count = max(draw(_call_count), 0 if blocks else 1)
    calls = [(draw(_tool_picks), draw(leaves.tool_names), draw(leaves.uuids)) for _ in range(count)]
    if not calls:
        return {"assistant": blocks, "calls": [], "user": draw(_plain_user_content)}
    answers = [draw(leaves.tool_result_extras) for _ in calls]
    return {"assistant": blocks, "calls": calls, "answers": answers, "trailing": draw(_trailing_text)}


_tool_picks = st.integers(0, 2)
_plain_user_content = leaves.texts | _user_block_lists


@cache
def _exchange_lists(min_exchanges: int, max_exchanges: int) -> SearchStrategy[list[dict[str, Any]]]:
    return st.lists(_exchange_plans(), min_size=min_exchanges, max_size=max_exchanges)


def _realise(draw: st.DrawFn, plan: dict[str, Any], tools: list[dict[str, Any]], session: str
             ) -> list[dict[str, Any]]:
    """The assistant and user messages of one planned exchange."""
    if not plan["calls"]:
        return [{"role": "assistant", "content": plan["assistant"]},
                {"role": "user", "content": plan["user"]}]
    blocks = list(plan["assistant"])
    results = []
    for (pick, fallback_name, call), extras in zip(plan["calls"], plan["answers"], strict=True):
        call_id = tool_use_id(session, call)
        if tools:
            tool = tools[pick % len(tools)]
            name, arguments = tool["name"], draw(tool_input_strategy(tool))
        else:
            name, arguments = fallback_name, {}
        blocks.append({"type": "tool_use", "id": call_id, "name": name, "input": arguments})
        results.append({"type": "tool_result", "tool_use_id": call_id, **extras})
    return [{"role": "assistant", "content": blocks}, {"role": "user", "content": results + plan["trailing"]}]


def draw_user_turn(draw: st.DrawFn, answering: list[str]) -> dict[str, Any]:
    """A user message; after tool calls, it answers each with a ``tool_result``."""
    if answering:
        blocks = [{"type": "tool_result", "tool_use_id": call_id, **draw(leaves.tool_result_extras)}
                  for call_id in answering]
        blocks.extend(draw(_trailing_text))
        return {"role": "user", "content": blocks}
    if draw(_maybe):
        return {"role": "user", "content": draw(_user_block_lists)}
    return {"role": "user", "content": draw(leaves.texts)}


def draw_history(draw: st.DrawFn, tools: list[dict[str, Any]], session: str, max_exchanges: int = 3,
                 min_exchanges: int = 0) -> list[dict[str, Any]]:
    """``user (assistant user)*``: a history ending with the user's turn."""
    messages = [draw_user_turn(draw, [])]
    for plan in draw(_exchange_lists(min_exchanges, max_exchanges)):
        messages.extend(_realise(draw, plan, tools, session))
    return messages
