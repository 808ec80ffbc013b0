"""A policy session: the metadata state of one conversation under one SQRT policy. It decides
proposed tool calls (:meth:`PolicySession.check_call`) and takes tool results
(:meth:`PolicySession.observe_result`), running the policy's session and result blocks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..tool_calls import HistoryItem, ToolCall
from . import nodes as n
from .compiled import CompiledPolicy, Phase, ToolPolicy
from .errors import SqrtEvaluationError
from .evaluator import Context, holds, run_statements
from .printer import print_rule
from .values import Metadata, ValueWithMeta, merge_all

Verdict = Literal["hard_allowed", "soft_allowed", "hard_denied", "soft_denied"]
NON_EXECUTABLE_TAG = "__non_executable"
"""The tag the non-executable-memory preset puts on every tool result."""
LLM_BLOCKED_TAG = "__llm_blocked"
"""Arguments with this tag may not reach ``parse_with_ai`` under the LLM-blocked-tag preset."""
LLM_PARSER_TOOL = "parse_with_ai"


def refusal_message(tool: str) -> str:
    """The service's words for a denied call (what a tool-result message carries)."""
    return f"Tool call to '{tool}' is denied by argument checking policies."


def refusal_error(tool: str) -> str:
    """The service's words for a denied call in an error body."""
    return f"Tool call {tool} denied by argument checking policies."


@dataclass(frozen=True)
class PolicyPresets:
    """The ``X-Policy`` presets the engine honours (the service's defaults)."""

    default_allow: bool = True
    """What a call gets when no rule decides it."""
    default_allow_enforcement_level: Literal["hard", "soft"] = "soft"
    enable_non_executable_memory: bool = True
    """Tag every tool result with ``__non_executable``."""
    enable_llm_blocked_tag: bool = True
    """Deny ``parse_with_ai`` when an argument carries ``__llm_blocked``."""

    @classmethod
    def from_json(cls, presets: Mapping[str, Any]) -> PolicyPresets:
        """From the ``presets`` object of an ``X-Policy`` header (other fields are ignored)."""
        known = {f: presets[f] for f in ("default_allow", "default_allow_enforcement_level",
                                         "enable_non_executable_memory", "enable_llm_blocked_tag")
                 if presets.get(f) is not None}
        return cls(**known)


@dataclass(frozen=True)
class RuleOutcome:
    """One check rule as evaluated for a call: the tool id of its policy, the rule's text, its
    policy's priority, whether it fired and where it is written."""

    tool_id: str
    rule: str
    enforcement: Literal["must", "should"]
    outcome: Literal["allow", "deny"]
    priority: int
    fired: bool
    line: int


@dataclass(frozen=True)
class Decision:
    """The verdict on one proposed call."""

    tool: str
    allowed: bool
    verdict: Verdict
    reason: str
    """Why, in one sentence (the deciding rule, or the default that applied)."""
    rules: tuple[RuleOutcome, ...]
    """Every check rule that applied to the tool, fired or not, in evaluation order."""
    arguments: Mapping[str, ValueWithMeta] = field(default_factory=dict)
    """The arguments with the metadata the rules saw."""

    @property
    def fired(self) -> tuple[RuleOutcome, ...]:
        """The rules whose condition held."""
        return tuple(r for r in self.rules if r.fired)

    @property
    def message(self) -> str | None:
        """The service's refusal (``Tool call to 'x' is denied …``), ``None`` when allowed."""
        return None if self.allowed else refusal_message(self.tool)

    def to_json(self) -> dict[str, Any]:
        """A JSON form for journals: verdict, reason, and the rules that fired."""
        return {"tool": self.tool, "allowed": self.allowed, "verdict": self.verdict, "reason": self.reason,
                "fired": [{"tool_id": r.tool_id, "rule": r.rule, "line": r.line} for r in self.fired]}


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


class PolicySession:
    """One session under ``policy`` (SQRT text, a parsed :class:`~.nodes.Policy` or a
    :class:`~.compiled.CompiledPolicy`).

    >>> session = PolicySession('tool "get_doc" -> @tags |= {"secret"};'
    ...                         ' tool "send" { must deny when "secret" in body.tags; }')
    >>> _ = session.observe_result("get_doc", "the plans")
    >>> session.check_call("send", {"body": "see: the plans"}).allowed
    False
    """

    def __init__(self, policy: CompiledPolicy | n.Policy | str, presets: PolicyPresets | None = None, *,
                 data_flow: bool = True) -> None:
        self.policy = policy if isinstance(policy, CompiledPolicy) else CompiledPolicy.build(policy)
        self.presets = presets or PolicyPresets()
        self.data_flow = data_flow
        """Whether plain argument values inherit the metadata of the results they contain (the
        dual-LLM data flow). Without it (single-LLM) an argument has the default metadata unless it
        is a :class:`ValueWithMeta`; results still run their blocks and update the session."""
        self.session_meta = Metadata()
        """The session's metadata, as the session blocks leave it."""
        self.results: list[tuple[str, ValueWithMeta]] = []
        """Every observed tool result with its metadata, oldest first."""
        self._pending: dict[str, dict[str, ValueWithMeta]] = {}

    # --- arguments ---------------------------------------------------------------------------
    def argument(self, value: object) -> ValueWithMeta:
        """``value`` with its metadata: a :class:`ValueWithMeta` keeps its own; a plain value
        inherits the merged metadata of every observed result whose text it contains (under
        :attr:`data_flow`; the default metadata otherwise)."""
        if isinstance(value, ValueWithMeta):
            return value
        if not self.data_flow:
            return ValueWithMeta(value, Metadata())
        text = _text(value)
        sources = [result.meta for _, result in self.results
                   if (needle := _text(result.value)) and needle in text]
        return ValueWithMeta(value, merge_all(sources))

    def _arguments(self, arguments: Mapping[str, object]) -> dict[str, ValueWithMeta]:
        if not isinstance(arguments, Mapping):
            raise TypeError(f"arguments must be a mapping of argument names to values, got {type(arguments).__name__}")
        return {str(name): self.argument(value) for name, value in arguments.items()}

    def _run(self, policies: list[ToolPolicy], phase: Phase, ctx: Context) -> None:
        for policy in policies:
            for statements, block in policy.blocks(phase):
                ctx.block = block
                run_statements(statements, ctx)

    # --- calls ---------------------------------------------------------------------------------
    def check_call(self, tool: str, arguments: Mapping[str, object]) -> Decision:
        """Run the tool's ``session before`` blocks (their updates stay, whatever the verdict),
        then decide the call by its check rules; an allowed call is remembered for the next
        :meth:`observe_result` of ``tool``."""
        if not isinstance(tool, str) or not tool:
            raise TypeError(f"tool must be a non-empty tool name, got {tool!r}")
        policies = self.policy.policies_for(tool)
        ctx = Context(self._arguments(arguments), self.session_meta, self.policy.lets)
        self._run(policies, "session before", ctx)
        self.session_meta = ctx.session
        ctx.block = "session"
        outcomes: list[RuleOutcome] = []
        for policy in policies:
            for rule in policy.rules():
                try:
                    fired = rule.condition is None or holds(rule.condition, ctx)
                except SqrtEvaluationError as error:
                    raise SqrtEvaluationError(f"rule {print_rule(rule)!r} of tool {policy.declaration.tool.pattern!r}"
                                              f" cannot be evaluated: {error}", rule.at.line, rule.at.column) from None
                outcomes.append(RuleOutcome(policy.declaration.tool.pattern, print_rule(rule), rule.enforcement,
                                            rule.outcome, policy.priority, fired, rule.at.line))
        allowed, verdict, reason = self._decide(tool, ctx, outcomes)
        if allowed:
            self._pending[tool] = ctx.args
        return Decision(tool, allowed, verdict, reason, tuple(outcomes), dict(ctx.args))

    def _decide(self, tool: str, ctx: Context, outcomes: list[RuleOutcome]) -> tuple[bool, Verdict, str]:
        fired = [o for o in outcomes if o.fired]
        if (self.presets.enable_llm_blocked_tag and tool == LLM_PARSER_TOOL
                and any(arg.meta.tags.contains(LLM_BLOCKED_TAG) for arg in ctx.args.values())):
            return False, "hard_denied", f"an argument carries {LLM_BLOCKED_TAG!r} (LLM-blocked-tag preset)"
        for outcome, verdict in (("deny", "hard_denied"), ("allow", "hard_allowed")):
            hard = [o for o in fired if o.enforcement == "must" and o.outcome == outcome]
            if hard:
                return outcome == "allow", verdict, f"rule {hard[0].rule!r} (line {hard[0].line}) fired"  # type: ignore[return-value]
        soft = [o for o in fired if o.enforcement == "should"]
        if soft:
            first = soft[0]
            verdict = "soft_allowed" if first.outcome == "allow" else "soft_denied"
            return first.outcome == "allow", verdict, f"rule {first.rule!r} (line {first.line}) fired"  # type: ignore[return-value]
        allows = [o for o in outcomes if o.outcome == "allow"]
        if allows:
            hard_allow = any(o.enforcement == "must" for o in allows)
            return (False, "hard_denied" if hard_allow else "soft_denied",
                    f"no allow rule of {tool!r} fired (first: {allows[0].rule!r}, line {allows[0].line})")
        level = self.presets.default_allow_enforcement_level
        if self.presets.default_allow:
            return True, f"{level}_allowed", "no rule decided the call: allowed by default"  # type: ignore[return-value]
        return False, f"{level}_denied", "no rule decided the call: denied by default"  # type: ignore[return-value]

    # --- conversations ---------------------------------------------------------------------------
    def replay(self, history: Iterable[HistoryItem], *, decided: set[str] | None = None,
               observed: set[str] | None = None) -> None:
        """Take a conversation's tool calls and results (an endpoint's ``tool_calls.history``) in
        order: a call whose id is not in ``decided`` is checked (which runs its ``session before``
        blocks), a result of a call of the history whose id is not in ``observed`` is observed with
        that call's arguments, its text read as JSON where it is JSON. Both sets (empty when not
        given) gain the ids taken, so a session that keeps them takes each call and result once."""
        decided = set() if decided is None else decided
        observed = set() if observed is None else observed
        calls: dict[str, ToolCall] = {}
        for item in history:
            if isinstance(item, ToolCall):
                calls[item.id] = item
                if item.id not in decided:
                    self.check_call(item.name, item.arguments)
                    decided.add(item.id)
            elif item.call_id not in observed and item.call_id in calls:
                call = calls[item.call_id]
                self.observe_result(call.name, item.value, arguments=call.arguments)
                observed.add(item.call_id)

    # --- results -------------------------------------------------------------------------------
    def observe_result(self, tool: str, value: object, metadata: Metadata | Mapping[str, Any] | None = None, *,
                       arguments: Mapping[str, object] | None = None,
                       combine: Literal["merge", "replace", "ignore"] = "merge") -> ValueWithMeta:
        """Take ``tool``'s result ``value`` and return it with its metadata.

        The initial metadata merges the call's arguments' (``arguments``, else those of the last
        allowed :meth:`check_call` of ``tool``); ``metadata`` given by the tool is combined with
        it as ``combine`` says (``merge``, ``replace`` or ``ignore``); a ``value`` of the form
        ``{"value": …, "meta": {…}, "is_sequrity_var": true, "combine_meta": …}`` gives both
        itself. Then the tool's result
        blocks run on the result and its ``session after`` blocks on the session.
        """
        if isinstance(value, Mapping) and value.get("is_sequrity_var") is True and "value" in value:
            # a tool may wrap its result: {"value", "meta", "is_sequrity_var": true, "combine_meta"}
            metadata = Metadata.from_json(value.get("meta") or {})
            combine = value.get("combine_meta", "merge")
            value = value["value"]
        if combine not in ("merge", "replace", "ignore"):
            raise ValueError(f"combine must be 'merge', 'replace' or 'ignore', got {combine!r}")
        args = self._arguments(arguments) if arguments is not None else self._pending.pop(tool, {})
        initial = merge_all(a.meta for a in args.values())
        manual = metadata if isinstance(metadata, Metadata) or metadata is None else Metadata.from_json(metadata)
        if manual is not None and combine == "merge":
            initial = initial.merge(manual)
        elif manual is not None and combine == "replace":
            initial = manual
        if self.presets.enable_non_executable_memory:
            initial = initial.set("tags", initial.tags.union(initial.tags.of([NON_EXECUTABLE_TAG])))
        ctx = Context(args, self.session_meta, self.policy.lets, ValueWithMeta(value, initial), "result")
        policies = self.policy.policies_for(tool)
        self._run(policies, "result", ctx)
        self._run(policies, "session after", ctx)
        self.session_meta = ctx.session
        assert ctx.result is not None
        self.results.append((tool, ctx.result))
        return ctx.result
