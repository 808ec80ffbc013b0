"""The conformance suite: named clauses checked property-based against the real mock
server through a client adapter.

>>> from sequrity_contract.contract_tests.conformance import run_conformance, format_table
>>> print(format_table(run_conformance("reference", max_examples=10)))  # doctest: +SKIP

Importing the package registers the built-in clauses in :data:`CLAUSES`.
"""

from __future__ import annotations

# isort: off
# The clause modules register their clauses on import; this order is the report's order.
from . import round_trip as _round_trip
from . import sessions as _sessions
from . import errors as _errors
from . import resilience as _resilience
from . import live as _live
from . import chat as _chat
from . import responses as _responses
from . import policies as _policies
# isort: on
from .environment import API_KEY, PLUGIN_OPTIONS, ConformanceEnv, LiveSettings, OptionNames, ScriptedResponder
from .failures import ClauseFailure, Difference, differences, replay, reproduction
from .registry import (
    CLAUSES,
    Clause,
    ClauseRegistry,
    DuplicateClauseError,
    UnknownClauseError,
    clause,
    requires_dialect,
    requires_fault_support,
    requires_live_key,
    requires_retries,
    requires_sessions,
)
from .report import format_table, json_report, summary, write_json_report
from .runner import ClauseResult, ConformanceRunner, run_conformance

del _chat, _errors, _live, _policies, _resilience, _responses, _round_trip, _sessions

__all__ = [
    "API_KEY",
    "CLAUSES",
    "PLUGIN_OPTIONS",
    "Clause",
    "ClauseFailure",
    "ClauseRegistry",
    "ClauseResult",
    "ConformanceEnv",
    "ConformanceRunner",
    "Difference",
    "DuplicateClauseError",
    "LiveSettings",
    "OptionNames",
    "ScriptedResponder",
    "UnknownClauseError",
    "clause",
    "differences",
    "format_table",
    "json_report",
    "replay",
    "reproduction",
    "requires_dialect",
    "requires_fault_support",
    "requires_live_key",
    "requires_retries",
    "requires_sessions",
    "run_conformance",
    "summary",
    "write_json_report",
]
