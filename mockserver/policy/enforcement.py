"""Enforcing an ``X-Policy`` on the tool calls of an answer, per session.

Each session under a policy has a :class:`~sequrity_contract.schemas.sqrt.PolicySession`: the
metadata its tool results carried and what its ``session`` blocks did. Before an answer leaves,
the conversation's calls and results that the session has not seen yet are taken in order (a call
is checked, which runs its ``session before`` blocks; a result is observed, which tags it and runs
its result and ``session after`` blocks); then each call of the answer is checked, in order. A
denied call fails the attempt; with ``X-Config`` ``fsm.retry_on_policy_violation`` the planner
tries again, up to ``fsm.max_pllm_steps`` attempts (:data:`RETRY_ATTEMPTS` when unset). The mock's
planner is deterministic, so a retry proposes the same calls, whose ``session before`` blocks run
again. ``X-Policy`` ``fail_fast`` (true unless false) ends the checks at the first hard denial: no
later call of the attempt is checked and no retry follows. When no attempt passes, every call of
the answer is replaced by the service's refusal of the first denied call, as text in the endpoint's
format (the dual-LLM result document with ``status: "failure"`` when the features ask for
dual-LLM). Every decision goes to the request's journal entry.

A session that changes its policy (code, presets or architecture) starts over. The table keeps
the ``limit`` sessions used last. ``X-Config`` ``fsm.clear_session_meta`` clears the session's
metadata before every attempt (``every_attempt``) or at every new turn (``every_turn``).
"""

from __future__ import annotations

import dataclasses
import functools
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sequrity_contract.schemas import Endpoint
from sequrity_contract.schemas.sqrt import Decision, Metadata, PolicyPresets, PolicySession, SqrtEvaluationError
from sequrity_contract.schemas.sqrt.header import CODE_PATH, compiled_policy, policy_code, policy_presets
from sequrity_contract.schemas.tool_calls import ToolCall, ToolCallFormat

from ..errors import bad_request
from ..pipeline.responder import SESSION_TOKEN
from ..synthesis import dual_llm
from ..synthesis.prose import dumps
from .regexes import risky_regex

DUAL_LLM = "dual-llm"
RETRY_ATTEMPTS = 3
"""Attempts under ``retry_on_policy_violation`` when ``fsm.max_pllm_steps`` is not set (the toolkit's choice)."""
POLICY_VIOLATION = "policy_violation"
"""The ``error.code`` of a dual-LLM refusal document."""


@dataclass(frozen=True)
class PolicyRequest:
    """What enforcement needs of a request: its session, body, configuration headers and whether it starts a turn."""

    session_id: str
    body: dict[str, Any]
    features: dict[str, Any] | None
    policy: dict[str, Any] | None
    config: dict[str, Any] | None
    starts_turn: bool

    @property
    def dual_llm(self) -> bool:
        return (self.features or {}).get("agent_arch") == DUAL_LLM

    @property
    def _fsm(self) -> dict[str, Any]:
        return (self.config or {}).get("fsm") or {}

    @property
    def clear_session_meta(self) -> str:
        return str(self._fsm.get("clear_session_meta") or "never")

    @property
    def attempts(self) -> int:
        """How many times the planner may propose its calls: one, or more under ``retry_on_policy_violation``."""
        if not self._fsm.get("retry_on_policy_violation"):
            return 1
        return int(self._fsm.get("max_pllm_steps") or RETRY_ATTEMPTS)

    @property
    def fail_fast(self) -> bool:
        return (self.policy or {}).get("fail_fast") is not False


@dataclass(frozen=True)
class Checked:
    """One decision of an answer's check: the attempt (from 1), the call (its id and arguments as
    proposed) and the decision."""

    attempt: int
    call_id: str
    arguments: dict[str, Any]
    decision: Decision

    def to_json(self) -> dict[str, Any]:
        """The journal's form: the attempt, the call's id and arguments, then the decision's fields."""
        return {"attempt": self.attempt, "call_id": self.call_id, "arguments": self.arguments,
                **self.decision.to_json()}


@dataclass
class _SessionPolicy:
    key: tuple[str, PolicyPresets, bool]
    session: PolicySession
    checked: set[str] = field(default_factory=set)
    """Ids of the calls the session has decided (the answer's own, or the history's when replayed)."""
    observed: set[str] = field(default_factory=set)
    """Ids of the calls whose results the session has taken."""


@functools.lru_cache(maxsize=256)
def _risk(code: str) -> str | None:
    return risky_regex(compiled_policy(code).policy)


def _program(call: ToolCall) -> str:
    """The one-line program of a refused call, as the dual-LLM document shows it."""
    arguments = ", ".join(f"{name}={value!r}" for name, value in call.arguments.items())
    return f"final_return_value = {call.name}({arguments})"


class PolicyEnforcement:
    """The policy state of up to ``limit`` sessions, and the check of an answer against it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._sessions: OrderedDict[str, _SessionPolicy] = OrderedDict()

    def enforce(self, endpoint: Endpoint, request: PolicyRequest, message: dict[str, Any]
                ) -> tuple[dict[str, Any], list[Checked]]:
        """``message`` as the policy lets it go (the same object when every call is allowed, else
        the refusal) and the decisions on its calls; a 400 naming the rule when one cannot be evaluated."""
        calls_format = endpoint.tool_calls
        if calls_format is None:
            return message, []
        try:
            return self._enforce(calls_format, request, message)
        except SqrtEvaluationError as error:
            raise bad_request(f"X-Policy header: {CODE_PATH}: {error}") from None

    def _enforce(self, calls_format: ToolCallFormat, request: PolicyRequest, message: dict[str, Any]
                 ) -> tuple[dict[str, Any], list[Checked]]:
        state = self._state(request)
        state.session.replay(calls_format.history(request.body), decided=state.checked, observed=state.observed)
        calls = calls_format.calls(message)
        if not calls:
            return message, []
        checked: list[Checked] = []
        refused: tuple[ToolCall, Decision] | None = None
        for attempt in range(1, request.attempts + 1):
            if attempt > 1 and request.clear_session_meta == "every_attempt":
                state.session.session_meta = Metadata()
            refused, stopped = None, False
            for call in calls:
                decision = state.session.check_call(call.name, call.arguments)
                checked.append(Checked(attempt, call.id.replace(SESSION_TOKEN, request.session_id), call.arguments,
                                       decision))
                if not decision.allowed:
                    refused = refused or (call, decision)
                    stopped = decision.verdict == "hard_denied" and request.fail_fast
                    if stopped:
                        break
            if refused is None or stopped:
                break
        state.checked.update(c.call_id for c in checked)
        if refused is None:
            return message, checked
        return calls_format.as_text(message, self._refusal(request, *refused)), checked

    def _state(self, request: PolicyRequest) -> _SessionPolicy:
        code = policy_code(request.policy) or ""
        presets = policy_presets(request.policy)
        if not request.dual_llm:  # single-LLM: no program, so no non-executable memory and no data flow
            presets = dataclasses.replace(presets, enable_non_executable_memory=False)
        key = (code, presets, request.dual_llm)
        state = self._sessions.pop(request.session_id, None)
        if state is None or state.key != key:
            compiled = compiled_policy(code)
            risk = _risk(code)
            if risk is not None:
                raise bad_request(f"X-Policy header: {CODE_PATH}: {risk}")
            session = PolicySession(compiled, presets, data_flow=request.dual_llm)
            state = _SessionPolicy(key, session)
            if len(self._sessions) >= self.limit:
                self._sessions.popitem(last=False)
        self._sessions[request.session_id] = state
        clear = request.clear_session_meta
        if clear == "every_attempt" or (clear == "every_turn" and request.starts_turn):  # the request's first attempt
            state.session.session_meta = Metadata()
        return state

    @staticmethod
    def _refusal(request: PolicyRequest, call: ToolCall, decision: Decision) -> str:
        words = decision.message or ""
        if not request.dual_llm:
            return words
        return dumps(dual_llm.failure(POLICY_VIOLATION, f"{words} Why: {decision.reason}.", _program(call)))

    def clear(self) -> None:
        """Forget every session's policy state."""
        self._sessions.clear()

    def __len__(self) -> int:
        return len(self._sessions)
