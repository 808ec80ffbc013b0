"""SQRT, the policy language of Sequrity Control: parsing (:func:`parse_policy`), printing
(:func:`print_policy`) and an engine (:class:`PolicySession`) that decides tool calls by a
policy's check rules and carries metadata from tool results into later arguments.

>>> from sequrity_contract.schemas.sqrt import PolicySession
>>> session = PolicySession('tool "send_email" { must deny when to.value in {"spam@evil.com"}; }')
>>> session.check_call("send_email", {"to": "spam@evil.com"}).message
"Tool call to 'send_email' is denied by argument checking policies."
"""

from __future__ import annotations

from .compiled import CompiledPolicy
from .errors import SqrtError, SqrtEvaluationError, SqrtPolicyError, SqrtSyntaxError
from .nodes import Policy
from .parser import parse_policy
from .printer import print_policy
from .session import (
    Decision,
    PolicyPresets,
    PolicySession,
    RuleOutcome,
    refusal_error,
    refusal_message,
)
from .sets import SqrtSet
from .values import Metadata, ValueWithMeta

__all__ = [
    "CompiledPolicy",
    "Decision",
    "Metadata",
    "Policy",
    "PolicyPresets",
    "PolicySession",
    "RuleOutcome",
    "SqrtError",
    "SqrtEvaluationError",
    "SqrtPolicyError",
    "SqrtSet",
    "SqrtSyntaxError",
    "ValueWithMeta",
    "parse_policy",
    "print_policy",
    "refusal_error",
    "refusal_message",
]
