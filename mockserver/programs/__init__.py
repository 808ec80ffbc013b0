"""A small interpreter for the programs of lang-graph requests (``user_provided_program``).

It knows Python's syntax tree, not any endpoint's format: an endpoint's synthesizer reads the
program, its variables (``context_vars``) and the tool results of the conversation, calls
:func:`run`, and renders the :class:`Pending` call or the :class:`Finished` value in its own
format. Nothing is ever ``exec``'d or ``eval``'d: :mod:`.language` admits the constructs such
programs use and refuses the rest, :mod:`.interpreter` walks the tree.
"""

from .errors import (
    HistoryMismatch,
    LimitExceeded,
    ProgramError,
    ProgramFailed,
    ProgramSyntaxError,
    ToolFailed,
    UnsupportedConstruct,
)
from .interpreter import FINAL_VARIABLE, Call, Finished, Limits, Outcome, Pending, Result, run
from .language import SUPPORTED

__all__ = [
    "FINAL_VARIABLE",
    "SUPPORTED",
    "Call",
    "Finished",
    "HistoryMismatch",
    "LimitExceeded",
    "Limits",
    "Outcome",
    "Pending",
    "ProgramError",
    "ProgramFailed",
    "ProgramSyntaxError",
    "Result",
    "ToolFailed",
    "UnsupportedConstruct",
    "run",
]
