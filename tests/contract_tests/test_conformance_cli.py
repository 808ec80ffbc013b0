"""``sequrity-mock conformance``: the per-clause table, the JSON report, the exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

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
    assert "Reproduce with:\n    sequrity-mock serve --port 8765 --seed 0 --dialect sequrity" in out
    assert "\n    curl -sS" in out and "Minimal failing example:" in out


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


def test_progress_goes_to_stderr_a_line_per_clause_and_the_table_to_stdout(capsys):
    assert main(["conformance", "--client", "reference", "--clause", "errors", "--clause", "sessions",
                 "--max-examples", "3"]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[0] == "[1/2] sessions …" and lines[2] == "[2/2] errors …"
    assert re.fullmatch(r"\[1/2\] sessions PASSED \(3 examples, \d+\.\d s\)", lines[1])
    assert re.fullmatch(r"\[2/2\] errors PASSED \(3 examples, \d+\.\d s\)", lines[3])
    assert captured.out.startswith("OUTCOME") and "\033[" not in captured.out  # not a terminal: no colour


def test_the_table_is_coloured_only_on_a_terminal_without_no_color(monkeypatch):
    from sequrity_contract.contract_tests.conformance import ClauseResult, format_table
    from sequrity_contract.contract_tests.conformance.console import colour_enabled

    class Terminal:
        def isatty(self) -> bool:
            return True

    rows = [ClauseResult("sessions", "reference", "passed"), ClauseResult("errors", "reference", "failed")]
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert colour_enabled(Terminal())
    coloured = format_table(rows, colour=colour_enabled(Terminal())).splitlines()
    assert coloured[1].startswith("\033[32mPASSED  \033[0m") and coloured[2].startswith("\033[31;1mFAILED  \033[0m")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not colour_enabled(Terminal())


def test_a_skip_reason_names_the_option_of_the_command_that_printed_it(monkeypatch, capsys):
    monkeypatch.delenv("SEQURITY_API_KEY", raising=False)
    assert main(["conformance", "--client", "reference", "--clause", "live_streams_conform"]) == 0
    assert "no live endpoint: pass --live-url URL" in capsys.readouterr().out
    assert main(["conformance", "--client", "reference", "--clause", "live_streams_conform",
                 "--live-url", "http://127.0.0.1:9"]) == 0
    out = capsys.readouterr().out
    assert "pass --api-key or set SEQURITY_API_KEY" in out and "--sequrity-" not in out


ADAPTER = textwrap.dedent("""
    import warnings

    from sequrity_contract.contract_tests.adapters.reference import ReferenceAdapter


    class Noisy(ReferenceAdapter):
        name = "noisy"

        async def send(self, request, options):
            warnings.warn("a library's complaint on every call", UserWarning, stacklevel=1)
            return await super().send(request, options)


    def make_adapter():
        return Noisy()
""")


def test_a_client_module_in_the_working_directory_is_found_and_its_warnings_summarised(tmp_path):
    (tmp_path / "my_adapter.py").write_text(ADAPTER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONWARNINGS")}
    done = subprocess.run([sys.executable, "-m", "sequrity_contract", "conformance", "--client",
                           "my_adapter:make_adapter", "--clause", "response_round_trip", "--max-examples", "5"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "PASSED   response_round_trip [noisy]" in done.stdout
    assert "UserWarning: a library's complaint" not in done.stderr
    [summary] = [line for line in done.stderr.splitlines() if "warning(s)" in line]
    assert summary.startswith("5 warning(s) raised during the run were hidden (5 UserWarning from my_adapter")
