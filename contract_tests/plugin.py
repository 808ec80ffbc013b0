"""The pytest plugin (entry point ``pytest11: sequrity``).

- The hypothesis profile named by ``$SEQURITY_HYPOTHESIS_PROFILE`` (or the ini option
  ``sequrity_hypothesis_profile``) is loaded at ``pytest_configure``; the profiles ``sequrity-dev``,
  ``sequrity-ci``, ``sequrity-nightly`` are registered whenever hypothesis is imported
  (:mod:`sequrity_contract.contract_tests.profiles`).
- Fixtures for downstream projects (:mod:`sequrity_contract.contract_tests.fixtures`): ``sequrity_mock``,
  ``sequrity_mock_server``, ``sequrity_mock_config``, ``sequrity_client``, ``anthropic_client``,
  ``openai_client``, ``sequrity_official_client``.
- The marker ``@pytest.mark.sequrity_mock(assert_all_called=..., assert_all_matched=...)``: checks after
  a passing test (:mod:`sequrity_contract.contract_tests.mock_checks`).
- The marker ``@pytest.mark.sequrity_cassette("name")`` (:mod:`sequrity_contract.contract_tests.cassettes`) and its
  options ``--sequrity-cassette-dir``, ``--sequrity-record-mode``, ``--sequrity-upstream``.
- The conformance suite: ``--sequrity-conformance`` collects one test item per clause for the
  client ``--sequrity-client`` (a :class:`ConformanceSuite` the session collects after the
  paths given); ``--sequrity-live-url`` adds the live clauses. Results go
  to the terminal summary, to ``--sequrity-report PATH`` (JSON) and, as properties of
  each test, to pytest's JUnit XML. Under pytest-xdist every worker runs its own servers
  and the controller merges the results.

Loading the plugin imports only pytest and small modules of this package: hypothesis, the mock
server, the clients and the conformance machinery are imported by the hooks and fixtures that
use them (``bench/plugin_import.py`` measures what the plugin adds to a pytest run).
"""

from __future__ import annotations

import json
import os
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from .cassettes import MARKER_HELP, add_cassette_options, check_marked_items, marker_problem
from .errors import ContractTestsError
from .fixtures import (
    STUB_BASELINE,
    anthropic_client,
    cassette_settings,
    openai_client,
    sequrity_client,
    sequrity_mock,
    sequrity_mock_config,
    sequrity_mock_server,
    sequrity_official_client,
)
from .mock_checks import (
    MOCK_MARKER,
    MOCK_MARKER_HELP,
    MockMarkerError,
    failure,
    parse_mock_marker,
)
from .profiles import PROFILE_ENV, PROFILE_INI, UnknownProfileError, load_profile

__all__ = [
    "ClauseItem",
    "ConformanceFailed",
    "ConformanceSession",
    "ConformanceSuite",
    "anthropic_client",
    "openai_client",
    "sequrity_client",
    "sequrity_mock",
    "sequrity_mock_config",
    "sequrity_mock_server",
    "sequrity_official_client",
]

RESULT_PROPERTY = "sequrity_conformance"
"""The user property (and JUnit ``<property>``) carrying a clause's result as JSON."""
DEFAULT_LIVE_BUDGET = 10

_RUNNER = pytest.StashKey[Any]()
_SETTINGS = pytest.StashKey[dict[str, Any]]()

# option name, ini name, help, ini type
_OPTIONS: list[tuple[str, str, str, str]] = [
    ("--sequrity-client", "sequrity_client",
     "client under test: a built-in adapter such as reference, sequrity or anthropic (an unknown name "
     "lists them all) or package.module:factory (default reference)", "string"),
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
    parser.addini(PROFILE_INI, f"hypothesis profile to load, e.g. sequrity-ci (${PROFILE_ENV} wins)", default="")
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
    live_url = _value(config, "--sequrity-live-url", "sequrity_live_url")
    enabled = config.getoption("--sequrity-conformance") or config.getini("sequrity_conformance")
    if not enabled and not live_url:
        return None
    from .conformance import CLAUSES, LiveSettings, UnknownClauseError

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


def _load_chosen_profile(config: pytest.Config) -> None:
    """Load the hypothesis profile ``$SEQURITY_HYPOTHESIS_PROFILE`` (else the ini option) names, if any."""
    name, where = os.environ.get(PROFILE_ENV), PROFILE_ENV
    if not name:
        name, where = config.getini(PROFILE_INI), f"ini {PROFILE_INI}"
    if not name:
        return
    try:
        load_profile(name.strip(), where)
    except UnknownProfileError as exc:
        raise pytest.UsageError(str(exc)) from None


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Load the chosen hypothesis profile (first, so that ``--hypothesis-profile`` still wins); register
    the markers; read and check the cassette and conformance options (bad ones are usage errors)."""
    _load_chosen_profile(config)
    config.addinivalue_line("markers", MARKER_HELP)
    config.addinivalue_line("markers", MOCK_MARKER_HELP)
    cassette_settings(config)
    chosen = _read_settings(config)
    if chosen is None:
        return
    from .adapters import UnknownAdapterError, get_adapter

    try:
        chosen["adapter"] = get_adapter(chosen["client"])
    except (UnknownAdapterError, ImportError) as exc:
        raise pytest.UsageError(f"--sequrity-client: {exc}") from None
    config.stash[_SETTINGS] = chosen
    config.pluginmanager.register(ConformanceSession(config, chosen), "sequrity-conformance-session")


def _mock_marker_problem(item: pytest.Item) -> str | None:
    """What is wrong with the ``sequrity_mock`` marker of ``item`` (naming the test and the argument), or None."""
    mark = item.get_closest_marker(MOCK_MARKER)
    if mark is None:
        return None
    try:
        parse_mock_marker(mark)
    except MockMarkerError as exc:
        return f"{item.nodeid}: {exc}"
    if "sequrity_mock" not in getattr(item, "fixturenames", ()):
        return (f"{item.nodeid}: @pytest.mark.{MOCK_MARKER} checks the sequrity_mock fixture's server: request it "
                "in the test (in a @given test, use fresh_mock(sequrity_mock_server, ...) instead)")
    return None


def _problem(item: pytest.Item) -> str | None:
    return marker_problem(item) or _mock_marker_problem(item)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A wrong ``sequrity_cassette`` or ``sequrity_mock`` marker is a usage error naming the test and the
    argument (on an xdist worker, where a usage error would crash the run, it is that test's setup error instead)."""
    if not hasattr(config, "workerinput"):
        check_marked_items(items)
        for item in items:
            problem = _mock_marker_problem(item)
            if problem is not None:
                raise pytest.UsageError(problem)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """On xdist workers: a wrong marker fails the test's setup, naming the argument."""
    problem = _problem(item) if hasattr(item.config, "workerinput") else None
    if problem is not None:
        pytest.fail(problem, pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """After a test marked ``sequrity_mock(...)`` passed, run the checks it asks for. A test that raised
    keeps its own exception: the checks do not run (respx's lesson: never hide the test's failure)."""
    result = yield
    mark = item.get_closest_marker(MOCK_MARKER)
    server = getattr(item, "funcargs", {}).get("sequrity_mock") if mark is not None else None
    if server is not None:
        message = failure(server, parse_mock_marker(mark), item.stash.get(STUB_BASELINE, frozenset()))  # type: ignore[arg-type]
        if message is not None:
            pytest.fail(message, pytrace=False)
    return result


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
