"""The clauses of security policies (docs/contract.md §12.2): a client that sends an ``X-Policy``
denying the tool the model calls returns the service's refusal as the answer, with no tool call
(``policy_refusals`` for messages, ``chat_policy_refusals``, ``responses_policy_refusals``). A
failure shows the policy decisions the server journalled, so the report says which rule fired."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st

from sequrity_contract.schemas import get_endpoint
from sequrity_contract.schemas.sqrt import refusal_message

from ..adapters.base import StreamResult
from .checks import call_adapter, last_entry
from .environment import ConformanceEnv
from .failures import ClauseFailure, reproduction, shorten
from .registry import clause

__all__ = ["PolicyCase", "chat_policy_refusals", "check_policy_refusal", "policy_cases", "policy_refusals",
           "responses_policy_refusals"]

ARGUMENT = {"type": "object", "properties": {"target": {"type": "string"}}, "required": ["target"]}


def _messages_request(tool: str, ask: str) -> dict[str, Any]:
    return {"model": "conformance-policies", "max_tokens": 256, "messages": [{"role": "user", "content": ask}],
            "tools": [{"name": tool, "description": "A tool the policy denies", "input_schema": ARGUMENT}]}


def _chat_request(tool: str, ask: str) -> dict[str, Any]:
    return {"model": "conformance-policies", "messages": [{"role": "user", "content": ask}],
            "tools": [{"type": "function", "function": {"name": tool, "parameters": ARGUMENT}}]}


def _responses_request(tool: str, ask: str) -> dict[str, Any]:
    return {"model": "conformance-policies", "input": ask,
            "tools": [{"type": "function", "name": tool, "parameters": ARGUMENT}]}


REQUESTS: dict[str, Callable[[str, str], dict[str, Any]]] = {
    "messages": _messages_request, "chat_completions": _chat_request, "responses": _responses_request}
"""A request offering the one tool and asking for it, per endpoint (``tool_choice`` left to its default,
which the official client's chat call cannot set: the mock calls the one tool offered, docs/contract.md §10.6)."""


@dataclass(frozen=True)
class PolicyCase:
    """A tool the policy denies, whether the answer streams, and whether the features ask for dual-LLM."""

    tool: str
    stream: bool
    dual_llm: bool

    @property
    def policy(self) -> dict[str, Any]:
        return {"codes": {"language": "sqrt", "code": f'tool "{self.tool}" {{ must deny always; }}'}}

    @property
    def features(self) -> dict[str, Any] | None:
        return {"agent_arch": "dual-llm"} if self.dual_llm else None


def policy_cases() -> st.SearchStrategy[PolicyCase]:
    """Tool names (identifiers), streamed or not, single- or dual-LLM."""
    return st.builds(PolicyCase, st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True), st.booleans(), st.booleans())


async def check_policy_refusal(env: ConformanceEnv, case: PolicyCase, endpoint: str) -> None:
    """Send a request asking for a call of ``case.tool`` under a policy that denies it: the client's
    answer makes no call and carries the refusal; the server journalled the denial."""
    env.fresh()
    await env.adapter.reset_session()
    request = {**REQUESTS[endpoint](case.tool, f"Use {case.tool} on 'the-target'."), "stream": case.stream}
    options = env.options(policy=case.policy, features=case.features, endpoint=endpoint)
    repro = reproduction(request, options, stream=case.stream)
    answer = await call_adapter(env, request, options, stream=case.stream)
    message = answer.message if isinstance(answer, StreamResult) else answer
    decisions = last_entry(env, request=request, options=options).get("policy") or []
    journalled = "\n".join(json.dumps(d, ensure_ascii=False) for d in decisions) or "(no decision journalled)"
    calls_format = get_endpoint(endpoint).tool_calls
    assert calls_format is not None
    made = [call.name for call in calls_format.calls(message)]
    refusal = refusal_message(case.tool)
    if made:
        raise ClauseFailure("the client returned a tool call the policy denied",
                            f"Expected: no tool call, the text {refusal!r}\nReceived calls: {made}\n"
                            f"Server's policy decisions:\n{journalled}", reproduction=repro)
    if refusal not in json.dumps(message, ensure_ascii=False):
        raise ClauseFailure("the client's answer lacks the policy's refusal",
                            f"Expected the text: {refusal!r}\nReceived: {shorten(message)}\n"
                            f"Server's policy decisions:\n{journalled}", reproduction=repro)


@clause(policy_cases(), title="a call the policy denies comes back as the service's refusal, with no tool call")
async def policy_refusals(env: ConformanceEnv, case: PolicyCase) -> None:
    """Messages: the refusal replaces the tool_use (streamed or not, single- or dual-LLM)."""
    await check_policy_refusal(env, case, "messages")


@clause(policy_cases(), title="a chat call the policy denies comes back as the service's refusal",
        endpoint="chat_completions")
async def chat_policy_refusals(env: ConformanceEnv, case: PolicyCase) -> None:
    """Chat completions: the refusal replaces the tool_calls."""
    await check_policy_refusal(env, case, "chat_completions")


@clause(policy_cases(), title="a responses call the policy denies comes back as the service's refusal",
        endpoint="responses")
async def responses_policy_refusals(env: ConformanceEnv, case: PolicyCase) -> None:
    """Responses: the refusal replaces the function_call items."""
    await check_policy_refusal(env, case, "responses")
