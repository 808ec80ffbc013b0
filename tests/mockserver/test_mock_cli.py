"""``sequrity-mock serve`` as a subprocess: port 0, the first line, a request, SIGTERM, exit 0."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx
import pytest

SERVE = [sys.executable, "-c", "import sys; from sequrity_contract.cli import main; sys.exit(main())", "serve"]


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*SERVE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.mark.parametrize(("signum", "loop"), [(signal.SIGTERM, "asyncio"), (signal.SIGINT, "asyncio"),
                                             (signal.SIGTERM, "auto")])
def test_serve_prints_its_url_answers_and_stops_cleanly(signum: signal.Signals, loop: str) -> None:
    process = start("--port", "0", "--seed", "5", "--api-key", "alpha", "--dialect", "anthropic", "--loop", loop)
    try:
        line = process.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:")
        url = line.split()[-1]
        body = {
            "model": "m",
            "max_tokens": 20,
            "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        }
        answer = httpx.post(
            f"{url}/control/chat/v1/messages", json=body, headers={"Authorization": "Bearer alpha"}
        )
        assert answer.status_code == 200
        assert b"event: ping" in answer.content
        refused = httpx.post(
            f"{url}/control/chat/v1/messages", json=body, headers={"Authorization": "Bearer b"}
        )
        assert refused.status_code == 401
    finally:
        process.send_signal(signum)
        code = process.wait(timeout=15)
    assert code == 0


def test_serve_with_an_open_slow_stream_still_exits_0() -> None:
    process = start("--port", "0", "--latency", "0,500")
    try:
        url = process.stdout.readline().split()[-1]
        body = {
            "model": "m",
            "max_tokens": 200,
            "stream": True,
            "messages": [{"role": "user", "content": "hi"}],
        }
        with httpx.stream(
            "POST", f"{url}/control/chat/v1/messages", json=body, headers={"Authorization": "Bearer k"}
        ) as response:
            assert response.status_code == 200
            code = stop(process)
    finally:
        if process.poll() is None:
            process.kill()
    assert code == 0


def test_bad_options_are_named_and_exit_2() -> None:
    done = subprocess.run([*SERVE, "--chunk-size", "0"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "chunk_size=0" in done.stderr
