"""The pytest plugin (entry point ``pytest11: sequrity``).

- Hypothesis profiles ``sequrity-dev``, ``sequrity-ci``, ``sequrity-nightly``.
- Fixtures for downstream projects (:mod:`sequrity_contract.contract_tests.fixtures`): ``sequrity_mock``,
  ``sequrity_mock_server``, ``sequrity_mock_config``, ``sequrity_client``.
- The marker ``@pytest.mark.sequrity_cassette("name")`` (:mod:`sequrity_contract.contract_tests.cassettes`) and its
  options ``--sequrity-cassette-dir``, ``--sequrity-record-mode``, ``--sequrity-upstream``.
- The conformance suite: ``--sequrity-conformance`` collects one test item per clause for the
  client ``--sequrity-client`` (a :class:`ConformanceSuite` the session collects after the
  paths given); ``--sequrity-live-url`` adds the live clauses. Results go
  to the terminal summary, to ``--sequrity-report PATH`` (JSON) and, as properties of
  each test, to pytest's JUnit XML. Under pytest-xdist every worker runs its own servers
  and the controller merges the results.
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from .adapters.registry import BUILTIN_ADAPTERS
from .cassettes import MARKER_HELP, add_cassette_options, check_marked_items, marker_problem
from .errors import ContractTestsError
from .fixtures import cassette_settings, sequrity_client, sequrity_mock, sequrity_mock_config, sequrity_mock_server

__all__ = [
    "PROFILES",
    "ClauseItem",
    "ConformanceFailed",
    "ConformanceSession",
    "ConformanceSuite",
    "sequrity_client",
    "sequrity_mock",
    "sequrity_mock_config",
    "sequrity_mock_server",
]

PROFILES = {
    "sequrity-dev": settings(max_examples=25, deadline=None),
    "sequrity-ci": settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]),
    "sequrity-nightly": settings(
        max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    ),
}
"""Hypothesis profiles: ``sequrity-dev`` (fast), ``sequrity-ci`` and ``sequrity-nightly`` (thousands)."""

for _name, _profile in PROFILES.items():
    settings.register_profile(_name, _profile)

RESULT_PROPERTY = "sequrity_conformance"
"""The user property (and JUnit ``<property>``) carrying a clause's result as JSON."""
DEFAULT_LIVE_BUDGET = 10

_RUNNER = pytest.StashKey[Any]()
_SETTINGS = pytest.StashKey[dict[str, Any]]()

# option name, ini name, help, ini type
_OPTIONS: list[tuple[str, str, str, str]] = [
    ("--sequrity-client", "sequrity_client",
     f"client under test: a built-in adapter ({', '.join(BUILTIN_ADAPTERS)}) or "
     "package.module:factory (default reference)", "string"),
    ("--sequrity-clauses", "sequrity_clauses",
     "comma-separated clause names to run (default: all)", "string"),
    ("--sequrity-max-examples", "sequrity_max_examples",
     "hypothesis examples per clause (default: the hypothesis profile's max_examples)", "string"),
    ("--sequrity-report", "sequrity_report", "write the conformance results as JSON to this path", "string"),
    ("--sequrity-live-url", "sequrity_live_url",
     "base URL of a live endpoint: adds the live clauses", "string"),
    ("--sequrity-live-budget", "sequrity_live_budget",
     f"requests each live clause may send (default {DEFAULT_LIVE_BUDGET})", "string"),
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--sequrity-*`` options and their ini equivalents."""
    group = parser.getgroup("sequrity", "Sequrity contract conformance")
    group.addoption("--sequrity-conformance", action="store_true", default=None,
                    help="run the conformance suite against --sequrity-client (ini: sequrity_conformance)")
    parser.addini("sequrity_conformance", "run the conformance suite (true/false)", type="bool", default=False)
    for flag, ini, text, kind in _OPTIONS:
        group.addoption(flag, default=None, help=f"{text} (ini: {ini})")
        parser.addini(ini, text, type=kind, default="")  # type: ignore[arg-type]
    group.addoption("--sequrity-api-key", default=None,
                    help="API key of the live endpoint (default: $SEQURITY_API_KEY; never read from ini files)")
    add_cassette_options(parser)


def _value(config: pytest.Config, flag: str, ini: str) -> Any:
    given = config.getoption(flag)
    return given if given is not None else (config.getini(ini) or None)


def _positive(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise pytest.UsageError(f"{name}={value!r}: expected an integer >= 1")
    return number


def _read_settings(config: pytest.Config) -> dict[str, Any] | None:
    from .conformance import CLAUSES, LiveSettings, UnknownClauseError

    live_url = _value(config, "--sequrity-live-url", "sequrity_live_url")
    enabled = config.getoption("--sequrity-conformance") or config.getini("sequrity_conformance")
    if not enabled and not live_url:
        return None
    clauses_text = _value(config, "--sequrity-clauses", "sequrity_clauses")
    names = [n.strip() for n in clauses_text.split(",") if n.strip()] if clauses_text else None
    kinds = ("mock", "live") if live_url else ("mock",)
    try:
        clauses = CLAUSES.select(names, kinds=kinds)
    except UnknownClauseError as exc:
        raise pytest.UsageError(f"--sequrity-clauses: {exc}") from None
    live = None
    if live_url:
        budget = _positive(_value(config, "--sequrity-live-budget", "sequrity_live_budget"),
                           "--sequrity-live-budget") or DEFAULT_LIVE_BUDGET
        key = config.getoption("--sequrity-api-key") or os.environ.get("SEQURITY_API_KEY") or None
        try:
            live = LiveSettings(live_url, key, budget)
        except ValueError as exc:
            raise pytest.UsageError(f"--sequrity-live-url: {exc}") from None
        if not enabled:
            clauses = [c for c in clauses if c.kind == "live"]
    return {
        "client": _value(config, "--sequrity-client", "sequrity_client") or "reference",
        "clauses": [c.name for c in clauses],
        "max_examples": _positive(_value(config, "--sequrity-max-examples", "sequrity_max_examples"),
                                  "--sequrity-max-examples"),
        "report": _value(config, "--sequrity-report", "sequrity_report"),
        "live": live,
    }


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``sequrity_cassette`` marker; read and check the cassette and conformance options
    (bad ones are usage errors)."""
    from .adapters import UnknownAdapterError, get_adapter

    config.addinivalue_line("markers", MARKER_HELP)
    cassette_settings(config)
    chosen = _read_settings(config)
    if chosen is None:
        return
    try:
        chosen["adapter"] = get_adapter(chosen["client"])
    except (UnknownAdapterError, ImportError) as exc:
        raise pytest.UsageError(f"--sequrity-client: {exc}") from None
    config.stash[_SETTINGS] = chosen
    config.pluginmanager.register(ConformanceSession(config, chosen), "sequrity-conformance-session")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A wrong ``sequrity_cassette`` marker is a usage error naming the test and the argument (on an
    xdist worker, where a usage error would crash the run, it is that test's setup error instead)."""
    if not hasattr(config, "workerinput"):
        check_marked_items(items)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """On xdist workers: a wrong ``sequrity_cassette`` marker fails the test's setup, naming the argument."""
    problem = marker_problem(item) if hasattr(item.config, "workerinput") else None
    if problem is not None:
        pytest.fail(problem, pytrace=False)


class ConformanceFailed(ContractTestsError):
    """A clause failed; carries its :class:`~sequrity_contract.contract_tests.conformance.ClauseResult`."""

    def __init__(self, result: Any) -> None:
        super().__init__(result.title)
        self.result = result


class ClauseItem(pytest.Item):
    """One conformance clause as a test item."""

    def __init__(self, *, clause: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clause = clause

    def _runner(self) -> Any:
        from .conformance import ConformanceRunner

        config = self.config
        if _RUNNER not in config.stash:
            chosen = config.stash[_SETTINGS]
            runner = ConformanceRunner(chosen["adapter"], max_examples=chosen["max_examples"], live=chosen["live"])
            config.stash[_RUNNER] = runner
            config.add_cleanup(runner.close)
        return config.stash[_RUNNER]

    def runtest(self) -> None:
        """Run the clause; skip with its reason, or fail with its report."""
        result = self._runner().run_clause(self.clause)
        self.user_properties.append((RESULT_PROPERTY, json.dumps(result.as_dict(), ensure_ascii=False)))
        if result.outcome == "skipped":
            pytest.skip(result.message)
        if result.outcome == "failed":
            raise ConformanceFailed(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """A failed clause shows its title, message, minimal example and reproduction."""
        if isinstance(excinfo.value, ConformanceFailed):
            return excinfo.value.result.describe()
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item comes from: the conformance suite, clause name."""
        return self.path, None, f"sequrity conformance: {self.clause}"


class ConformanceSuite(pytest.Collector):
    """The clause items for one client."""

    def __init__(self, *, clauses: list[str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clauses = clauses

    def collect(self) -> list[pytest.Item]:
        """One :class:`ClauseItem` per clause."""
        return [ClauseItem.from_parent(self, name=name, clause=name) for name in self.clauses]


class ConformanceSession:
    """The hooks of one conformance run (registered only when it is enabled): collects the
    clause items, gathers results (on the xdist controller too: user properties travel
    with the reports), prints the table and writes the JSON report."""

    def __init__(self, config: pytest.Config, chosen: dict[str, Any]) -> None:
        self.config = config
        self.chosen = chosen
        self.results: list[dict[str, Any]] = []

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_make_collect_report(
        self, collector: pytest.Collector
    ) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
        """Add a :class:`ConformanceSuite` to what the session itself collects, after the paths'
        collectors. Pytest then collects its clause items like any test's: the header counts
        them, ``--collect-only`` lists them, ``-k``/``-m``/``--deselect`` select among them, and
        every xdist worker collects the same items in the same order. ``tryfirst`` makes this
        the outermost wrapper, so the suite stays last whatever inner wrappers (``--lf``'s
        sorting) do to the session's result."""
        report = yield
        if isinstance(collector, pytest.Session) and report.passed:
            name = f"sequrity-conformance[{self.chosen['client']}]"
            suite = ConformanceSuite.from_parent(collector, name=name, nodeid=name, clauses=self.chosen["clauses"])
            report.result = [*report.result, suite]
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep each clause's result."""
        if report.when == "call":
            self.results += [json.loads(str(v)) for n, v in report.user_properties if n == RESULT_PROPERTY]

    def ordered(self) -> list[Any]:
        """The results as :class:`ClauseResult` objects, in clause order."""
        from .conformance import ClauseResult

        order = {name: i for i, name in enumerate(self.chosen["clauses"])}
        rows = sorted(self.results, key=lambda r: order.get(r["clause"], len(order)))
        return [ClauseResult.from_dict(r) for r in rows]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the JSON report (not on xdist workers: the controller has every result)."""
        from .conformance import write_json_report

        if self.chosen["report"] and not hasattr(self.config, "workerinput"):
            write_json_report(self.ordered(), Path(self.chosen["report"]))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """The per-clause table."""
        from .conformance import format_table

        if self.results:
            terminalreporter.write_sep("=", f"sequrity conformance: {self.chosen['client']}")
            terminalreporter.write_line(format_table(self.ordered(), width=max(terminalreporter._tw.fullwidth, 80)))
