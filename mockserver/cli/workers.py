"""``sequrity-mock serve --workers N``: N server processes sharing one port.

The supervisor reserves the port with a bound (not listening) ``SO_REUSEPORT`` socket, so
``--port 0`` resolves to one port for everyone, then starts N ``serve`` child processes that
listen on it with ``SO_REUSEPORT``: the kernel spreads incoming connections over them. Each
child knows its index (``--worker I``), which the journal entries and ``/__admin/health``
report. The supervisor prints ``listening on URL`` once every child listens, forwards
SIGINT/SIGTERM to them, and exits 0 when all of them exited 0.

Linux only (``SO_REUSEPORT`` with load balancing); elsewhere run single-worker ``serve``
processes on different ports behind a process manager or load balancer.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from ..errors import MockServerError

#: Seconds a child gets to report it listens, and to exit after SIGTERM.
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


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


def run_workers(argv: Sequence[str], host: str, port: int, count: int, journal_file: str | None = None) -> int:
    """Run ``count`` workers of ``serve argv`` on ``host:port`` until SIGINT/SIGTERM; the exit code."""
    try:
        holder = reserve_port(host, port)
    except WorkerError as exc:
        print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    processes: list[subprocess.Popen[str]] = []
    try:
        bound_port = holder.getsockname()[1]
        for index in range(count):
            processes.append(subprocess.Popen(worker_command(argv, bound_port, index, journal_file),
                                              stdout=subprocess.PIPE, text=True))
        try:
            urls = [_await_listening(p, i) for i, p in enumerate(processes)]
        except WorkerError as exc:
            print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
            return 1
        print(f"listening on {urls[0]}", flush=True)
        print(f"workers: {count} (pids {', '.join(str(p.pid) for p in processes)})", flush=True)
        while not stop.is_set():
            if any(p.poll() is not None for p in processes):
                print("sequrity-mock serve: error: a worker exited; stopping the others", file=sys.stderr)
                return 1
            stop.wait(0.2)
        return 0 if _stop_all(processes) else 1
    finally:
        _stop_all(processes)
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
