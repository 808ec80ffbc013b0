"""The synthesizer of messages: a deterministic answer consistent with the request.

The answer is a pure function of the server seed, the request body and the ``X-Features``
header: the same inputs give the same message, byte for byte. Rules:

- **Text** is a short English answer naming up to three words of the last user message (or,
  after a tool result, of the result), followed by one to three stock sentences.
- **Tokens** are counted as one per four characters (rounded up), for text, thinking and
  tool-input JSON alike; ``input_tokens`` counts the request's JSON (but for ``stream``).
- **max_tokens** is respected: an answer that would exceed it is cut to ``max_tokens * 4``
  characters, ``stop_reason: "max_tokens"`` and ``output_tokens == max_tokens``.
- **stop_sequences**: a free-text answer continues with one of the requested (non-empty)
  stop sequences after its first sentence, so it always hits one; the text is cut before
  the earliest occurrence of any requested sequence (``stop_reason: "stop_sequence"``).
  Structured and dual-LLM answers are cut only where a sequence occurs naturally.
- **tools**: ``tool_choice`` ``any``/``tool`` force a tool call, ``none`` never calls one.
  The tools the user's request implies are called in the order it mentions them, one per turn,
  skipping those with results; with ``auto`` the answer is text once none is left (so agent
  loops end). A request that implies none: ``auto`` calls a tool unless the last user message
  carries tool results; one call, or two distinct tools for ``auto``/``any`` about a third of
  the time unless ``disable_parallel_tool_use`` (:mod:`.tool_choice`). Inputs take the values the
  conversation states and sample the tool's ``input_schema`` for the rest
  (:mod:`.tool_arguments`); a forced call whose schema yields no valid input becomes a
  ``refusal``. Ids read ``tc-<session>-<uuid>``.
- **thinking** ``enabled``/``adaptive`` puts a thinking block first, within ``budget_tokens``
  (adaptive: half of ``max_tokens``).
- **output_config.format** json_schema: the text is a JSON document valid against the schema
  (a ``refusal`` when none can be produced). It takes precedence over dual-LLM.
- **X-Features agent_arch dual-llm**: the text is the dual-LLM result document
  ``{"status": "success", "final_return_value": {"value": ..., "meta": ...}, "error": null, "program": ...}``
  (:mod:`.dual_llm`).
- **lang-graph programs**: on a ``lang-graph`` route, a body with ``user_provided_program`` is
  answered by running the program (:mod:`.lang_graph`): the program's next external call as a
  ``tool_use`` with the current state as its input, or, once it ends, its final value as a
  dual-LLM document. The tool results of the conversation answer the program's calls in order.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from sequrity_contract.schemas import tool_use_id
from sequrity_contract.schemas.tool_calls.anthropic import MESSAGES_TOOL_CALLS, content_text

from ..pipeline.responder import RequestContext
from ..programs import Pending
from . import lang_graph
from .conversation_facts import Conversation
from .prose import (
    AFTER_TOOL,
    CHARS_PER_TOKEN,
    OPENERS,
    SENTENCES,
    Budget,
    count_tokens,
    dual_llm_document,
    dumps,
    seed_and_size,
    topic_of,
)
from .registry import register_synthesizer
from .tool_arguments import tool_arguments
from .tool_choice import ToolChoice, choose_tools
from .values import NoValue, schema_value


def _has_tool_result(content: Any) -> bool:
    blocks = content if isinstance(content, list) else []
    return any(isinstance(b, dict) and b.get("type") == "tool_result" for b in blocks)


@register_synthesizer("messages")
def synthesize(context: RequestContext) -> dict[str, Any]:
    """The deterministic answer to a valid request (see the module docstring for the rules)."""
    body = context.body
    seed, request_chars = seed_and_size(context.seed, body, context.features)
    rng = random.Random(seed)
    messages = body["messages"]
    last_user = next((m for m in reversed(messages) if m.get("role") == "user"), messages[-1])
    after_tool = _has_tool_result(last_user.get("content"))
    topic = topic_of(content_text(last_user.get("content")))
    budget = Budget(int(body["max_tokens"]))  # JSON Schema counts 3.0 as an integer
    content: list[dict[str, Any]] = []
    message_id = f"msg_{rng.getrandbits(96):024x}"

    thinking = body.get("thinking") or {}
    if thinking.get("type") in ("enabled", "adaptive"):
        enabled = thinking["type"] == "enabled"
        cap = int(thinking.get("budget_tokens", budget.limit)) if enabled else budget.limit // 2
        cap = max(0, min(cap, budget.limit - 1))
        text = (f"The user wrote about {topic}. A short, direct answer fits; "
                f"no further research is needed.")[: cap * CHARS_PER_TOKEN]
        content.append({"type": "thinking", "text": text})
        budget.used += count_tokens(text)

    stop_reason, stop_sequence = _answer(body, context, rng, topic, after_tool, budget, content)
    input_tokens = max(1, (request_chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)
    return {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "content": content,
        "model": body["model"],
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "usage": {"input_tokens": input_tokens, "output_tokens": budget.used,
                  "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "service_tier": "standard"},
    }


def _answer(body: dict[str, Any], context: RequestContext, rng: random.Random, topic: str, after_tool: bool,
            budget: Budget, content: list[dict[str, Any]]) -> tuple[str, str | None]:
    """Append the answer blocks after any thinking; return (stop_reason, stop_sequence)."""
    if lang_graph.has_program(context.endpoint_type, body):
        return _program_answer(body, context, rng, budget, content)
    conversation = _conversation(body["messages"]) if body.get("tools") else Conversation()
    forced, tools = _tools_to_call(body, rng, after_tool, conversation)
    calls: list[dict[str, Any]] = []
    for tool in tools:
        try:
            value = tool_arguments(tool.get("input_schema"), conversation, rng)
        except NoValue:
            continue
        if isinstance(value, dict):
            call_id = tool_use_id(context.session_id, uuid.UUID(int=rng.getrandbits(128), version=4))
            calls.append({"type": "tool_use", "id": call_id, "name": tool["name"], "input": value})
    if calls:
        return _tool_answer(calls, budget, content)
    if forced:
        names = ", ".join(t["name"] for t in tools) or "the requested tool"
        return _text_answer(f"I cannot call {names}: no input satisfies its input_schema.", "refusal",
                            [], budget, content)
    text, reason = _final_text(body, context, rng, topic, after_tool)
    sequences = [s for s in body.get("stop_sequences") or [] if s]
    if sequences and reason == "free":
        first, _, rest = text.partition(". ")
        text = f"{first}. {rng.choice(sequences)} {rest}" if rest else f"{text} {rng.choice(sequences)}"
    return _text_answer(text, "end_turn" if reason != "refusal" else "refusal", sequences, budget, content)


def _tools_to_call(body: dict[str, Any], rng: random.Random, after_tool: bool, conversation: Conversation
                   ) -> tuple[bool, list[dict[str, Any]]]:
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict) and isinstance(t.get("name"), str)]
    choice = body.get("tool_choice") or {}
    chosen = ToolChoice.of(str(choice.get("type", "auto")), choice.get("name"),
                           parallel=not choice.get("disable_parallel_tool_use"))
    return choose_tools(tools, chosen, conversation, rng, after_tool=after_tool)


def _conversation(messages: list[dict[str, Any]]) -> Conversation:
    """The conversation's user texts, tool_use blocks and tool_result blocks, in order."""
    conversation = Conversation()
    for message in messages:
        content = message.get("content")
        said: list[str] = []
        for block in [{"type": "text", "text": content}] if isinstance(content, str) else content or []:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text" and isinstance(block.get("text"), str):
                said.append(block["text"])
            elif block.get("type") == "tool_use" and isinstance(block.get("id"), str):
                conversation.called(block["id"], str(block.get("name")))
            elif block.get("type") == "tool_result":
                conversation.answered(str(block.get("tool_use_id", "")), content_text(block.get("content")))
        if message.get("role") == "user":
            conversation.said(" ".join(said))
    return conversation


def _tool_answer(calls: list[dict[str, Any]], budget: Budget, content: list[dict[str, Any]]
                 ) -> tuple[str, str | None]:
    names = " and ".join(c["name"] for c in calls)
    preface = f"I will call {names}."
    cost = sum(max(1, count_tokens(dumps(c["input"]))) for c in calls)
    if cost + count_tokens(preface) <= budget.left:
        content.append({"type": "text", "text": preface})
        budget.used += count_tokens(preface)
    if cost > budget.left:  # the call does not fit: the model is cut off while writing it
        content.append({"type": "text", "text": preface[: budget.left * CHARS_PER_TOKEN]})
        budget.used = budget.limit
        return "max_tokens", None
    content.extend(calls)
    budget.used += cost
    return "tool_use", None


def _final_text(body: dict[str, Any], context: RequestContext, rng: random.Random, topic: str,
                after_tool: bool) -> tuple[str, str]:
    """The answer text and its kind: ``free``, ``structured``, ``dual`` or ``refusal``."""
    fmt = (body.get("output_config") or {}).get("format") or {}
    if isinstance(fmt.get("schema"), dict):
        try:
            return dumps(schema_value(fmt["schema"], rng)), "structured"
        except NoValue:
            return "I cannot produce JSON valid against the output_config.format schema.", "refusal"
    opener = rng.choice(AFTER_TOOL if after_tool else OPENERS).format(topic=topic)
    sentences = rng.sample(SENTENCES, rng.randint(1, 3))
    text = " ".join([opener, *sentences])
    if (context.features or {}).get("agent_arch") == "dual-llm":
        return dual_llm_document(text), "dual"
    return text, "free"


def _program_answer(body: dict[str, Any], context: RequestContext, rng: random.Random, budget: Budget,
                    content: list[dict[str, Any]]) -> tuple[str, str | None]:
    """The answer of a lang-graph program: its next external call as a tool_use, or its end."""
    tools = [t["name"] for t in body.get("tools") or [] if isinstance(t, dict) and isinstance(t.get("name"), str)]
    outcome = lang_graph.step(body, lang_graph.tool_results(MESSAGES_TOOL_CALLS.history(body)), tools)
    if isinstance(outcome, Pending):
        call_id = tool_use_id(context.session_id, uuid.UUID(int=rng.getrandbits(128), version=4))
        call = {"type": "tool_use", "id": call_id, "name": outcome.call.name, "input": outcome.call.arguments}
        return _tool_answer([call], budget, content)
    sequences = [s for s in body.get("stop_sequences") or [] if s]
    return _text_answer(dumps(outcome), "end_turn", sequences, budget, content)


def _text_answer(text: str, reason: str, sequences: list[str], budget: Budget, content: list[dict[str, Any]]
                 ) -> tuple[str, str | None]:
    stop_sequence = None
    hits = [(text.find(s), i) for i, s in enumerate(sequences) if s in text]
    if hits:
        position, index = min(hits)
        text, reason, stop_sequence = text[:position], "stop_sequence", sequences[index]
    said, cut = budget.spend(text)
    content.append({"type": "text", "text": said})
    return ("max_tokens", None) if cut else (reason, stop_sequence)
