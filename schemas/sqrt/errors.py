"""The errors of the SQRT policy language: a syntax error, a policy that cannot be built, and a
rule that cannot be evaluated. All are :class:`~sequrity_contract.schemas.ContractError`s."""

from __future__ import annotations

from ..violations import ContractError


class SqrtError(ContractError, ValueError):
    """The base of every SQRT error; ``line`` and ``column`` (1-based) name the place when known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        where = f" at line {line}, column {column}" if line is not None and column is not None else ""
        super().__init__(f"{message}{where}" if where else message)


class SqrtSyntaxError(SqrtError):
    """The text is not SQRT: ``expected`` lists what could come next, ``found`` what came."""

    def __init__(self, line: int, column: int, expected: tuple[str, ...], found: str, source_line: str) -> None:
        self.expected = expected
        self.found = found
        self.source_line = source_line
        wanted = expected[0] if len(expected) == 1 else "one of " + ", ".join(expected)
        super().__init__(f"SQRT syntax error: expected {wanted}, found {found}", line, column)
        self.args = (f"{self.args[0]}\n  {source_line}\n  {' ' * (column - 1)}^",)


class SqrtPolicyError(SqrtError):
    """The policy parses but cannot be used: an unknown or cyclic ``let``, a misplaced update."""


class SqrtEvaluationError(SqrtError):
    """A rule asked for something the engine cannot compute (say, the complement of a regex)."""
