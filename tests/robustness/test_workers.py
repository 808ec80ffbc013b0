"""``serve --workers N``: N processes share one port (SO_REUSEPORT); the journal and
``/__admin/health`` say which worker answered; SIGTERM stops them all with exit code 0."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from drivers import AUTH, PATH, ServeProcess

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing is Linux's")


async def _health_and_journal_per_connection(url: str, connections: int) -> list[tuple[dict[str, Any], Any]]:
    """On each of ``connections`` fresh connections: a messages request, then the health and the
    journal of whichever worker holds that connection."""
    seen = []
    for n in range(connections):
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
            body = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": f"hello {n}"}]}
            async with session.post(url + PATH, json=body, headers=AUTH) as answer:
                assert answer.status == 200
            async with session.get(url + "/__admin/health") as health:
                worker = (await health.json())["worker"]
            async with session.get(url + "/__admin/requests") as journal:
                seen.append((worker, await journal.json()))
    return seen


def test_two_workers_share_the_port_and_say_which_one_answered(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    with ServeProcess("--workers", "2", "--journal-file", str(journal)) as server:
        assert server.process is not None and server.process.stdout is not None
        pids = [int(p) for p in server.process.stdout.readline().split("pids ")[1].rstrip(")\n").split(", ")]
        seen = asyncio.run(_health_and_journal_per_connection(server.url, 24))
        code, _ = server.terminate()
    assert code == 0
    assert {worker["index"] for worker, _ in seen} == {0, 1}
    assert {worker["pid"] for worker, _ in seen} == set(pids)
    for worker, entries in seen:
        assert entries and entries[-1]["worker"] == worker["index"]  # the request just sent on this connection
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    written = {p.name: [json.loads(line) for line in p.read_text().splitlines()] for p in tmp_path.iterdir()}
    assert sorted(written) == ["journal.jsonl.0", "journal.jsonl.1"]
    assert sum(len(entries) for entries in written.values()) == 24
    assert {e["worker"] for e in written["journal.jsonl.1"]} == {1}


def test_sigint_stops_every_worker_with_exit_code_0() -> None:
    with ServeProcess("--workers", "3") as server:
        assert server.process is not None
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=20) == 0


@pytest.mark.parametrize("args,message", [
    (["--workers", "0"], "workers=0: expected an integer >= 1"),
    (["--workers", "2", "--host", "256.1.1.1", "--admin-open"], "cannot listen on 256.1.1.1"),
])
def test_bad_worker_settings_are_named(args: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "sequrity_contract", "serve", "--port", "0", *args],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode in (1, 2)
    assert message in done.stderr
