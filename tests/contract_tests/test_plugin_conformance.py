"""``pytest --sequrity-conformance``: one collected item per clause (counted, listed by
``--collect-only``, selected by ``-k``), options from the command line
or ini files, the terminal table, the JSON report, JUnit properties, usage errors, live
mode and pytest-xdist. Run with pytester in fresh directories."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sequrity_contract.mockserver import MockServer

pytest_plugins = ["pytester"]

BROKEN = Path(__file__).with_name("broken_adapters.py")
FAST = ["-p", "no:cacheprovider", "--sequrity-max-examples=5"]


def test_one_item_per_clause_with_table_report_and_junit(pytester):
    result = pytester.runpytest("--sequrity-conformance", "--sequrity-client=reference",
                                "--sequrity-clauses=errors,sessions", "--sequrity-report=out/report.json",
                                "--junitxml=junit.xml", "-v", *FAST)
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*sequrity-conformance[[]reference[]]::sessions PASSED*",
                                 "*sequrity-conformance[[]reference[]]::errors PASSED*",
                                 "*= sequrity conformance: reference =*",
                                 "PASSED   sessions [[]reference[]]*", "PASSED   errors [[]reference[]]*",
                                 "2 passed, 0 failed, 0 skipped"])
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert [(c["clause"], c["outcome"], c["client"]) for c in report["clauses"]] == [
        ("sessions", "passed", "reference"), ("errors", "passed", "reference")]
    properties = ET.parse(pytester.path / "junit.xml").getroot().iter("property")
    assert sorted(json.loads(p.get("value"))["clause"] for p in properties) == ["errors", "sessions"]


def test_clause_items_are_collected_like_tests_counted_listed_and_selected_by_k(pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    options = ["--sequrity-conformance", "--sequrity-client=reference", "--sequrity-clauses=errors,sessions", *FAST]
    ran = pytester.runpytest(*options)
    ran.assert_outcomes(passed=3)
    ran.stdout.fnmatch_lines(["collected 3 items"])  # the plain test and the two clauses
    listed = pytester.runpytest(*options, "--collect-only", "-q")
    assert listed.ret == pytest.ExitCode.OK
    listed.stdout.fnmatch_lines(["test_plain.py::test_plain", "sequrity-conformance[[]reference[]]::sessions",
                                 "sequrity-conformance[[]reference[]]::errors", "", "3 tests collected in *"])
    chosen = pytester.runpytest(*options, "-k", "errors", "--sequrity-report=chosen.json")
    chosen.assert_outcomes(passed=1, deselected=2)
    chosen.stdout.fnmatch_lines(["collected 3 items / 2 deselected / 1 selected"])
    assert [c["clause"] for c in json.loads((pytester.path / "chosen.json").read_text())["clauses"]] == ["errors"]


def test_options_can_come_from_the_ini_file(pytester):
    pytester.makeini("""
        [pytest]
        sequrity_conformance = true
        sequrity_client = reference
        sequrity_clauses = errors
        sequrity_max_examples = 3
        sequrity_report = ini-report.json
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    [entry] = json.loads((pytester.path / "ini-report.json").read_text())["clauses"]
    assert (entry["clause"], entry["examples"]) == ("errors", 3)


def test_a_broken_client_fails_its_clause_with_example_and_curl(pytester):
    shutil.copy(BROKEN, pytester.path / "broken_adapters.py")
    pytester.syspathinsert(pytester.path)
    result = pytester.runpytest("--sequrity-conformance", "--sequrity-client=broken_adapters:ignores_session_header",
                                "--sequrity-clauses=sessions,errors", *FAST)
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*sessions [[]ignores-session[]]: the next request did not carry the X-Session-ID*",
                                 "Minimal failing example:", "[[]send, send[]]", "Reproduce with:", "    curl -sS*",
                                 "FAILED   sessions [[]ignores-session[]]*"])


@pytest.mark.parametrize(("arguments", "message"), [
    (["--sequrity-conformance", "--sequrity-clauses=errors,nope"],
     "*--sequrity-clauses: clause='nope': unknown; the clauses are request_round_trip*"),
    (["--sequrity-conformance", "--sequrity-client=nope"], "*--sequrity-client: client='nope': unknown adapter*"),
    (["--sequrity-conformance", "--sequrity-client=no_such_module:factory"],
     "*client='no_such_module:factory': cannot import module 'no_such_module'*"),
    (["--sequrity-conformance", "--sequrity-max-examples=0"],
     "*--sequrity-max-examples='0': expected an integer >= 1*"),
    (["--sequrity-live-url=ftp://x"], "*live_url='ftp://x': expected an http:// or https:// URL*"),
], ids=["unknown-clause", "unknown-client", "unimportable-client", "bad-max-examples", "bad-live-url"])
def test_bad_options_are_usage_errors_naming_the_option(pytester, arguments, message):
    result = pytester.runpytest(*arguments, "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([message])


def test_without_the_option_no_clause_is_collected(pytester):
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert "sequrity conformance" not in result.stdout.str()


def test_live_mode_runs_the_live_clauses_and_skips_without_a_key(pytester, monkeypatch):
    monkeypatch.delenv("SEQURITY_API_KEY", raising=False)
    with MockServer(api_keys=("sq-live",)) as endpoint:
        skipped = pytester.runpytest(f"--sequrity-live-url={endpoint.url}", "-rs", "-p", "no:cacheprovider")
        monkeypatch.setenv("SEQURITY_API_KEY", "sq-live")
        ran = pytester.runpytest(f"--sequrity-live-url={endpoint.url}", "--sequrity-live-budget=2",
                                 "-p", "no:cacheprovider")
        sent = len(endpoint.requests)
    skipped.assert_outcomes(skipped=2)
    skipped.stdout.fnmatch_lines(["*no API key for the live endpoint: pass --sequrity-api-key or set "
                                  "SEQURITY_API_KEY*"])
    ran.assert_outcomes(passed=2)
    assert sent == 4


def test_under_xdist_each_worker_runs_its_own_servers_and_the_report_is_merged(pytester):
    # heavy unrelated plugins off: worker start-up is most of this test's time
    result = pytester.runpytest_subprocess("-n", "2", "-p", "no:schemathesis", "-p", "no:anyio",
                                           "--sequrity-conformance", "--sequrity-client=reference",
                                           "--sequrity-clauses=errors,sessions,response_round_trip",
                                           "--sequrity-report=merged.json", *FAST, timeout=120)
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["2 workers [[]3 items[]]"])  # both workers collected the three clauses
    report = json.loads((pytester.path / "merged.json").read_text())
    assert [c["clause"] for c in report["clauses"]] == ["response_round_trip", "sessions", "errors"]
    assert report["summary"] == {"passed": 3, "failed": 0, "skipped": 0}
    result.stdout.fnmatch_lines(["*= sequrity conformance: reference =*", "3 passed, 0 failed, 0 skipped"])
