"""The synthesizer of chat completions: a deterministic completion consistent with the request
(docs/contract.md §10.6).

The completion is a pure function of the server seed, the request body (but for ``stream`` and
``stream_options``) and the ``X-Features`` header. Rules:

- **Text** is the messages synthesizer's: a short answer naming up to three words of the last user
  message (after a ``tool`` message: of the tool result), then one to three stock sentences.
- **Tokens**: one per four characters (rounded up) of content, refusal and tool-call arguments;
  ``prompt_tokens`` counts the request's JSON; ``total_tokens`` is their sum.
- **max_completion_tokens** (else ``max_tokens``): an answer over it is cut to that many tokens'
  characters with ``finish_reason: "length"``.
- **stop** (a string or a list): a free-text answer continues with one of the (non-empty) stop
  strings after its first sentence and is cut before the earliest occurrence of any
  (``finish_reason: "stop"``; OpenAI does not report which stop string matched). Structured and
  dual-LLM content is JSON and is not cut.
- **tools**: ``tool_choice`` ``"required"`` or a named function forces a call; ``"none"`` never
  calls one. The functions the user's request implies are called in the order it mentions them,
  one per turn, skipping those with results; with ``"auto"`` the answer is text once none is left.
  A request that implies none: ``"auto"`` (the default when tools are offered) calls one unless
  the last message is a ``tool`` message (so agent loops end); one call, or two distinct functions
  about a third of the time unless ``parallel_tool_calls`` is false (:mod:`.tool_choice`).
  Arguments take the values the conversation states and sample the function's ``parameters`` for
  the rest (:mod:`.tool_arguments`); a forced call that no arguments can satisfy becomes a
  ``refusal``. Ids read ``tc-<session>-<uuid>``; ``finish_reason: "tool_calls"``.
- **response_format** ``json_schema``: the content is JSON valid against the schema (a refusal when
  none can be made); ``json_object``: a JSON object ``{"answer": <text>}``. Either takes precedence
  over dual-LLM.
- **X-Features agent_arch dual-llm**: the content is the dual-LLM result document
  ``{"status": "success", "final_return_value": ..., "error": null, "program": ...}``.
- **lang-graph programs**: on a ``lang-graph`` route, a body with ``user_provided_program`` is
  answered by running the program (:mod:`.lang_graph`): its next external call as one
  ``tool_calls`` entry whose ``arguments`` are the current state as JSON (``finish_reason:
  "tool_calls"``), or, once it ends, its final value as a dual-LLM document in ``content``. The
  ``role: "tool"`` messages answer the program's calls in order, each matched by ``tool_call_id``
  to the call it answers.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from sequrity_contract.schemas import tool_use_id
from sequrity_contract.schemas.chat_rules import completion_limit, named_tool, offered_tools
from sequrity_contract.schemas.chat_stream import COMPLETION_OBJECT, arguments_json
from sequrity_contract.schemas.tool_calls import text_of
from sequrity_contract.schemas.tool_calls.chat import CHAT_TOOL_CALLS

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

NAME = "chat_completions"
CREATED_BASE = 1_700_000_000
"""``created`` is this Unix time plus a seeded offset under a year: deterministic, plausible."""
_UNANSWERED = 1 << 30
"""The token budget of a request that sets no limit (no answer comes near it)."""


def _stops(body: dict[str, Any]) -> list[str]:
    stop = body.get("stop")
    listed = [stop] if isinstance(stop, str) else stop if isinstance(stop, list) else []
    return [s for s in listed if isinstance(s, str) and s]


@register_synthesizer(NAME)
def synthesize(context: RequestContext) -> dict[str, Any]:
    """The deterministic completion of a valid request (see the module docstring for the rules)."""
    body = context.body
    answered = {k: v for k, v in body.items() if k != "stream_options"}
    seed, request_chars = seed_and_size(context.seed, answered, context.features)
    rng = random.Random(seed)
    messages = body["messages"]
    after_tool = messages[-1].get("role") == "tool"
    source = messages[-1] if after_tool else next(
        (m for m in reversed(messages) if m.get("role") == "user"), messages[-1])
    topic = topic_of(text_of(source.get("content")))
    limit = completion_limit(body)
    budget = Budget(_UNANSWERED if limit is None else limit)
    completion_id = f"chatcmpl-{rng.getrandbits(96):024x}"
    created = CREATED_BASE + rng.randrange(365 * 24 * 3600)
    message, finish_reason = _answer(body, context, rng, topic, after_tool, budget)
    prompt_tokens = max(1, (request_chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)
    return {
        "id": completion_id,
        "object": COMPLETION_OBJECT,
        "created": created,
        "model": body["model"],
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": budget.used,
                  "total_tokens": prompt_tokens + budget.used},
    }


def _answer(body: dict[str, Any], context: RequestContext, rng: random.Random, topic: str, after_tool: bool,
            budget: Budget) -> tuple[dict[str, Any], str]:
    """The assistant message and its finish_reason."""
    if lang_graph.has_program(context.endpoint_type, body):
        return _program_answer(body, context, rng, budget)
    conversation = _conversation(body["messages"]) if body.get("tools") else Conversation()
    forced, functions = _functions_to_call(body, rng, after_tool, conversation)
    calls: list[dict[str, Any]] = []
    for function in functions:
        parameters = function.get("parameters")
        try:
            value = tool_arguments(parameters if isinstance(parameters, dict) else {"type": "object"},
                                   conversation, rng)
        except NoValue:
            continue
        if isinstance(value, dict):
            call_id = tool_use_id(context.session_id, uuid.UUID(int=rng.getrandbits(128), version=4))
            calls.append({"id": call_id, "type": "function",
                          "function": {"name": function["name"], "arguments": arguments_json(value)}})
    if calls:
        return _tool_message(calls, budget)
    if forced:
        names = ", ".join(f["name"] for f in functions) or "the requested function"
        return _refusal(f"I cannot call {names}: no arguments satisfy its parameters.", budget)
    text, kind = _final_text(body, context, rng, topic, after_tool)
    if kind == "refusal":
        return _refusal(text, budget)
    stops = _stops(body)
    if stops and kind == "free":
        first, _, rest = text.partition(". ")
        text = f"{first}. {rng.choice(stops)} {rest}" if rest else f"{text} {rng.choice(stops)}"
        text = text[: min(text.find(s) for s in stops if s in text)]
    return _text_message(text, budget)


def _program_answer(body: dict[str, Any], context: RequestContext, rng: random.Random, budget: Budget
                    ) -> tuple[dict[str, Any], str]:
    """The answer of a lang-graph program: its next external call as a tool call, or its end."""
    outcome = lang_graph.step(body, lang_graph.tool_results(CHAT_TOOL_CALLS.history(body)), offered_tools(body))
    if isinstance(outcome, Pending):
        call_id = tool_use_id(context.session_id, uuid.UUID(int=rng.getrandbits(128), version=4))
        call = {"id": call_id, "type": "function",
                "function": {"name": outcome.call.name, "arguments": arguments_json(outcome.call.arguments)}}
        return _tool_message([call], budget)
    return _text_message(dumps(outcome), budget)


def _functions_to_call(body: dict[str, Any], rng: random.Random, after_tool: bool, conversation: Conversation
                       ) -> tuple[bool, list[dict[str, Any]]]:
    choice = body.get("tool_choice")
    named = named_tool(body)
    mode = "tool" if named is not None else choice if isinstance(choice, str) else "auto"
    chosen = ToolChoice.of(mode, named, parallel=body.get("parallel_tool_calls") is not False)
    return choose_tools(list(offered_tools(body).values()), chosen, conversation, rng, after_tool=after_tool)


def _conversation(messages: list[dict[str, Any]]) -> Conversation:
    """The conversation's user texts, assistant tool calls and ``tool`` messages, in order."""
    conversation = Conversation()
    for message in messages:
        if message.get("role") == "user":
            conversation.said(text_of(message.get("content")))
        elif message.get("role") == "assistant":
            for call in message.get("tool_calls") or []:
                if isinstance(call, dict) and isinstance(call.get("id"), str):
                    conversation.called(call["id"], str((call.get("function") or {}).get("name")))
        elif message.get("role") == "tool":
            conversation.answered(str(message.get("tool_call_id", "")), text_of(message.get("content")))
    return conversation


def _tool_message(calls: list[dict[str, Any]], budget: Budget) -> tuple[dict[str, Any], str]:
    cost = sum(max(1, count_tokens(call["function"]["arguments"])) for call in calls)
    if cost > budget.left:  # the call does not fit: the model is cut off while announcing it
        text = ("I will call " + " and ".join(c["function"]["name"] for c in calls))[: budget.left * CHARS_PER_TOKEN]
        budget.used = budget.limit
        return {"role": "assistant", "content": text, "refusal": None}, "length"
    budget.used += cost
    return {"role": "assistant", "content": None, "refusal": None, "tool_calls": calls}, "tool_calls"


def _within_budget(text: str, budget: Budget) -> tuple[str, str]:
    """``text`` as far as the budget allows, spent from it, and the finish reason: ``length`` when
    it was cut, ``stop`` otherwise."""
    said, cut = budget.spend(text)
    return said, "length" if cut else "stop"


def _refusal(text: str, budget: Budget) -> tuple[dict[str, Any], str]:
    said, finish = _within_budget(text, budget)
    return {"role": "assistant", "content": None, "refusal": said}, finish


def _text_message(text: str, budget: Budget) -> tuple[dict[str, Any], str]:
    said, finish = _within_budget(text, budget)
    return {"role": "assistant", "content": said, "refusal": None}, finish


def _final_text(body: dict[str, Any], context: RequestContext, rng: random.Random, topic: str,
                after_tool: bool) -> tuple[str, str]:
    """The answer text and its kind: ``free``, ``structured``, ``dual`` or ``refusal``."""
    fmt = body.get("response_format") or {}
    opener = rng.choice(AFTER_TOOL if after_tool else OPENERS).format(topic=topic)
    text = " ".join([opener, *rng.sample(SENTENCES, rng.randint(1, 3))])
    if fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema")
        try:
            return dumps(schema_value(schema if isinstance(schema, dict) else {}, rng)), "structured"
        except NoValue:
            return "I cannot produce JSON valid against the response_format schema.", "refusal"
    if fmt.get("type") == "json_object":
        return dumps({"answer": text}), "structured"
    if (context.features or {}).get("agent_arch") == "dual-llm":
        return dual_llm_document(text), "dual"
    return text, "free"
