"""``sequrity-mock conformance``: the per-clause table, the JSON report, the exit codes."""

from __future__ import annotations

import json

import pytest

from sequrity_contract.cli import main


def test_a_passing_client_exits_0_with_the_table_and_the_report(tmp_path, capsys):
    report = tmp_path / "report.json"
    code = main(["conformance", "--client", "reference", "--clause", "errors", "--clause", "sessions",
                 "--max-examples", "4", "--report", str(report)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].split()[:3] == ["OUTCOME", "CLAUSE", "[CLIENT]"]
    assert [line.split()[:2] for line in out[1:3]] == [["PASSED", "sessions"], ["PASSED", "errors"]]
    assert out[3] == "2 passed, 0 failed, 0 skipped" and out[-1] == f"report written to {report}"
    assert [c["examples"] for c in json.loads(report.read_text())["clauses"]] == [4, 4]


def test_a_failing_clause_exits_1_and_prints_the_failure(capsys):
    code = main(["conformance", "--client", "broken_adapters:ignores_session_header", "--clause", "sessions",
                 "--max-examples", "5"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAILED   sessions [ignores-session]" in out
    assert "Reproduce with:\n    curl -sS" in out and "Minimal failing example:" in out


@pytest.mark.parametrize(("arguments", "message"), [
    (["--client", "nope"], "client='nope': unknown adapter"),
    (["--client", "reference", "--clause", "nope"], "clause='nope': unknown; the clauses are"),
    (["--client", "reference", "--max-examples", "0"], "--max-examples=0: expected an integer >= 1"),
    (["--client", "reference", "--live-url", "x"], "live_url='x': expected an http:// or https:// URL"),
])
def test_bad_arguments_exit_2_naming_them(capsys, arguments, message):
    assert main(["conformance", *arguments]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sequrity-mock conformance: error: ") and message in err
