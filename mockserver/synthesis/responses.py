"""The synthesizer of responses: a deterministic response consistent with the request
(docs/routes/responses.md, "The mock's answers").

The response is a pure function of the server seed, the request body (but for ``stream`` and
``stream_options``) and the ``X-Features`` header. Rules:

- **Text** is the other synthesizers': a short answer naming up to three words of the last user
  message (after a ``function_call_output``: of its output), then one to three stock sentences, as
  one ``message`` item with one ``output_text`` part.
- **Tokens**: one per four characters (rounded up) of text, refusal, reasoning summary and
  function-call arguments; ``input_tokens`` counts the request's JSON.
- **max_output_tokens**: an answer over it is cut to that many tokens' characters, with ``status:
  "incomplete"`` and ``incomplete_details.reason: "max_output_tokens"``.
- **tools** (function tools): ``tool_choice`` ``"required"`` or ``{"type": "function", "name"}``
  forces a call; ``"none"`` never calls one. The functions the user's request implies are called in
  the order it mentions them, one per turn, skipping those with outputs; with ``"auto"`` the answer
  is text once none is left. A request that implies none: ``"auto"`` (the default) calls one unless
  the input ends with a ``function_call_output`` (so agent loops end); one call, or two distinct
  functions about a third of the time unless ``parallel_tool_calls`` is false (:mod:`.tool_choice`).
  Arguments take the values the conversation states and sample the function's ``parameters`` for
  the rest (:mod:`.tool_arguments`); a forced call that no arguments satisfy becomes a ``refusal``.
  Each call is a ``function_call`` item with ``call_id`` ``tc-<session>-<uuid>``.
- **reasoning** with an ``effort`` other than ``"none"``: a ``reasoning`` item first, with one
  summary part when ``summary`` is asked.
- **text.format** ``json_schema``: the text is JSON valid against the schema (a refusal when none
  can be made); ``json_object``: ``{"answer": <text>}``. Either takes precedence over dual-LLM.
- **X-Features agent_arch dual-llm**: the text is the dual-LLM result document.
- **lang-graph programs**: on a ``lang-graph`` route, a body with ``user_provided_program`` is
  answered by running the program (:mod:`.lang_graph`): its next external call as a
  ``function_call`` with the current state as its JSON ``arguments``, or its end as a dual-LLM
  document; the ``function_call_output`` items answer the calls they name by ``call_id``.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from sequrity_contract.schemas import tool_use_id
from sequrity_contract.schemas.responses.rules import offered_functions
from sequrity_contract.schemas.tool_calls import text_of
from sequrity_contract.schemas.tool_calls.responses import RESPONSES_TOOL_CALLS

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

NAME = "responses"
CREATED_BASE = 1_700_000_000
"""``created_at`` is this Unix time plus a seeded offset under a year."""
_UNANSWERED = 1 << 30
_ECHOED = ("instructions", "max_output_tokens", "metadata", "previous_response_id", "temperature", "top_p")
"""Request fields the response repeats when the request sets them."""


def _items(body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("input")
    if isinstance(items, str):
        return [{"role": "user", "content": items}]
    return [item for item in items or [] if isinstance(item, dict)]


class _Answer:
    """The output items of a response being made, and its token budget."""

    def __init__(self, body: dict[str, Any], context: RequestContext, rng: random.Random) -> None:
        self.body, self.context, self.rng = body, context, rng
        limit = body.get("max_output_tokens")
        self.budget = Budget(_UNANSWERED if limit is None else int(limit))
        self.output: list[dict[str, Any]] = []
        self.cut = False
        self.reasoning_tokens = 0

    def item_id(self, prefix: str) -> str:
        return f"{prefix}_{self.rng.getrandbits(96):024x}"

    def call(self, name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        call_id = tool_use_id(self.context.session_id, uuid.UUID(int=self.rng.getrandbits(128), version=4))
        return {"type": "function_call", "id": self.item_id("fc"), "call_id": call_id, "name": name,
                "arguments": dumps(arguments), "status": "completed"}

    def spend(self, text: str) -> str:
        """``text`` as far as the budget allows, spent from it (marks the response cut when it was)."""
        said, cut = self.budget.spend(text)
        self.cut = self.cut or cut
        return said

    def message(self, text: str, *, refusal: bool = False) -> None:
        said = self.spend(text)
        part = {"type": "refusal", "refusal": said} if refusal else {"type": "output_text", "text": said,
                                                                       "annotations": []}
        self.output.append({"type": "message", "id": self.item_id("msg"), "role": "assistant",
                            "status": "incomplete" if self.cut else "completed", "content": [part]})

    def calls(self, calls: list[dict[str, Any]]) -> None:
        cost = sum(max(1, count_tokens(call["arguments"])) for call in calls)
        if cost > self.budget.left:  # the calls do not fit: the model is cut off while announcing them
            self.message("I will call " + " and ".join(call["name"] for call in calls))
            self.cut = True
            return
        self.budget.used += cost
        self.output.extend(calls)


@register_synthesizer(NAME)
def synthesize(context: RequestContext) -> dict[str, Any]:
    """The deterministic response to a valid request (see the module docstring for the rules)."""
    body = context.body
    answered = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
    seed, request_chars = seed_and_size(context.seed, answered, context.features)
    rng = random.Random(seed)
    items = _items(body)
    after_tool = bool(items) and items[-1].get("type") == "function_call_output"
    source = items[-1] if after_tool else next((i for i in reversed(items) if i.get("role") == "user"), None)
    topic = topic_of(text_of((source or {}).get("output" if after_tool else "content", "")))
    answer = _Answer(body, context, rng)
    response_id = answer.item_id("resp")
    created = CREATED_BASE + rng.randrange(365 * 24 * 3600)
    _reasoning(answer, topic)
    _respond(answer, topic, after_tool)
    input_tokens = max(1, (request_chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN)
    response: dict[str, Any] = {
        "id": response_id, "object": "response", "created_at": created, "model": body["model"],
        "status": "incomplete" if answer.cut else "completed",
        "incomplete_details": {"reason": "max_output_tokens"} if answer.cut else None,
        "error": None, "output": answer.output,
        "parallel_tool_calls": body.get("parallel_tool_calls") is not False,
        "tool_choice": body.get("tool_choice") or "auto", "tools": body.get("tools") or [],
        "usage": {"input_tokens": input_tokens, "output_tokens": answer.budget.used,
                  "total_tokens": input_tokens + answer.budget.used,
                  "input_tokens_details": {"cached_tokens": 0},
                  "output_tokens_details": {"reasoning_tokens": answer.reasoning_tokens}},
    }
    response.update({key: body[key] for key in _ECHOED if body.get(key) is not None})
    return response


def _reasoning(answer: _Answer, topic: str) -> None:
    reasoning = answer.body.get("reasoning") or {}
    if reasoning.get("effort") in (None, "none"):
        return
    summary: list[dict[str, Any]] = []
    if reasoning.get("summary") or reasoning.get("generate_summary"):
        text = answer.spend(f"The user wrote about {topic}. A short, direct answer fits.")
        summary.append({"type": "summary_text", "text": text})
        answer.reasoning_tokens = count_tokens(text)
    answer.output.append({"type": "reasoning", "id": answer.item_id("rs"), "summary": summary})


def _respond(answer: _Answer, topic: str, after_tool: bool) -> None:
    body, context, rng = answer.body, answer.context, answer.rng
    if answer.cut:
        return
    if lang_graph.has_program(context.endpoint_type, body):
        outcome = lang_graph.step(body, lang_graph.tool_results(RESPONSES_TOOL_CALLS.history(body)),
                                 offered_functions(body))
        if isinstance(outcome, Pending):
            answer.calls([answer.call(outcome.call.name, outcome.call.arguments)])
        else:
            answer.message(dumps(outcome))
        return
    conversation = _conversation(_items(body)) if body.get("tools") else Conversation()
    forced, functions = _functions_to_call(body, rng, after_tool, conversation)
    calls = []
    for function in functions:
        parameters = function.get("parameters")
        try:
            value = tool_arguments(parameters if isinstance(parameters, dict) else {"type": "object"},
                                   conversation, rng)
        except NoValue:
            continue
        if isinstance(value, dict):
            calls.append(answer.call(function["name"], value))
    if calls:
        answer.calls(calls)
    elif forced:
        names = ", ".join(f["name"] for f in functions) or "the requested function"
        answer.message(f"I cannot call {names}: no arguments satisfy its parameters.", refusal=True)
    else:
        text, refusal = _final_text(answer, topic, after_tool)
        answer.message(text, refusal=refusal)


def _functions_to_call(body: dict[str, Any], rng: random.Random, after_tool: bool, conversation: Conversation
                       ) -> tuple[bool, list[dict[str, Any]]]:
    choice = body.get("tool_choice")
    named = choice.get("name") if isinstance(choice, dict) else None
    mode = "tool" if isinstance(choice, dict) else choice if isinstance(choice, str) else "auto"
    chosen = ToolChoice.of(mode, named, parallel=body.get("parallel_tool_calls") is not False)
    return choose_tools(list(offered_functions(body).values()), chosen, conversation, rng, after_tool=after_tool)


def _conversation(items: list[dict[str, Any]]) -> Conversation:
    """The input's user texts, ``function_call`` items and ``function_call_output`` items, in order."""
    conversation = Conversation()
    for item in items:
        if item.get("type") == "function_call" and isinstance(item.get("call_id"), str):
            conversation.called(item["call_id"], str(item.get("name")))
        elif item.get("type") == "function_call_output":
            conversation.answered(str(item.get("call_id", "")), text_of(item.get("output")))
        elif item.get("role") == "user":
            conversation.said(text_of(item.get("content")))
    return conversation


def _final_text(answer: _Answer, topic: str, after_tool: bool) -> tuple[str, bool]:
    """The answer text, and whether it is a refusal."""
    rng = answer.rng
    fmt = (answer.body.get("text") or {}).get("format") or {}
    opener = rng.choice(AFTER_TOOL if after_tool else OPENERS).format(topic=topic)
    text = " ".join([opener, *rng.sample(SENTENCES, rng.randint(1, 3))])
    if fmt.get("type") == "json_schema":
        schema = fmt.get("schema")
        try:
            return dumps(schema_value(schema if isinstance(schema, dict) else {}, rng)), False
        except NoValue:
            return "I cannot produce JSON valid against the text.format schema.", True
    if fmt.get("type") == "json_object":
        return dumps({"answer": text}), False
    if (answer.context.features or {}).get("agent_arch") == "dual-llm":
        return dual_llm_document(text), False
    return text, False


