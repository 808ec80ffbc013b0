"""Running clauses: each clause becomes a hypothesis property over its examples, run
against the mock servers with one adapter; the outcome is a :class:`ClauseResult`.

A failing mock clause is shrunk to its minimal example (hypothesis; live clauses are not shrunk:
each example costs a real request), and the result carries the failure's title, message, dedup
key, the falsifying example and a reproduction: a ``sequrity-mock serve`` command and a curl
that replays what the client actually sent (from the server's journal), with placeholder keys.
"""

from __future__ import annotations

import pprint
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Flaky

from ..adapters.base import ClientAdapter, as_async
from ..adapters.registry import get_adapter
from .environment import PLUGIN_OPTIONS, ConformanceEnv, LiveSettings, OptionNames
from .failures import PLACEHOLDER_KEYS, REPLAY_PORT, ClauseFailure, replay
from .registry import CLAUSES, Clause, ClauseRegistry

__all__ = ["ClauseResult", "ConformanceRunner", "run_conformance"]

OUTCOMES = ("passed", "failed", "skipped")
#: How the note naming the failing example starts.
EXAMPLE_NOTE = "Example: "
#: Examples between two progress lines of one clause.
PROGRESS_EVERY = 50
Progress = Callable[[str], None]
"""Receives one progress line at a time (e.g. ``print`` to stderr)."""


@dataclass
class ClauseResult:
    """The outcome of one clause for one client.

    ``outcome`` is ``passed``, ``failed`` or ``skipped``; for a failure ``title``,
    ``message``, ``dedup_key``, ``example`` (the falsifying example: minimal when ``shrunk``,
    else as found) and ``reproduction`` (shell lines: a ``sequrity-mock serve`` and a curl) say
    what and how; for a skip ``message`` says why. ``examples`` counts the examples run,
    ``duration`` is in seconds.
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
    shrunk: bool = False
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
            lines += ["Minimal failing example:" if self.shrunk else "Failing example (as found, not shrunk):",
                      self.example]
        if self.reproduction:
            lines += ["Reproduce with:", *(f"    {line}" for line in self.reproduction.splitlines())]
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
    (for CI gates). ``option_names`` spell the options skip reasons name (the plugin's by default);
    ``progress`` receives a line as each clause starts and ends, and every ``progress_every``
    examples. Use as a context manager, or call :meth:`close`."""

    def __init__(self, adapter: ClientAdapter | str, *, max_examples: int | None = None,
                 live: LiveSettings | None = None, seed: int = 0, shrink: bool = True,
                 derandomize: bool = False, registry: ClauseRegistry | None = None,
                 option_names: OptionNames = PLUGIN_OPTIONS, progress: Progress | None = None,
                 progress_every: int = PROGRESS_EVERY) -> None:
        if max_examples is not None and (not isinstance(max_examples, int) or max_examples < 1):
            raise ValueError(f"max_examples={max_examples!r}: expected an integer >= 1")
        raw = get_adapter(adapter) if isinstance(adapter, str) else adapter
        self.adapter = as_async(raw)
        self.client = self.adapter.name
        self.max_examples = max_examples
        self.shrink = shrink
        self.derandomize = derandomize
        self.registry = registry if registry is not None else CLAUSES
        self.progress = progress
        self.progress_every = progress_every
        self.env = ConformanceEnv(self.adapter, live=live, seed=seed, option_names=option_names)

    def __enter__(self) -> ConformanceRunner:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the adapter and stop the servers."""
        self.env.close()

    def _shrinks(self, clause: Clause) -> bool:
        return clause.kind != "live" and clause.shrink and self.shrink

    def _settings(self, clause: Clause) -> settings:
        if clause.kind == "live":
            assert self.env.live is not None
            count = self.env.live.budget
        else:
            count = self.max_examples if self.max_examples is not None else settings().max_examples
            if clause.max_examples is not None:
                count = min(count, clause.max_examples)
        phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if self._shrinks(clause) else [])
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
        mock = entry.kind == "mock"

        def check(example: Any) -> None:
            counter[0] += 1
            if self.progress is not None and counter[0] % self.progress_every == 0:
                self.progress(f"  {entry.name}: {counter[0]} examples, {time.monotonic() - started:.0f} s")
            if budget is not None:
                if sent[0] >= budget:
                    return  # the live budget is spent
                sent[0] += 1
            marks = self.env.journal_marks() if mock else {}
            try:
                self.env.run(entry.function(self.env, example))
            except Exception as exc:
                # hypothesis raises the exception of the minimal example last: this note names it
                exc.add_note(EXAMPLE_NOTE + pprint.pformat(example, width=100, sort_dicts=False))
                if mock:
                    exc.sequrity_replay = self._replay(marks, exc)  # type: ignore[attr-defined]
                raise

        check.__qualname__ = check.__name__ = entry.name  # hypothesis names the example after it
        prop = self._settings(entry)(given(example=entry.examples)(check))
        try:
            prop()
        except Exception as exc:
            result = _failure_result(entry, self.client, exc)
            result.shrunk = self._shrinks(entry)
            result.reproduction = getattr(exc, "sequrity_replay", None) or result.reproduction
        else:
            result = ClauseResult(entry.name, self.client, "passed", statement=entry.title)
        result.examples = counter[0]
        result.duration = round(time.monotonic() - started, 3)
        return result

    def _replay(self, marks: dict[str, int], exc: BaseException) -> str:
        """The reproduction of a failing mock example: the newest request the servers received
        during it, replayed (:func:`replay`); when none arrived, the request the client was asked
        to send, pointed at the same local server with a placeholder key."""
        sent = self.env.sent_since(marks)
        if sent is not None:
            dialect, entry = sent
            return replay(entry, self.env.serve_command(dialect, REPLAY_PORT))
        asked = exc.reproduction if isinstance(exc, ClauseFailure) else None
        if not asked:
            return ""
        for dialect in self.env.dialects():
            server_url = self.env.server(dialect).url
            if server_url in asked:
                asked = asked.replace(server_url, f"http://127.0.0.1:{REPLAY_PORT}")
                asked = asked.replace("Bearer $SEQURITY_API_KEY", PLACEHOLDER_KEYS["authorization"])
                asked = asked.replace("$LLM_API_KEY", PLACEHOLDER_KEYS["x-api-key"])
                return f"{self.env.serve_command(dialect, REPLAY_PORT)} &\n{asked}"
        return asked

    def run(self, clauses: Iterable[Clause | str] | None = None) -> list[ClauseResult]:
        """Run ``clauses`` (default: every mock clause, plus the live ones when a live URL is set)."""
        if clauses is None:
            kinds = ("mock", "live") if self.env.live is not None else ("mock",)
            clauses = self.registry.select(kinds=kinds)
        chosen = [self.registry[c] if isinstance(c, str) else c for c in clauses]
        results = []
        for index, clause in enumerate(chosen, 1):
            if self.progress is not None:
                self.progress(f"[{index}/{len(chosen)}] {clause.name} …")
            result = self.run_clause(clause)
            if self.progress is not None:
                self.progress(f"[{index}/{len(chosen)}] {clause.name} {result.outcome.upper()} "
                              f"({result.examples} examples, {result.duration:.1f} s)")
            results.append(result)
        return results


def run_conformance(client: ClientAdapter | str, clauses: Iterable[str] | None = None, *,
                    max_examples: int | None = None, live: LiveSettings | None = None,
                    shrink: bool = True, derandomize: bool = False,
                    option_names: OptionNames = PLUGIN_OPTIONS, progress: Progress | None = None
                    ) -> list[ClauseResult]:
    """Run the conformance suite for ``client`` (an adapter or its name) and return one
    result per clause; unknown clause names raise :class:`UnknownClauseError` first.
    ``option_names`` and ``progress``: see :class:`ConformanceRunner`."""
    selected = None if clauses is None else CLAUSES.select(clauses)
    with ConformanceRunner(client, max_examples=max_examples, live=live, shrink=shrink,
                           derandomize=derandomize, option_names=option_names, progress=progress) as runner:
        return runner.run(selected)
