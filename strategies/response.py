"""``responses()``: valid ``AnthropicMessageResponse`` bodies consistent with a request.

The stop reason is chosen first among those the request allows, then the content is
built to fit it: tool calls only for offered tools (obeying ``tool_choice``), inputs from
the tool's ``input_schema``, structured text from ``output_config``'s schema,
``output_tokens`` within ``max_tokens``.
"""

from __future__ import annotations

import json
from typing import Any

import hypothesis.strategies as st

from . import leaves
from .conversation import tool_input_strategy

STOP_REASONS = ("end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal", None)
_FORCED_OK = ("tool_use", "max_tokens", "refusal", "pause_turn")
_maybe = st.booleans()
_citations = st.lists(st.fixed_dictionaries({"type": st.sampled_from(["char_location", "web_search_result"]),
                                             "cited_text": leaves.texts}), min_size=1, max_size=2)
_response_ids = st.from_regex(r"msg_[0-9a-f]{12}", fullmatch=True)
_usage_extras = leaves.optional_fields(
    cache_creation_input_tokens=st.integers(0, 10_000),
    cache_read_input_tokens=st.integers(0, 10_000),
    cache_creation=st.just({}),
    server_tool_use=st.fixed_dictionaries({}, optional={"web_search_requests": st.integers(0, 5)}),
    service_tier=st.sampled_from(["standard", "priority", "batch"]),
)
_server_blocks = st.builds(
    lambda suffix: {"type": "server_tool_use", "id": f"srvtoolu_{suffix}", "name": "web_search"},
    st.from_regex(r"[0-9a-z]{8}", fullmatch=True))
_web_results = st.just({"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": []})
_redacted = st.just({"type": "redacted_thinking", "data": "cmVkYWN0ZWQ="})


def allowed_stop_reasons(request: dict[str, Any]) -> list[str | None]:
    """The stop reasons a response to ``request`` may carry."""
    tools = request.get("tools") or []
    choice = (request.get("tool_choice") or {}).get("type")
    allowed: list[str | None] = list(STOP_REASONS)
    if not request.get("stop_sequences"):
        allowed.remove("stop_sequence")
    if not tools or choice == "none":
        allowed.remove("tool_use")
    if tools and choice in ("any", "tool"):
        allowed = [r for r in allowed if r in _FORCED_OK]
    return allowed


def _text_block(draw: st.DrawFn, request: dict[str, Any], reason: str | None) -> dict[str, Any]:
    fmt = (request.get("output_config") or {}).get("format") or {}
    if isinstance(fmt.get("schema"), dict) and reason in ("end_turn", None):
        from .compiler import from_schema

        document = draw(from_schema(fmt["schema"]))
        return {"type": "text", "text": json.dumps(document, ensure_ascii=False)}
    block: dict[str, Any] = {"type": "text", "text": draw(leaves.texts)}
    if draw(_maybe) and draw(_maybe):
        block["citations"] = draw(_citations)
    return block


def _tool_calls(draw: st.DrawFn, request: dict[str, Any], session: str) -> list[dict[str, Any]]:
    tools = request["tools"]
    choice = request.get("tool_choice") or {}
    if choice.get("type") == "tool":
        tools = [t for t in tools if t["name"] == choice["name"]]
    count = 1 if choice.get("disable_parallel_tool_use") else draw(st.integers(1, 2))
    calls = []
    for _ in range(count):
        tool = tools[draw(st.integers(0, len(tools) - 1))]
        calls.append({"type": "tool_use", "id": leaves.tool_id(draw, session), "name": tool["name"],
                      "input": draw(tool_input_strategy(tool))})
    return calls


def draw_response(draw: st.DrawFn, request: dict[str, Any], session: str) -> dict[str, Any]:
    """A response to ``request`` in ``session``, valid under every response rule."""
    reason = draw(st.sampled_from(allowed_stop_reasons(request)))
    content: list[dict[str, Any]] = []
    if draw(_maybe):
        content.append(draw(leaves.thinking_blocks))
        if draw(_maybe) and draw(_maybe):
            content.append(draw(_redacted))
    if draw(_maybe) and draw(_maybe):
        content.append(draw(_server_blocks))
        content.append(draw(_web_results))
    if reason != "tool_use" or draw(_maybe):
        content.append(_text_block(draw, request, reason))
    if reason == "tool_use":
        content.extend(_tool_calls(draw, request, session))
    response: dict[str, Any] = {
        "id": draw(_response_ids), "type": "message", "role": "assistant", "content": content,
        "model": request["model"], "stop_reason": reason,
    }
    if reason == "stop_sequence":
        response["stop_sequence"] = draw(st.sampled_from(request["stop_sequences"]))
    elif draw(_maybe):
        response["stop_sequence"] = None
    usage = {"input_tokens": draw(st.integers(0, 100_000)),
             "output_tokens": draw(st.integers(0, request["max_tokens"]))}
    usage.update(draw(_usage_extras))
    response["usage"] = usage
    return response
