"""Conversations that cross an SQRT policy: a tagged tool result followed by a call the policy must
deny (:func:`crossings`), each with its allowed twin.

A drawn :class:`Crossing` holds the tools (function tools: ``name``, ``description``, ``parameters``),
an SQRT policy in which a *source* tool's result gets tags (``tool "src" -> @tags |= {...};``) and a
*sink* tool has a ``must deny when <data>.tags overlaps/superset of {...} [and not
<destination>.value in {...}]`` rule, the conversation (the user's request, the source's call and
its result) and the sink's call, whose data argument carries the tagged result and whose
destination is untrusted. Its :attr:`Crossing.twin` is allowed: the same call to a trusted
destination (when the rule exempts one), or the sink called with untagged data in a conversation
that never read the source.

The request states the calls' arguments literally (``Load 'applicant-829''s profile and send it to
hr@gmail.com``), so a mock that reads arguments from the conversation makes the same calls.
:meth:`Crossing.body` renders the request for the ``messages``, ``chat_completions`` and
``responses`` endpoints, :meth:`Crossing.headers` the dual-LLM ``X-Features`` and the ``X-Policy``
holding the policy, and :meth:`Crossing.decide` replays the conversation through a
:class:`~sequrity_contract.schemas.sqrt.PolicySession` and decides the call.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import CHAT_COMPLETIONS, MESSAGES, tool_use_id
from sequrity_contract.schemas.responses import RESPONSES
from sequrity_contract.schemas.sqrt import Decision, PolicyPresets, PolicySession
from sequrity_contract.schemas.tool_calls import HistoryItem, ToolCall, ToolResult

from . import leaves
from .errors import InvalidStrategyArgument
from .validation import check_choice, lazy

DUAL_LLM_FEATURES: dict[str, Any] = {"agent_arch": "dual-llm"}
"""The ``X-Features`` a crossing is sent with: data flows from results into arguments only under dual-LLM."""
MAX_TOKENS = 1024
"""``max_tokens`` of a rendered messages request."""

Twin = Literal["trusted_destination", "untagged_data"]
"""How a crossing's allowed twin differs: a destination the rule exempts, or data that carries no tag."""


# --- the vocabulary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    name: str
    description: str
    id_param: str
    id_prefix: str
    ask: str
    """The request's words for calling it, ``{id}`` the identifier."""
    result: str
    """The result's text, ``{id}``, ``{person}`` and ``{detail}`` filled in."""
    details: tuple[str, ...]


@dataclass(frozen=True)
class _Sink:
    name: str
    description: str
    destination: str
    data: str
    ask: str
    """The request's words for calling it with the last result, ``{to}`` the destination."""
    untrusted: tuple[str, ...]
    trusted: tuple[str, ...]
    trusted_pattern: str
    """A regex every trusted destination matches and no untrusted one does."""
    note_ask: str
    """The request's words for calling it with a quoted ``{note}``."""


_SOURCES = (
    _Source("load_applicant_profile", "Load the profile of a job applicant", "applicant_id", "applicant",
            "Load '{id}''s profile", "Applicant {id}: {person}, {detail}",
            ("senior engineer, expects 95k", "rejected twice, see notes")),
    _Source("read_medical_record", "Read the medical record of a patient", "patient_id", "patient",
            "Read the medical record of '{id}'", "Patient {id}: {person}, {detail}",
            ("diagnosed with asthma in 2019", "allergic to penicillin")),
    _Source("open_salary_report", "Open the salary report of an employee", "employee_id", "employee",
            "Open the salary report of '{id}'", "Employee {id}: {person}, {detail}",
            ("salary 71000 EUR a year", "bonus withheld in 2024")),
)
_SINKS = (
    _Sink("send_email", "Send an email", "to", "body", "send it to {to}",
          ("hr@gmail.com", "jobs@outlook.com", "leaks@example.net"),
          ("hr@trustedcorp.com", "audit@trustedcorp.com"), r".*@trustedcorp\.com",
          "send '{note}' to {to}"),
    _Sink("share_document", "Share a document with someone", "recipient", "content", "share it with {to}",
          ("bob@gmail.com", "partner@example.org"), ("team@trustedcorp.com",), r".*@trustedcorp\.com",
          "share '{note}' with {to}"),
    _Sink("upload_file", "Upload a file to a web address", "url", "content", "upload it to {to}",
          ("https://paste.example.net/drop", "https://files.example.org/inbox"),
          ("https://files.trustedcorp.com/inbox",), r"https://files\.trustedcorp\.com/.*",
          "upload '{note}' to {to}"),
)
_DISTRACTORS = (
    {"name": "get_weather", "description": "Weather forecast for a city",
     "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
    {"name": "convert_currency", "description": "Convert an amount between currencies",
     "parameters": {"type": "object", "properties": {"amount": {"type": "number"}}, "required": ["amount"]}},
)
_TAGS = ("internal_use_only", "pii", "confidential", "medical", "payroll")
_OTHER_TAGS = ("export_ok", "public")
"""Tags no source gives (an ``overlaps`` set may add them)."""
_PEOPLE = ("Jane Roe", "John Doe", "Ada Moreau", "Li Wei")
_NOTES = ("The meeting moved to Friday", "Lunch is at noon", "Thanks for the quick reply")
_DOCS = ("Keep tagged data in the company", "Owner: security team")


# --- the value -----------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class Crossing:
    """One side of a policy crossing: a conversation under ``policy`` and the ``call`` it leads to.

    ``history`` holds the tool calls and results after the user's ``prompt``, in order;
    ``expected_allowed`` is what the policy decides for ``call`` after it (False for a drawn
    crossing, True for its :attr:`twin`). ``source`` and ``sink`` name the tool whose result is
    tagged and the tool the rule guards; ``tags`` are the tags the source's result gets.
    """

    policy: str
    tools: tuple[dict[str, Any], ...]
    """Function tools: ``name``, ``description`` and the input JSON Schema as ``parameters``."""
    prompt: str
    history: tuple[HistoryItem, ...]
    call: ToolCall
    expected_allowed: bool
    source: str
    sink: str
    tags: frozenset[str]
    session_id: str
    """The session the tool call ids embed (``tc-<session>-<uuid>``)."""
    twin: Crossing = field(init=False, compare=False)
    """The other side: the allowed twin of a crossing, the crossing of a twin."""

    def decide(self, presets: PolicyPresets | None = None) -> Decision:
        """The policy's decision on :attr:`call`, after the history is replayed through a fresh
        dual-LLM :class:`~sequrity_contract.schemas.sqrt.PolicySession`
        (:meth:`~sequrity_contract.schemas.sqrt.PolicySession.replay`, as the mock replays a conversation)."""
        session = PolicySession(self.policy, presets)
        session.replay(self.history)
        return session.check_call(self.call.name, self.call.arguments)

    def headers(self) -> dict[str, str]:
        """The configuration headers to send the conversation with: dual-LLM ``X-Features`` and an
        ``X-Policy`` holding :attr:`policy` (one-line JSON, as the client sends them)."""
        policy = {"mode": "standard", "codes": {"code": self.policy, "language": "sqrt"}}
        return {"X-Features": json.dumps(DUAL_LLM_FEATURES), "X-Policy": json.dumps(policy)}

    def body(self, endpoint: str = MESSAGES.name, *, model: str = "gpt-4o") -> dict[str, Any]:
        """The request body of the conversation for ``endpoint`` (``messages``, ``chat_completions``
        or ``responses``): the prompt, the history and the tools; its answer is the sink's call."""
        check_choice(endpoint, tuple(_RENDERERS), "endpoint")
        return copy.deepcopy(_RENDERERS[endpoint](self, model))  # the caller's to change

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.name != "twin")
        twin: Crossing | None = getattr(self, "twin", None)  # a copy by dataclasses.replace has none
        if twin is None:
            return f"Crossing({shown})"
        return (f"Crossing({shown}, twin=<prompt={twin.prompt!r}, history={len(twin.history)} items, "
                f"call={twin.call!r}, expected_allowed={twin.expected_allowed!r}>)")


def _pair(crossing: dict[str, Any], twin: dict[str, Any]) -> Crossing:
    """A crossing and its twin, each the other's :attr:`Crossing.twin`."""
    first, second = Crossing(**crossing), Crossing(**twin)
    object.__setattr__(first, "twin", second)
    object.__setattr__(second, "twin", first)
    return first


# --- rendering -----------------------------------------------------------------------------------


def _turns(history: tuple[HistoryItem, ...]) -> list[list[HistoryItem]]:
    """The history cut where it changes between calls and results (one assistant turn, one answer)."""
    turns: list[list[HistoryItem]] = []
    for item in history:
        if turns and isinstance(turns[-1][0], ToolCall) == isinstance(item, ToolCall):
            turns[-1].append(item)
        else:
            turns.append([item])
    return turns


def _messages_body(crossing: Crossing, model: str) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "user", "content": crossing.prompt}]
    for turn in _turns(crossing.history):
        if isinstance(turn[0], ToolCall):
            messages.append({"role": "assistant", "content": [
                {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments}
                for c in turn if isinstance(c, ToolCall)]})
        else:
            messages.append({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": r.call_id, "content": r.text}
                for r in turn if isinstance(r, ToolResult)]})
    tools = [{"name": t["name"], "description": t["description"], "input_schema": t["parameters"]}
             for t in crossing.tools]
    return {"model": model, "max_tokens": MAX_TOKENS, "messages": messages, "tools": tools}


def _chat_body(crossing: Crossing, model: str) -> dict[str, Any]:
    messages: list[dict[str, Any]] = [{"role": "user", "content": crossing.prompt}]
    for turn in _turns(crossing.history):
        if isinstance(turn[0], ToolCall):
            messages.append({"role": "assistant", "content": None, "tool_calls": [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
                for c in turn if isinstance(c, ToolCall)]})
        else:
            messages.extend({"role": "tool", "tool_call_id": r.call_id, "content": r.text}
                            for r in turn if isinstance(r, ToolResult))
    return {"model": model, "messages": messages, "tools": [{"type": "function", "function": dict(t)}
                                                             for t in crossing.tools]}


def _responses_body(crossing: Crossing, model: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = [{"role": "user", "content": crossing.prompt}]
    for item in crossing.history:
        if isinstance(item, ToolCall):
            items.append({"type": "function_call", "call_id": item.id, "name": item.name,
                          "arguments": json.dumps(item.arguments)})
        else:
            items.append({"type": "function_call_output", "call_id": item.call_id, "output": item.text})
    return {"model": model, "input": items, "tools": [{"type": "function", **t} for t in crossing.tools]}


_RENDERERS: dict[str, Callable[[Crossing, str], dict[str, Any]]] = {
    MESSAGES.name: _messages_body, CHAT_COMPLETIONS.name: _chat_body, RESPONSES.name: _responses_body}
"""The request body of a crossing, per endpoint name."""


# --- the policy ----------------------------------------------------------------------------------


def _set(words: list[str]) -> str:
    return "{" + ", ".join(json.dumps(w) for w in words) + "}"


def _tool_id(draw: st.DrawFn, name: str) -> str:
    return f'r"{re.escape(name)}"' if draw(st.booleans()) else json.dumps(name)


@st.composite
def _source_policy(draw: st.DrawFn, source: _Source, tags: list[str]) -> str:
    op = draw(st.sampled_from(["|=", "="]))
    form = draw(st.sampled_from(["-> ", "-> result ", "block"]))
    tool = _tool_id(draw, source.name)
    if form == "block":
        return f"tool {tool} {{\n    result {{ @tags {op} {_set(tags)}; }}\n}}"
    return f"tool {tool} {form}@tags {op} {_set(tags)};"


@st.composite
def _tag_condition(draw: st.DrawFn, data: str, tags: list[str]) -> str:
    """A condition on ``data``'s tags that holds when it carries ``tags``, and not when it carries none."""
    some = draw(st.lists(st.sampled_from(tags), min_size=1, max_size=len(tags), unique=True))
    kind = draw(st.sampled_from(["superset", "overlaps", "in"]))
    if kind == "superset":
        return f"{data}.tags superset of {_set(some)}"
    if kind == "in":
        return f"{json.dumps(some[0])} in {data}.tags"
    others = draw(st.lists(st.sampled_from(_OTHER_TAGS), max_size=1))
    return f"{data}.tags overlaps {_set(some + others)}"


@st.composite
def _sink_policy(draw: st.DrawFn, sink: _Sink, tags: list[str], exempt: bool) -> str:
    condition = draw(_tag_condition(sink.data, tags))
    if exempt:
        trusted = (f'str matching r"{sink.trusted_pattern}"' if draw(st.booleans())
                   else ", ".join(json.dumps(t) for t in sink.trusted))
        exemption = f"not {sink.destination}.value in {{{trusted}}}"
        condition += f" and ({exemption})" if draw(st.booleans()) else f" and {exemption}"
    enforcement = draw(st.sampled_from(["must", "hard"]))
    members = [f"{enforcement} deny when {condition};"]
    if draw(st.booleans()):
        members.insert(0, f"priority {draw(st.integers(0, 100))};")
    docs = [f"/// {draw(st.sampled_from(_DOCS))}\n"] if draw(st.booleans()) else []
    body = "".join(f"\n    {m}" for m in members)
    return f"{''.join(docs)}tool {_tool_id(draw, sink.name)} {{{body}\n}}"


# --- the strategy --------------------------------------------------------------------------------


def _function_tool(name: str, description: str, properties: list[str], required: list[str]) -> dict[str, Any]:
    return {"name": name, "description": description,
            "parameters": {"type": "object", "properties": {p: {"type": "string"} for p in properties},
                           "required": required}}


@st.composite
def _crossing(draw: st.DrawFn, twins: tuple[Twin, ...]) -> Crossing:
    source = draw(st.sampled_from(_SOURCES))
    sink = draw(st.sampled_from(_SINKS))
    twin_kind = draw(st.sampled_from(twins))
    tags = draw(st.lists(st.sampled_from(_TAGS), min_size=1, max_size=3, unique=True))
    exempt = twin_kind == "trusted_destination" or draw(st.booleans())
    rules = [draw(_source_policy(source, tags)), draw(_sink_policy(sink, tags, exempt))]
    policy = "\n".join(draw(st.permutations(rules)))

    tools = [_function_tool(source.name, source.description, [source.id_param], [source.id_param]),
             _function_tool(sink.name, sink.description, [sink.destination, sink.data],
                            [sink.destination, sink.data])]
    tools += draw(st.lists(st.sampled_from(_DISTRACTORS), max_size=2, unique_by=lambda t: t["name"]))
    tools = draw(st.permutations(tools))

    session = draw(leaves.uuids)
    identifier = f"{source.id_prefix}-{draw(st.integers(1, 999))}"
    result = source.result.format(id=identifier, person=draw(st.sampled_from(_PEOPLE)),
                                  detail=draw(st.sampled_from(source.details)))
    load = ToolCall(tool_use_id(session, draw(leaves.uuids)), source.name, {source.id_param: identifier})
    history: tuple[HistoryItem, ...] = (load, ToolResult(load.id, result))
    untrusted = draw(st.sampled_from(sink.untrusted))

    def sink_call(to: str, data: str) -> ToolCall:
        return ToolCall(tool_use_id(session, draw(leaves.uuids)), sink.name, {sink.destination: to, sink.data: data})

    def ask(to: str) -> str:
        return f"{source.ask.format(id=identifier)} and {sink.ask.format(to=to)}"

    common = {"policy": policy, "tools": tuple(tools), "source": source.name, "sink": sink.name,
              "tags": frozenset(tags), "session_id": session}
    crossing = {**common, "prompt": ask(untrusted), "history": history, "call": sink_call(untrusted, result),
                "expected_allowed": False}
    if twin_kind == "trusted_destination":
        trusted = draw(st.sampled_from(sink.trusted))
        twin = {**common, "prompt": ask(trusted), "history": history, "call": sink_call(trusted, result),
                "expected_allowed": True}
    else:
        note = draw(st.sampled_from(_NOTES))
        prompt = sink.note_ask.format(note=note, to=untrusted)
        twin = {**common, "prompt": prompt[:1].upper() + prompt[1:], "history": (),
                "call": sink_call(untrusted, note), "expected_allowed": True}
    return _pair(crossing, twin)


@lazy
def crossings(*, twins: tuple[Twin, ...] = ("trusted_destination", "untagged_data")) -> SearchStrategy[Crossing]:
    """Conversations that cross an SQRT policy (see the module docstring): each drawn
    :class:`Crossing` is denied (``expected_allowed`` is False) and its :attr:`Crossing.twin`
    allowed. ``twins`` limits how twins differ: ``trusted_destination`` (the same data sent where
    the rule exempts), ``untagged_data`` (the sink called with a quoted note, the source never read).
    """
    if not isinstance(twins, tuple | list) or not twins:
        raise InvalidStrategyArgument(f"twins={twins!r}: expected a non-empty tuple of twin kinds")
    for kind in twins:
        check_choice(kind, ("trusted_destination", "untagged_data"), "twins")
    return _crossing(tuple(twins))
