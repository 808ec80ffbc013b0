"""``serve --workers N``: N processes share one port (SO_REUSEPORT); the journal and
``/__admin/health`` say which worker answered; SIGTERM stops them all with exit code 0.

An admin write taken by any worker holds on every worker before its caller hears 2xx; writes
whose meaning counters would split are refused; a worker that is killed or stops answering is
restarted with the current admin state; workers end with their supervisor."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from drivers import AUTH, PATH, ServeProcess

from sequrity_contract.mockserver.admin.replication import SECRET_HEADER
from sequrity_contract.mockserver.cli.workers import HEALTH_INTERVAL, HEALTH_TIMEOUT

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


ADMIN_TOKEN = "workers-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
STUB = {"match": {"model": "m"}, "message": {"content": "from the stub"}}


def _worker_pids(server: ServeProcess) -> list[int]:
    assert server.process is not None and server.process.stdout is not None
    return [int(p) for p in server.process.stdout.readline().split("pids ")[1].rstrip(")\n").split(", ")]


async def _answers_per_connection(url: str, count: int = 20) -> list[tuple[int, int, str]]:
    """``count`` messages requests, each on a fresh connection: (answering worker, status, body)."""
    seen = []
    body = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hello"}]}
    for _ in range(count):
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1),
                                         timeout=aiohttp.ClientTimeout(total=10)) as session:
            async with session.post(url + PATH, json=body, headers=AUTH) as answer:
                status, text = answer.status, await answer.text()
            async with session.get(url + "/__admin/health", headers=ADMIN) as health:
                seen.append(((await health.json())["worker"]["index"], status, text))
    return seen


async def _admin(url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                 ) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, \
            session.request(method, url + "/__admin" + path, json=body, headers=ADMIN if headers is None else headers,
                            ) as answer:
        return answer.status, await answer.json()


def _admin_call(url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
                ) -> tuple[int, Any]:
    return asyncio.run(_admin(url, method, path, body, headers))


def _answers(url: str, count: int = 20) -> list[tuple[int, int, str]]:
    return asyncio.run(_answers_per_connection(url, count))


def test_an_admin_write_to_one_worker_holds_on_every_worker() -> None:
    with ServeProcess("--workers", "2", "--admin-token", ADMIN_TOKEN) as server:
        assert _admin_call(server.url, "POST", "/stubs", STUB, headers={})[0] == 401  # the token still counts
        assert {text for _, _, text in _answers(server.url)}.isdisjoint({"from the stub"})

        status, stub = _admin_call(server.url, "POST", "/stubs", STUB)
        assert status == 201
        answers = _answers(server.url)
        assert {worker for worker, _, _ in answers} == {0, 1}
        assert all(status == 200 and "from the stub" in text for _, status, text in answers), answers
        assert all(_admin_call(server.url, "GET", f"/stubs/{stub['id']}")[0] == 200 for _ in range(6))

        assert _admin_call(server.url, "PUT", "/fault", {"status": 503})[0] == 200
        assert {status for _, status, _ in _answers(server.url)} == {503}
        assert _admin_call(server.url, "DELETE", "/fault")[0] == 200
        assert _admin_call(server.url, "DELETE", "/stubs") == (200, {"removed": 1})
        answers = _answers(server.url)
        assert all(status == 200 and "from the stub" not in text for _, status, text in answers), answers

        assert _admin_call(server.url, "DELETE", "/requests")[0] == 200
        journals = [_admin_call(server.url, "GET", "/requests")[1] for _ in range(8)]
        assert journals == [[]] * 8  # every worker's journal was emptied
        code, _ = server.terminate()
    assert code == 0


UNSHAREABLE = [
    ("PUT", "/fault", {"status": 503, "times": 1}, "fault: $.times: with 'serve --workers' every worker counts"),
    ("POST", "/stubs", {"match": {}, "sequence": [{"message": {"content": "one"}}]},
     "stub: $.sequence: with 'serve --workers'"),
    ("POST", "/stubs", [STUB, {"match": {}, "message": {"content": "x"}, "fault": {"status": 429, "times": 2}}],
     "stub: [1]: $.fault.times: with 'serve --workers'"),
]


def test_writes_that_per_worker_counters_would_split_are_refused() -> None:
    with ServeProcess("--workers", "2") as server:
        for method, path, body, named in UNSHAREABLE:
            status, answer = _admin_call(server.url, method, path, body, headers={})
            assert status == 400 and named in answer["error"]["message"]
        assert all(_admin_call(server.url, "GET", "/stubs", headers={}) == (200, []) for _ in range(4))
        assert all(_admin_call(server.url, "GET", "/fault", headers={}) == (200, {"fault": None}) for _ in range(4))


def _listening_ports(pid: int) -> set[int]:
    """The TCP ports process ``pid`` listens on (Linux ``/proc``)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
            ports.add(int(fields[1].split(":")[1], 16))
    return ports


def test_a_workers_control_address_takes_the_supervisors_writes_only() -> None:
    with ServeProcess("--workers", "2", "--admin-token", ADMIN_TOKEN) as server:
        pids = _worker_pids(server)
        public = int(server.url.rsplit(":", 1)[1])
        [control] = _listening_ports(pids[1]) - {public}
        control_url = f"http://127.0.0.1:{control}"
        for headers in (ADMIN, {**ADMIN, SECRET_HEADER: "guessed"}):
            status, answer = _admin_call(control_url, "POST", "/stubs", STUB, headers=headers)
            assert status == 403 and "control address" in answer["error"]["message"]
        # on the public port the header means nothing: the write is replicated as any other
        assert _admin_call(server.url, "POST", "/stubs", STUB, headers={**ADMIN, SECRET_HEADER: "guessed"})[0] == 201
        assert all("from the stub" in text for _, _, text in _answers(server.url, 10))


def _wait_for(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.1)


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_a_killed_worker_is_restarted_with_the_current_admin_state() -> None:
    with ServeProcess("--workers", "2", "--admin-token", ADMIN_TOKEN) as server:
        pids = _worker_pids(server)
        assert _admin_call(server.url, "POST", "/stubs", STUB)[0] == 201
        assert _admin_call(server.url, "PUT", "/fault", {"status": 429, "retry_after": 1})[0] == 200
        os.kill(pids[1], signal.SIGKILL)
        _wait_for(lambda: "restarted as pid" in server.stderr(), 20, "the restart line")
        [line] = [line for line in server.stderr().splitlines() if "restarted" in line]
        assert f"worker 1 (pid {pids[1]}) exited with code -9; restarted as pid " in line
        assert server.process is not None and server.process.poll() is None
        answers = _answers(server.url)
        assert {worker for worker, _, _ in answers} == {0, 1}
        assert {status for _, status, _ in answers} == {429}  # the fault holds on the new worker too
        assert _admin_call(server.url, "DELETE", "/fault")[0] == 200
        assert all("from the stub" in text for _, _, text in _answers(server.url))
        code, _ = server.terminate()
    assert code == 0


def test_workers_end_with_their_supervisor() -> None:
    with ServeProcess("--workers", "2") as server:
        pids = _worker_pids(server)
        os.kill(server.pid, signal.SIGKILL)
        server.process.wait()  # type: ignore[union-attr]
        _wait_for(lambda: all(_gone(pid) for pid in pids), 5, f"workers {pids} exit after their supervisor")


def test_a_stopped_worker_is_killed_and_restarted() -> None:
    with ServeProcess("--workers", "2") as server:
        pids = _worker_pids(server)
        os.kill(pids[1], signal.SIGSTOP)
        _wait_for(lambda: "restarted as pid" in server.stderr(), HEALTH_INTERVAL + HEALTH_TIMEOUT + 15,
                  "the stopped worker's restart")
        assert f"worker 1 (pid {pids[1]}) did not answer a health check within" in server.stderr()
        answers = _answers(server.url, 10)
        assert {worker for worker, _, _ in answers} == {0, 1} and {status for _, status, _ in answers} == {200}
        code, _ = server.terminate()
    assert code == 0


@pytest.mark.nightly
def test_an_admin_write_while_a_worker_is_stopped_holds_once_it_is_restarted() -> None:
    with ServeProcess("--workers", "3") as server:
        pids = _worker_pids(server)
        os.kill(pids[2], signal.SIGSTOP)
        assert _admin_call(server.url, "POST", "/stubs", STUB, headers={})[0] == 201
        _wait_for(lambda: "restarted as pid" in server.stderr(), 20, "the stopped worker's restart")
        answers = _answers(server.url, 30)
        assert {worker for worker, _, _ in answers} == {0, 1, 2}
        assert all("from the stub" in text for _, _, text in answers)


@pytest.mark.nightly
def test_concurrent_admin_writes_end_in_one_order_on_every_worker() -> None:
    async def race(url: str) -> list[Any]:
        writes = [_admin(url, "POST", "/stubs", {"id": "same", **STUB, "message": {"content": f"v{n}"}}, {})
                  for n in range(20)]
        assert {status for status, _ in await asyncio.gather(*writes)} == {201}
        return [await _admin(url, "GET", "/stubs", headers={}) for _ in range(12)]

    with ServeProcess("--workers", "3") as server:
        listings = asyncio.run(race(server.url))
    assert len({json.dumps(listing) for listing in listings}) == 1
