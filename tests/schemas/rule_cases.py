"""The shared form of a semantic rule's test cases: ``(rule, case, document, instance, context,
path)``, ``path`` None for an instance that honours the rule, else the JSON path its violation
names. The rule tests of every endpoint check their cases with these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sequrity_contract.schemas import RULES, Context, check, is_valid

Case = tuple[str, str, str, Any, Context, "str | None"]


def rules_passing_and_failing(cases: Iterable[Case]) -> tuple[set[str], set[str]]:
    """The rules that have a passing case, and those that have a failing one."""
    listed = list(cases)
    return ({rule for rule, *_, path in listed if path is None},
            {rule for rule, *_, path in listed if path is not None})


def assert_the_rule_alone_reports(rule: str, document: str, instance: Any, context: Context,
                                  path: str | None) -> None:
    """The rule, run alone on ``instance``, reports nothing when ``path`` is None, else exactly one
    violation of itself at ``path`` with what was expected."""
    assert RULES[rule].document == document
    violations = RULES[rule](instance, context)
    if path is None:
        assert violations == []
    else:
        assert [(v.rule, v.path) for v in violations] == [(rule, path)], [str(v) for v in violations]
        assert violations[0].expected


def assert_the_rule_reports(rule: str, document: str, instance: Any, context: Context, path: str | None) -> None:
    """``instance`` is valid against ``document``; :func:`assert_the_rule_alone_reports`, and
    ``check`` reports the violation too."""
    assert is_valid(document, instance)
    assert_the_rule_alone_reports(rule, document, instance, context, path)
    if path is not None:
        found = check(document, instance, request=context.request, session_id=context.session_id)
        assert (rule, path) in [(v.rule, v.path) for v in found]
