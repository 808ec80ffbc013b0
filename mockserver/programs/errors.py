"""Why a program cannot run, each naming the line of the program it concerns."""

from __future__ import annotations

from ..errors import MockServerError


class ProgramError(MockServerError):
    """A program the interpreter refuses or cannot finish: ``line`` (1-based; 0 when the program as
    a whole is meant) and a ``reason`` saying what is wrong and what would be right."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"line {line}: {reason}" if line else reason)


class ProgramSyntaxError(ProgramError):
    """The program is not Python the parser accepts."""


class UnsupportedConstruct(ProgramError):
    """The program uses a construct outside the interpreter's small language (named in the reason)."""


class ProgramFailed(ProgramError):
    """The program went wrong while running (a missing key, a method of the wrong type, …)."""


class LimitExceeded(ProgramError):
    """The program ran past a bound of :class:`~.interpreter.Limits` (steps, time, list size)."""


class HistoryMismatch(ProgramError):
    """The tool results given do not answer the calls the program makes, in order."""


class ToolFailed(ProgramError):
    """A tool result given for one of the program's calls is an error: the run ends there."""
