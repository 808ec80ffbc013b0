"""Running clauses: each clause becomes a hypothesis property over its examples, run
against the mock servers with one adapter; the outcome is a :class:`ClauseResult`.

A failing clause is shrunk to its minimal example (hypothesis), and the result carries
the failure's title, message, dedup key, the falsifying example and the curl
reproduction.
"""

from __future__ import annotations

import pprint
import time
import traceback
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Flaky

from ..adapters.base import ClientAdapter, as_async
from ..adapters.registry import get_adapter
from .environment import ConformanceEnv, LiveSettings
from .failures import ClauseFailure
from .registry import CLAUSES, Clause, ClauseRegistry

__all__ = ["ClauseResult", "ConformanceRunner", "run_conformance"]

OUTCOMES = ("passed", "failed", "skipped")
#: How the note naming the failing example starts.
EXAMPLE_NOTE = "Example: "


@dataclass
class ClauseResult:
    """The outcome of one clause for one client.

    ``outcome`` is ``passed``, ``failed`` or ``skipped``; for a failure ``title``,
    ``message``, ``dedup_key``, ``example`` (hypothesis's minimal falsifying example) and
    ``reproduction`` (a curl command) say what and how; for a skip ``message`` says why.
    ``examples`` counts the examples run, ``duration`` is in seconds.
    """

    clause: str
    client: str
    outcome: str
    title: str = ""
    message: str = ""
    dedup_key: str = ""
    example: str = ""
    reproduction: str = ""
    examples: int = 0
    duration: float = 0.0
    statement: str = ""
    error: BaseException | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (without the exception object)."""
        data = asdict(self)
        data.pop("error")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ClauseResult:
        """The result :meth:`as_dict` gave."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "error"})

    def describe(self) -> str:
        """A multi-line account of a failure (title, message, example, reproduction)."""
        lines = [f"{self.clause} [{self.client}]: {self.title}", self.message]
        if self.example:
            lines += ["Minimal failing example:", self.example]
        if self.reproduction:
            lines += ["Reproduce with:", f"    {self.reproduction}"]
        return "\n".join(line for line in lines if line)


def _notes(exc: BaseException) -> list[str]:
    return [str(n) for n in getattr(exc, "__notes__", [])]


def _failure_result(clause: Clause, client: str, exc: BaseException) -> ClauseResult:
    notes = _notes(exc)
    example = next((n[len(EXAMPLE_NOTE):] for n in reversed(notes) if n.startswith(EXAMPLE_NOTE)), "")
    if isinstance(exc, ClauseFailure):
        exc.clause = clause.name
        return ClauseResult(clause.name, client, "failed", exc.title, exc.message, exc.dedup_key, example,
                            exc.reproduction or "", statement=clause.title, error=exc)
    if isinstance(exc, Flaky):
        title = "the clause failed, then passed on the same example (flaky)"
    else:
        title = f"the clause raised {type(exc).__name__}"
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return ClauseResult(clause.name, client, "failed", title, message, f"{clause.name}:{title}", example,
                        statement=clause.title, error=exc)


class ConformanceRunner:
    """Runs clauses for one adapter. ``max_examples`` (None: the current hypothesis
    profile's) is capped per clause by ``Clause.max_examples``; live clauses send at most
    ``live.budget`` requests each; ``shrink=False`` reports the first failing example as
    found (faster, not minimal); ``derandomize=True`` draws the same examples every run
    (for CI gates). Use as a context manager, or call :meth:`close`."""

    def __init__(self, adapter: ClientAdapter | str, *, max_examples: int | None = None,
                 live: LiveSettings | None = None, seed: int = 0, shrink: bool = True,
                 derandomize: bool = False, registry: ClauseRegistry | None = None) -> None:
        if max_examples is not None and (not isinstance(max_examples, int) or max_examples < 1):
            raise ValueError(f"max_examples={max_examples!r}: expected an integer >= 1")
        raw = get_adapter(adapter) if isinstance(adapter, str) else adapter
        self.adapter = as_async(raw)
        self.client = self.adapter.name
        self.max_examples = max_examples
        self.shrink = shrink
        self.derandomize = derandomize
        self.registry = registry if registry is not None else CLAUSES
        self.env = ConformanceEnv(self.adapter, live=live, seed=seed)

    def __enter__(self) -> ConformanceRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the adapter and stop the servers."""
        self.env.close()

    def _settings(self, clause: Clause) -> settings:
        if clause.kind == "live":
            assert self.env.live is not None
            count = self.env.live.budget
        else:
            count = self.max_examples if self.max_examples is not None else settings().max_examples
            if clause.max_examples is not None:
                count = min(count, clause.max_examples)
        phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if clause.shrink and self.shrink else [])
        return settings(max_examples=count, deadline=None, database=None, derandomize=self.derandomize,
                        report_multiple_bugs=False, phases=phases,
                        suppress_health_check=list(HealthCheck), print_blob=False)

    def run_clause(self, clause: Clause | str) -> ClauseResult:
        """Run one clause (by name or object) and return its result; never raises for a failing client."""
        entry = self.registry[clause] if isinstance(clause, str) else clause
        started = time.monotonic()
        reason = entry.skip_reason(self.env)
        if reason:
            return ClauseResult(entry.name, self.client, "skipped", message=reason, statement=entry.title)
        counter = [0]
        sent = [0]
        budget = self.env.live.budget if entry.kind == "live" and self.env.live else None

        def check(example: Any) -> None:
            counter[0] += 1
            if budget is not None:
                if sent[0] >= budget:
                    return  # the live budget is spent
                sent[0] += 1
            try:
                self.env.run(entry.function(self.env, example))
            except Exception as exc:
                # hypothesis raises the exception of the minimal example last: this note names it
                exc.add_note(EXAMPLE_NOTE + pprint.pformat(example, width=100, sort_dicts=False))
                raise

        check.__qualname__ = check.__name__ = entry.name  # hypothesis names the example after it
        prop = self._settings(entry)(given(example=entry.examples)(check))
        try:
            prop()
        except Exception as exc:
            result = _failure_result(entry, self.client, exc)
        else:
            result = ClauseResult(entry.name, self.client, "passed", statement=entry.title)
        result.examples = counter[0]
        result.duration = round(time.monotonic() - started, 3)
        return result

    def run(self, clauses: Iterable[Clause | str] | None = None) -> list[ClauseResult]:
        """Run ``clauses`` (default: every mock clause, plus the live ones when a live URL is set)."""
        if clauses is None:
            kinds = ("mock", "live") if self.env.live is not None else ("mock",)
            clauses = self.registry.select(kinds=kinds)
        return [self.run_clause(c) for c in clauses]


def run_conformance(client: ClientAdapter | str, clauses: Iterable[str] | None = None, *,
                    max_examples: int | None = None, live: LiveSettings | None = None,
                    shrink: bool = True, derandomize: bool = False) -> list[ClauseResult]:
    """Run the conformance suite for ``client`` (an adapter or its name) and return one
    result per clause; unknown clause names raise :class:`UnknownClauseError` first."""
    selected = None if clauses is None else CLAUSES.select(clauses)
    with ConformanceRunner(client, max_examples=max_examples, live=live, shrink=shrink,
                           derandomize=derandomize) as runner:
        return runner.run(selected)
