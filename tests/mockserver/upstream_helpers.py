"""Upstreams for the proxy, record and replay tests: a second real ``sequrity-mock serve``
process, and small aiohttp apps served on a free loopback port."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

from aiohttp import web

SERVE = [sys.executable, "-m", "sequrity_contract", "serve"]


@dataclass
class UpstreamProcess:
    """A ``sequrity-mock serve --port 0`` process and the URL its first line printed."""

    process: subprocess.Popen[str]
    url: str

    def stop(self) -> None:
        """SIGTERM, and wait for the exit."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_serve(*args: str) -> UpstreamProcess:
    """Start ``sequrity-mock serve --port 0 ARGS`` and read its ``listening on URL`` line."""
    process = subprocess.Popen([*SERVE, "--port", "0", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    line = process.stdout.readline() if process.stdout else ""
    if not line.startswith("listening on "):
        process.kill()
        errors = process.stderr.read() if process.stderr else ""
        raise RuntimeError(f"sequrity-mock serve did not start: {line!r} {errors}")
    return UpstreamProcess(process, line.split()[-1])


@contextlib.contextmanager
def upstream_process(*args: str) -> Iterator[UpstreamProcess]:
    """A synthesizing upstream process for the duration of the block."""
    upstream = start_serve(*args)
    try:
        yield upstream
    finally:
        upstream.stop()


@contextlib.asynccontextmanager
async def serve_app(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on a free loopback port on the running loop; yields its base URL."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
