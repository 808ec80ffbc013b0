"""``requests()``: valid ``AnthropicMessageRequest`` bodies, built by construction.

The structure (alternating roles, paired tool calls, thinking budget below ``max_tokens``,
temperature in [0, 1], type tags, no nulls) is built in, so every value passes
``schemas.check("request", r) == []`` without filtering.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas.rules import MIN_THINKING_BUDGET

from . import leaves
from .conversation import draw_history
from .errors import InvalidStrategyArgument
from .validation import check_choice, check_keywords, check_range, check_type

TOOL_CHOICES = ("auto", "any", "tool", "none")
THINKING = ("enabled", "disabled", "adaptive")
SYSTEM_FORMS = ("string", "list")
MODELS = ("claude-4-sonnet", "claude-4-opus", "claude-3-5-haiku", "gpt-5")
_MAX_TOKENS = 8192


@dataclass(frozen=True)
class RequestConstraints:
    """What ``requests(**constraints)`` pins; ``None`` leaves a part free."""

    model: str | None = None
    stream: bool | None = None
    tools: bool | None = None
    tool_choice: str | None = None
    thinking: str | None = None
    system: str | None = None
    structured_output: bool | None = None
    max_exchanges: int = 3


def parse_constraints(constraints: dict[str, Any]) -> RequestConstraints:
    """Check ``requests()``'s keyword constraints and return them as a :class:`RequestConstraints`."""
    check_keywords(constraints, RequestConstraints.__dataclass_fields__, "requests")
    c = RequestConstraints(**constraints)
    if c.model is not None:
        check_type(str, c.model, "model")
    for name in ("stream", "tools", "structured_output"):
        if getattr(c, name) is not None:
            check_type(bool, getattr(c, name), name)
    if c.tool_choice is not None:
        check_choice(c.tool_choice, TOOL_CHOICES, "tool_choice")
        if c.tools is False and c.tool_choice in ("any", "tool"):
            raise InvalidStrategyArgument(f"tool_choice={c.tool_choice!r} needs tools; "
                                  "it cannot be combined with tools=False")
    if c.thinking is not None:
        check_choice(c.thinking, THINKING, "thinking")
    if c.system is not None:
        check_choice(c.system, SYSTEM_FORMS, "system")
    check_range(c.max_exchanges, "max_exchanges", low=0, high=20)
    return c


def _pick(value: Any, strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return strategy if value is None else st.just(value)


@st.composite
def build_request(draw: st.DrawFn, c: RequestConstraints) -> dict[str, Any]:
    """One request satisfying ``c``."""
    session = draw(leaves.uuids)
    wants_tools = draw(_pick(c.tools, st.booleans())) or c.tool_choice in ("any", "tool")
    tools = leaves.draw_tools(draw) if wants_tools else []
    request: dict[str, Any] = {"model": draw(_pick(c.model, st.sampled_from(MODELS)))}
    thinking = draw(_pick(c.thinking, _thinking_modes))
    if thinking == "enabled":
        budget = draw(st.integers(MIN_THINKING_BUDGET, _MAX_TOKENS - 1))
        request["max_tokens"] = draw(st.integers(budget + 1, _MAX_TOKENS))
        request["thinking"] = {"type": "enabled", "budget_tokens": budget}
    else:
        request["max_tokens"] = draw(st.integers(1, _MAX_TOKENS))
        if thinking is not None:
            request["thinking"] = {"type": thinking}
    request["messages"] = draw_history(draw, tools, session, max_exchanges=c.max_exchanges)
    if tools:
        request["tools"] = tools
    choice = draw(_pick(c.tool_choice, _tool_choices if tools else _tool_choices_without_tools))
    if choice is not None:
        tool_choice: dict[str, Any] = {"type": choice}
        if choice == "tool":
            tool_choice["name"] = draw(st.sampled_from([t["name"] for t in tools]))
        if choice != "none" and draw(st.booleans()):
            tool_choice["disable_parallel_tool_use"] = draw(st.booleans())
        request["tool_choice"] = tool_choice
    system = draw(_pick(c.system, _system_forms))
    if system == "string":
        request["system"] = draw(leaves.texts)
    elif system == "list":
        request["system"] = draw(_system_blocks)
    if c.stream is not None or draw(st.booleans()):
        request["stream"] = draw(_pick(c.stream, st.booleans()))
    if c.structured_output or (c.structured_output is None and draw(st.booleans())):
        request["output_config"] = {"format": {"type": "json_schema", "schema": draw(leaves.object_schemas)}}
    request.update(draw(_sampling_fields()))
    return request


_system_blocks = st.lists(leaves.text_blocks, min_size=1, max_size=2)
_thinking_modes = st.sampled_from((None, *THINKING))
_tool_choices = st.sampled_from((None, *TOOL_CHOICES))
_tool_choices_without_tools = st.sampled_from((None, "auto", "none"))
_system_forms = st.sampled_from((None, *SYSTEM_FORMS))


@cache
def _sampling_fields() -> SearchStrategy[dict[str, Any]]:
    return leaves.optional_fields(
        temperature=st.floats(0, 1),
        top_p=st.floats(0, 1),
        top_k=st.integers(0, 500),
        stop_sequences=st.lists(st.text(min_size=1, max_size=6), min_size=1, max_size=3),
        metadata=leaves.metadata,
        reasoning_effort=st.sampled_from(["none", "minimal", "low", "medium", "high", "xhigh"]),
        service_tier=st.sampled_from(["auto", "standard_only"]),
        timeout=st.floats(0.5, 600),
    )


def session_of(request: dict[str, Any]) -> str | None:
    """The session a request's history embeds in its tool ids (``tc-<session>-<uuid>``), if any."""
    from sequrity_contract.schemas.rules import TOOL_USE_ID

    for message in request.get("messages", []):
        content = message.get("content")
        for block in content if isinstance(content, list) else []:
            for key in ("id", "tool_use_id"):
                match = TOOL_USE_ID.match(str(block.get(key, "")))
                if match:
                    return match["session"]
    return None
