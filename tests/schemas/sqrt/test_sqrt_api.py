"""The public names of ``sequrity_contract.schemas.sqrt``: sorted, complete, each one defined."""

from __future__ import annotations

from sequrity_contract.schemas import ContractError, sqrt


def test_exports_are_sorted_and_resolve() -> None:
    assert sqrt.__all__ == sorted(sqrt.__all__)
    assert all(hasattr(sqrt, name) for name in sqrt.__all__)
    assert {"PolicySession", "Decision", "parse_policy", "print_policy", "SqrtSyntaxError"} <= set(sqrt.__all__)


def test_every_sqrt_error_is_a_contract_error() -> None:
    for error in (sqrt.SqrtError, sqrt.SqrtSyntaxError, sqrt.SqrtPolicyError, sqrt.SqrtEvaluationError):
        assert issubclass(error, ContractError) and issubclass(error, ValueError)
