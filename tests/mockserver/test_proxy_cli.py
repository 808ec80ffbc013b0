"""The modes from the command line and as options: ``sequrity-mock serve --mode proxy --report``,
and every bad mode option named as ``name=value``."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mock_helpers import post
from upstream_helpers import start_serve, upstream_process

from sequrity_contract.mockserver import MockConfig, MockServer


def test_serve_proxy_writes_its_report_on_shutdown(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    with upstream_process() as upstream:
        proxy = start_serve("--mode", "proxy", "--upstream", upstream.url, "--report", str(report))
        try:
            body = {"model": "m", "max_tokens": 20, "temperature": 3, "messages": [{"role": "user", "content": "hi"}]}
            answer = post(f"{proxy.url}/control/chat/v1/messages", body)
            fine = post(f"{proxy.url}/control/chat/v1/messages", {**body, "temperature": 1})
        finally:
            proxy.process.send_signal(signal.SIGTERM)
            code = proxy.process.wait(timeout=15)
    assert code == 0
    assert answer.status == 400 and "$.temperature" in answer.json()["detail"]  # the upstream's own answer
    assert fine.status == 200
    written = json.loads(report.read_text())
    assert written["exchanges_checked"] == 2
    assert [(v["subject"], v["rule"], v["path"]) for v in written["violations"]] == [
        ("request body", "temperature_range", "$.temperature")]


BAD_OPTIONS = [
    (["--mode", "proxy"], "mode='proxy' needs upstream=URL"),
    (["--mode", "record", "--upstream", "http://127.0.0.1:9"], "mode='record' needs cassette=PATH"),
    (["--mode", "replay"], "mode='replay' needs cassette=PATH"),
    (["--mode", "proxy", "--upstream", "ftp://x"], "upstream='ftp://x': expected an http:// or https:// base URL"),
    (["--replay-speed", "0"], "replay_speed='0': expected 'recorded', 'none' or a factor > 0"),
    (["--replay-speed", "fast"], "replay_speed='fast'"),
    (["--match-ignore", "a..b"], "match_ignore: path='a..b'"),
    (["--redact", "x[y]"], "redact: path='x[y]'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_OPTIONS, ids=[" ".join(a) for a, _ in BAD_OPTIONS])
def test_bad_mode_options_are_named_and_exit_2(args: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "sequrity_contract", "serve", "--port", "0", *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("options", "error", "message"), [
    ({"mode": "tape"}, ValueError, "mode='tape': expected one of synthesize, proxy, record, replay"),
    ({"record_mode": "sometimes"}, ValueError, "record_mode='sometimes': expected one of none, once"),
    ({"on_miss": "ignore"}, ValueError, "on_miss='ignore': expected one of error, synthesize"),
    ({"replay_speed": -1.0}, ValueError, "replay_speed=-1.0"),
    ({"replay_speed": True}, ValueError, "replay_speed=True"),
    ({"match_ignore": "metadata.user_id"}, TypeError, "match_ignore='metadata.user_id': expected a tuple"),
    ({"cassette": 5, "mode": "replay"}, TypeError, "cassette=5: expected a file path"),
])
def test_bad_mode_fields_are_named(options: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as raised:
        MockConfig(**options)
    assert message in str(raised.value)


def test_mode_values_are_normalized() -> None:
    config = MockConfig(mode="replay", cassette=Path("/tmp/x.json"), replay_speed="2.5", match_ignore=["a.b"])
    assert (config.cassette, config.replay_speed, config.match_ignore) == ("/tmp/x.json", 2.5, ("a.b",))


def test_matchers_need_a_record_or_replay_mode() -> None:
    with pytest.raises(ValueError, match="matchers are used only with"):
        MockServer(matchers=[lambda a, b: None]).__enter__()


def test_violations_report_is_empty_when_synthesizing(server: MockServer) -> None:
    from mock_helpers import call

    report = call("GET", f"{server.url}/__admin/violations").json()
    assert report == {"mode": "synthesize", "upstream": None, "exchanges_checked": 0, "violation_count": 0,
                      "violations": []}
