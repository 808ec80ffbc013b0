"""``sequrity-mock serve`` for daily use: ``--log-level info`` writes one access-log line per request
(method, path, status, milliseconds, session, the stub or fault that answered); every option reads a
``SEQURITY_MOCK_*`` default from the environment; ``--stubs`` is repeatable and takes a folder."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sequrity_contract.cli import build_parser, main

SERVE = [sys.executable, "-m", "sequrity_contract", "serve", "--port", "0"]
BODY = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}
PATH = "/control/chat/v1/messages"
ACCESS_LINE = re.compile(r"INFO sequrity_contract\.mockserver\.access: (?P<method>[A-Z]+) (?P<path>\S+) "
                         r"(?P<status>\d{3}) (?P<ms>\d+\.\d)ms session=(?P<session>\S+) answer=(?P<answer>\S+)$")


def run_server(args: list[str], env: dict[str, str], requests: list[tuple[str, str, dict[str, str]]]
               ) -> tuple[list[int], list[str]]:
    """Start ``serve``, send ``requests`` (method, path, headers), stop it with SIGTERM: the statuses and stderr."""
    process = subprocess.Popen([*SERVE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, **env})
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on "), process.stderr.read()
        url = line.split()[-1]
        statuses = []
        with httpx.Client() as client:
            for method, path, headers in requests:
                statuses.append(client.request(method, url + path, json=BODY if method == "POST" else None,
                                               headers=headers).status_code)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    return statuses, stderr.splitlines()


def write(path: Path, stubs: object) -> Path:
    path.write_text(json.dumps(stubs), encoding="utf-8")
    return path


def test_log_level_info_writes_one_access_line_per_request_naming_what_answered(tmp_path):
    stubs = write(tmp_path / "stubs.json", [{"id": "greeting", "message": {"content": "hello"}}])
    key = {"Authorization": "Bearer k"}
    statuses, stderr = run_server(
        ["--log-level", "info", "--stubs", str(stubs), "--fault", '{"status": 503, "times": 1}'], {},
        [("POST", PATH, key), ("POST", PATH, key), ("POST", PATH, {}), ("GET", "/control/health", {})])
    assert statuses == [503, 200, 401, 200]
    lines = [m.groupdict() for m in map(ACCESS_LINE.search, stderr) if m]
    assert len(lines) == 4, stderr
    assert [(x["method"], x["path"], x["status"], x["answer"]) for x in lines] == [
        ("POST", PATH, "503", "fault:server:status"),
        ("POST", PATH, "200", "stub:greeting"),
        ("POST", PATH, "401", "-"),
        ("GET", "/control/health", "200", "-"),
    ]
    assert re.fullmatch(r"[0-9a-f-]{36}", lines[1]["session"])
    assert "Bearer k" not in "\n".join(stderr)


def test_the_default_log_level_writes_no_access_lines():
    statuses, stderr = run_server([], {}, [("POST", PATH, {"Authorization": "Bearer k"})])
    assert statuses == [200]
    assert not any(ACCESS_LINE.search(line) for line in stderr)


def test_every_serve_option_reads_a_sequrity_mock_environment_default():
    serve = next(a for a in build_parser()._subparsers._group_actions[0].choices.values() if a.prog.endswith("serve"))
    visible = [a for a in serve._actions if a.option_strings and a.help != "==SUPPRESS==" and a.dest != "help"]
    assert visible, "no options found"
    for action in visible:
        name = "SEQURITY_MOCK_" + action.option_strings[-1].lstrip("-").upper().replace("-", "_")
        assert f"[env {name}]" in action.help


def test_environment_defaults_apply_and_the_command_line_wins(tmp_path):
    folder = tmp_path / "stubs"
    folder.mkdir()
    write(folder / "a.json", [{"id": "a", "match": {"body": {"model": "a"}}, "message": {"content": "A"}}])
    statuses, stderr = run_server(
        ["--api-key", "cli-key"], {"SEQURITY_MOCK_API_KEY": "env-1, env-2", "SEQURITY_MOCK_LOG_LEVEL": "info",
                                   "SEQURITY_MOCK_STUBS": str(folder), "SEQURITY_MOCK_STRICT": "true"},
        [("POST", PATH, {"Authorization": "Bearer env-2"}), ("POST", PATH, {"Authorization": "Bearer cli-key"})])
    # --api-key on the command line replaced the environment's list; strict (from the environment) refuses the
    # request no stub of the folder (from the environment) matches; the access log is on (from the environment)
    assert statuses == [401, 404]
    assert sum(bool(ACCESS_LINE.search(line)) for line in stderr) == 2


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("SEQURITY_MOCK_PORT", "eighty", "SEQURITY_MOCK_PORT='eighty': expected an integer (as --port takes)"),
    ("SEQURITY_MOCK_DIALECT", "openai", "SEQURITY_MOCK_DIALECT='openai': expected one of sequrity, anthropic"),
    ("SEQURITY_MOCK_ADMIN_OPEN", "maybe", "SEQURITY_MOCK_ADMIN_OPEN='maybe': expected one of 1/true/yes/on"),
    ("SEQURITY_MOCK_LOG_LEVEL", "loud", "SEQURITY_MOCK_LOG_LEVEL='loud': expected one of debug, info"),
])
def test_a_bad_environment_default_exits_2_naming_the_variable(monkeypatch, capsys, variable, value, message):
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 2
    assert message in capsys.readouterr().err
    # other commands are not disturbed by it
    assert main(["openapi"]) == 0


def test_stubs_is_repeatable_and_takes_a_folder_in_sorted_order(tmp_path):
    from sequrity_contract.mockserver.cli.scripting_options import load_stubs

    folder = tmp_path / "stubs"
    folder.mkdir()
    write(folder / "b.json", {"id": "b", "message": {"content": "B"}})
    write(folder / "a.json", [{"id": "a", "message": {"content": "A"}}])
    (folder / "notes.txt").write_text("not a stub")
    extra = write(tmp_path / "extra.json", {"stubs": [{"id": "c", "message": {"content": "C"}}]})
    assert [s["id"] for s in load_stubs([str(folder), str(extra)])] == ["a", "b", "c"]


def test_a_stub_id_defined_in_two_files_is_an_error_naming_both(tmp_path, capsys):
    first = write(tmp_path / "one.json", [{"id": "same", "message": {"content": "1"}}])
    second = write(tmp_path / "two.json", [{"id": "same", "message": {"content": "2"}}])
    assert main(["serve", "--stubs", str(first), "--stubs", str(second)]) == 2
    err = capsys.readouterr().err
    assert f"stub id 'same' is defined in {first} and again in {second}" in err
