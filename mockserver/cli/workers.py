"""``sequrity-mock serve --workers N``: N server processes sharing one port.

The supervisor reserves the port with a bound (not listening) ``SO_REUSEPORT`` socket, so
``--port 0`` resolves to one port for everyone, then starts N ``serve`` child processes that
listen on it with ``SO_REUSEPORT``: the kernel spreads incoming connections over them. Each
child knows its index (``--worker I``), which the journal entries and ``/__admin/health``
report. The supervisor prints ``listening on URL`` once every child listens, forwards
SIGINT/SIGTERM to them, and exits 0 when all of them exited 0.

**One admin state.** The supervisor runs a hub (:mod:`.hub`) on ``127.0.0.1`` and hands each
worker, in its environment (:data:`~sequrity_contract.mockserver.admin.replication.LINK_ENV`), the
hub's address, a random per-run secret and its own pid. Each worker listens on a private
loopback *control address* too, joins the hub with it, and sends every admin write it accepts
through the hub, which applies it on every worker, one write at a time, before the caller hears
the answer (:mod:`sequrity_contract.mockserver.admin.replication` has the details). Writes whose
meaning per-worker counters would split (a ``sequence`` stub, a fault's ``times``) are refused
with 400. Reads (the journal, sessions, stub ``calls``, the violation report) stay per worker.

**Supervision.** A worker that exits (``kill -9``, a crash) is started again with the same index;
it fetches the current admin state from a sibling, through the hub, before it listens, and the
supervisor logs one line. Every :data:`HEALTH_INTERVAL` seconds the supervisor asks each
worker's control address for ``/control/health``; one that gives no answer within
:data:`HEALTH_TIMEOUT` (stopped with SIGSTOP, an event loop blocked that long) is killed and
restarted. Until then the kernel keeps handing the hung worker its share of new connections
(``SO_REUSEPORT`` does not know it hangs): they wait, and are reset when it is killed. More
than :data:`RESTART_LIMIT` restarts within :data:`RESTART_WINDOW` seconds stop the server
(exit 1). Workers end with the supervisor, even after ``kill -9`` of it: the kernel sends them
SIGTERM (``PR_SET_PDEATHSIG``) and each also polls its parent pid.

Linux only (``SO_REUSEPORT`` with load balancing); elsewhere run single-worker ``serve``
processes on different ports behind a process manager or load balancer.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
from collections.abc import Sequence

from ..admin.replication import LINK_ENV
from ..errors import MockServerError
from .hub import LOOPBACK, Hub, Member

#: Seconds a child gets to report it listens, and to exit after SIGTERM.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
HEALTH_INTERVAL = 1.0
"""Seconds between two health checks of every worker."""
HEALTH_TIMEOUT = 3.0
"""Seconds a worker gets to answer a health check before it counts as hung and is killed (and restarted)."""
HEALTH_PATH = "/control/health"
RESTART_LIMIT = 10
RESTART_WINDOW = 60.0
"""More than ``RESTART_LIMIT`` restarts within ``RESTART_WINDOW`` seconds stop the server (exit 1)."""


class WorkerError(MockServerError, RuntimeError):
    """A worker process could not be started (the message says which and why)."""


def reserve_port(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` with ``SO_REUSEPORT`` that holds the port for the workers."""
    if not hasattr(socket, "SO_REUSEPORT") or not sys.platform.startswith("linux"):
        raise WorkerError("--workers needs SO_REUSEPORT load balancing (Linux); elsewhere run one "
                          "'sequrity-mock serve' per port behind a process manager")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    holder = socket.socket(family, socket.SOCK_STREAM)
    try:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind((host, port))
    except OSError as exc:
        holder.close()
        raise WorkerError(f"cannot listen on {host}:{port}: {exc}") from None
    return holder


def worker_command(argv: Sequence[str], port: int, index: int, journal_file: str | None = None) -> list[str]:
    """The command line of worker ``index``: the supervisor's ``serve`` arguments, pinned to ``port``
    (and writing its journal to ``journal_file.index``)."""
    own_journal = ["--journal-file", f"{journal_file}.{index}"] if journal_file else []
    return [sys.executable, "-m", "sequrity_contract", *argv,
            "--port", str(port), "--workers", "1", "--worker", str(index), "--reuse-port", *own_journal]


def _await_listening(process: subprocess.Popen[str], index: int) -> str:
    line = [""]
    reader = threading.Thread(target=lambda: line.__setitem__(0, process.stdout.readline() if process.stdout else ""),
                              daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    if not line[0].startswith("listening on "):
        raise WorkerError(f"worker {index} (pid {process.pid}) did not start: exit code {process.poll()}")
    return line[0].split()[-1]


class Supervisor:
    """The worker processes, the hub that keeps their admin state one, and their health."""

    def __init__(self, argv: Sequence[str], port: int, count: int, journal_file: str | None) -> None:
        self.argv, self.port, self.journal_file = argv, port, journal_file
        self.processes: list[subprocess.Popen[str]] = []
        self.secret = secrets.token_urlsafe(32)
        self.hub = Hub(self.secret, self.lose)
        self.lost: dict[int, str] = {}
        """Why the supervisor killed a process (by pid), for the restart line."""
        self.restarts: collections.deque[float] = collections.deque(maxlen=RESTART_LIMIT)
        self.count = count

    def start(self) -> list[str]:
        """Start the hub and every worker; their URLs."""
        self.hub.start()
        for index in range(self.count):
            self.processes.append(self._spawn(index))
        return [_await_listening(p, i) for i, p in enumerate(self.processes)]

    def _spawn(self, index: int) -> subprocess.Popen[str]:
        link = json.dumps({"hub": self.hub.url, "secret": self.secret, "supervisor": os.getpid()})
        return subprocess.Popen(worker_command(self.argv, self.port, index, self.journal_file),
                                stdout=subprocess.PIPE, text=True, env={**os.environ, LINK_ENV: link})

    def lose(self, member: Member, why: str) -> None:
        """Kill a worker that stopped answering (the loop restarts it); called by the hub and the health check."""
        process = self.processes[member.index] if member.index < len(self.processes) else None
        if process is None or process.pid != member.pid or process.poll() is not None:
            return
        self.lost[process.pid] = why
        process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(STOP_TIMEOUT)  # its sockets are closed once it is reaped

    def restart_exited(self, stop: threading.Event) -> None:
        """Start again, with the same index, every worker that exited (unless the server is
        stopping); one line on stderr each. :class:`WorkerError` when one cannot start or workers
        keep failing."""
        for index, process in enumerate(self.processes):
            code = process.poll()
            if code is None or stop.is_set():
                continue
            self.hub.leave(index, process.pid)
            why = self.lost.pop(process.pid, f"exited with code {code}")
            now = time.monotonic()
            if len(self.restarts) == RESTART_LIMIT and now - self.restarts[0] < RESTART_WINDOW:
                raise WorkerError(f"worker {index} (pid {process.pid}) {why}, and workers were restarted "
                                  f"{RESTART_LIMIT} times within {RESTART_WINDOW:g} s: giving up")
            self.restarts.append(now)
            replacement = self.processes[index] = self._spawn(index)
            _await_listening(replacement, index)
            print(f"sequrity-mock serve: worker {index} (pid {process.pid}) {why}; restarted as pid "
                  f"{replacement.pid} with the admin state of its siblings", file=sys.stderr, flush=True)

    def check_health(self, stop: threading.Event) -> None:
        """Until ``stop``: every :data:`HEALTH_INTERVAL` seconds, ask each worker's control address
        for ``/control/health``; one that gives no answer within :data:`HEALTH_TIMEOUT` is killed."""
        while not stop.wait(HEALTH_INTERVAL):
            for member in self.hub.live_members():
                try:
                    with LOOPBACK.open(member.control + HEALTH_PATH, timeout=HEALTH_TIMEOUT):
                        pass
                except urllib.error.HTTPError:
                    pass  # an answer: the worker's loop runs
                except OSError as exc:
                    if not stop.is_set():
                        self.lose(member, f"did not answer a health check within {HEALTH_TIMEOUT:g} s "
                                          f"({type(exc).__name__}): killed")


def run_workers(argv: Sequence[str], host: str, port: int, count: int, journal_file: str | None = None) -> int:
    """Run ``count`` workers of ``serve argv`` on ``host:port`` until SIGINT/SIGTERM; the exit code."""
    try:
        holder = reserve_port(host, port)
    except WorkerError as exc:
        print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    supervisor = Supervisor(argv, holder.getsockname()[1], count, journal_file)
    health = threading.Thread(target=supervisor.check_health, args=(stop,), name="workers-health", daemon=True)
    try:
        try:
            urls = supervisor.start()
        except WorkerError as exc:
            print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
            return 1
        print(f"listening on {urls[0]}", flush=True)
        print(f"workers: {count} (pids {', '.join(str(p.pid) for p in supervisor.processes)})", flush=True)
        health.start()
        while not stop.is_set():
            try:
                supervisor.restart_exited(stop)
            except WorkerError as exc:
                print(f"sequrity-mock serve: error: {exc}; stopping the others", file=sys.stderr)
                return 1
            stop.wait(0.2)
        return 0 if _stop_all(supervisor.processes) else 1
    finally:
        stop.set()
        _stop_all(supervisor.processes)
        supervisor.hub.close()
        holder.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _stop_all(processes: list[subprocess.Popen[str]]) -> bool:
    """SIGTERM every live worker and wait; True when all exited with code 0."""
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    clean = True
    for process in processes:
        try:
            code = process.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        clean = clean and code == 0
    return clean
