"""The supervisor's hub of ``serve --workers N``: one order for every admin write, on every worker.

A small HTTP server on ``127.0.0.1`` (a random port) in the supervisor process; every request
must carry the per-run secret. Two routes (the worker's side is
:mod:`sequrity_contract.mockserver.admin.replication`):

- ``POST /join``: a starting worker names its index, pid and control address; the hub, under its
  lock, reads the stubs and the server-wide fault of a live sibling (one that does not answer is
  dropped and handed to ``on_lost``, as below), adds the worker to the members and answers that
  state (``null`` when no sibling is left: the configured state stands).
- ``POST /write``: an admin write (method and path in headers, the body as is); the hub, under its
  lock, sends it to every member in index order and answers with the first member's answer. A
  member that does not answer within :data:`MEMBER_TIMEOUT` is dropped and handed to
  ``on_lost`` (the supervisor kills and restarts it; it joins again with the current state).

The lock makes writes and joins one sequence: every worker applies the same writes in the same
order, and a joining worker gets a state no write is missing from.
"""

from __future__ import annotations

import hmac
import json
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ..admin.app import PREFIX as ADMIN_PREFIX
from ..admin.replication import JOIN_PATH, METHOD_HEADER, PASSED_HEADERS, PATH_HEADER, SECRET_HEADER, WRITE_PATH
from ..errors import error_body

MEMBER_TIMEOUT = 5.0
"""Seconds a worker gets to answer one replicated write (or the hub's read of its state)."""

LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""An opener that ignores ``http_proxy``: the hub talks to loopback addresses only."""


@dataclass(frozen=True)
class Member:
    """A worker that joined: its index, pid and control address."""

    index: int
    pid: int
    control: str


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, content type, body and the ``Allow`` header if any."""

    status: int
    content_type: str
    body: bytes
    allow: str | None = None


def error_answer(status: int, message: str) -> Answer:
    """The contract's error answer."""
    return Answer(status, "application/json", json.dumps(error_body(status, message)).encode())


def _send(url: str, method: str, body: bytes | None, headers: dict[str, str]) -> Answer:
    """One request to a worker; an error status is an answer, not an exception (:class:`OSError` on
    no answer within :data:`MEMBER_TIMEOUT`)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with LOOPBACK.open(request, timeout=MEMBER_TIMEOUT) as answer:
            return Answer(answer.status, answer.headers.get("Content-Type", ""), answer.read(),
                          answer.headers.get("Allow"))
    except urllib.error.HTTPError as refused:
        return Answer(refused.code, refused.headers.get("Content-Type", ""), refused.read(),
                      refused.headers.get("Allow"))


class Hub:
    """The hub: members by index, one lock, and ``on_lost(member, why)`` for a worker that stopped answering."""

    def __init__(self, secret: str, on_lost: Callable[[Member, str], None]) -> None:
        self.secret = secret
        self.on_lost = on_lost
        self.members: dict[int, Member] = {}
        self.lock = threading.Lock()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hub._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # no access log on the supervisor's stderr

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="workers-hub", daemon=True)

    @property
    def url(self) -> str:
        """The hub's base URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        """Serve on a background thread."""
        self._thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()

    def leave(self, index: int, pid: int) -> None:
        """Forget worker ``index`` if it is the process ``pid`` (it exited)."""
        with self.lock:
            if index in self.members and self.members[index].pid == pid:
                del self.members[index]

    def live_members(self) -> list[Member]:
        """The members now, in index order."""
        with self.lock:
            return [self.members[i] for i in sorted(self.members)]

    def _serve(self, exchange: BaseHTTPRequestHandler) -> None:
        if not hmac.compare_digest(exchange.headers.get(SECRET_HEADER, "").encode(), self.secret.encode()):
            exchange.close_connection = True  # nothing of a stranger's body is read
            self._reply(exchange, error_answer(403, "the hub of 'serve --workers' serves its workers only"))
            return
        body = exchange.rfile.read(int(exchange.headers.get("Content-Length") or 0))
        if exchange.path == JOIN_PATH:
            try:
                answer = self.join(json.loads(body), exchange.headers.get("Authorization"))
            except (ValueError, KeyError, TypeError) as exc:
                answer = error_answer(400, f"join: expected {{index, pid, control}}: {exc}")
        elif exchange.path == WRITE_PATH and METHOD_HEADER in exchange.headers and PATH_HEADER in exchange.headers:
            passed = {name: exchange.headers[name] for name in PASSED_HEADERS if name in exchange.headers}
            answer = self.write(exchange.headers[METHOD_HEADER], exchange.headers[PATH_HEADER], body, passed)
        else:
            answer = error_answer(404, f"no hub route {exchange.path}")
        self._reply(exchange, answer)

    @staticmethod
    def _reply(exchange: BaseHTTPRequestHandler, answer: Answer) -> None:
        exchange.send_response(answer.status)
        exchange.send_header("Content-Type", answer.content_type or "application/octet-stream")
        exchange.send_header("Content-Length", str(len(answer.body)))
        if answer.allow:
            exchange.send_header("Allow", answer.allow)
        exchange.end_headers()
        exchange.wfile.write(answer.body)

    def _headers(self, authorization: str | None) -> dict[str, str]:
        return {SECRET_HEADER: self.secret, **({"Authorization": authorization} if authorization else {})}

    def join(self, joining: dict[str, Any], authorization: str | None) -> Answer:
        """Add a worker, answering the admin state of the first sibling that gives it (or ``null``)."""
        member = Member(int(joining["index"]), int(joining["pid"]), str(joining["control"]))
        with self.lock:
            snapshot = None
            for sibling in [m for i, m in sorted(self.members.items()) if i != member.index]:
                try:
                    stubs = _send(sibling.control + ADMIN_PREFIX + "/stubs", "GET", None, self._headers(authorization))
                    fault = _send(sibling.control + ADMIN_PREFIX + "/fault", "GET", None, self._headers(authorization))
                except OSError as exc:  # a sibling that cannot tell its state goes, so no worker differs
                    del self.members[sibling.index]
                    self.on_lost(sibling, f"did not answer within {MEMBER_TIMEOUT:g} s while worker {member.index} "
                                          f"joined ({type(exc).__name__}): killed")
                    continue
                if stubs.status == 200 and fault.status == 200:
                    snapshot = {"stubs": json.loads(stubs.body), "fault": json.loads(fault.body)["fault"]}
                    break
            self.members[member.index] = member
        return Answer(200, "application/json", json.dumps(snapshot).encode())

    def write(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        """Apply an admin write on every member in index order; the first member's answer."""
        with self.lock:
            first: Answer | None = None
            for member in [self.members[i] for i in sorted(self.members)]:
                try:
                    answer = _send(member.control + path, method, body, {**headers, SECRET_HEADER: self.secret})
                except OSError as exc:
                    del self.members[member.index]
                    self.on_lost(member, f"did not answer an admin write within {MEMBER_TIMEOUT:g} s "
                                         f"({type(exc).__name__}): killed")
                    continue
                if first is None:
                    first = answer
                    if answer.status >= 300:
                        break  # every worker holds the same state and would refuse it alike
                elif answer.status != first.status:
                    print(f"sequrity-mock serve: worker {member.index} answered {method} {path} with "
                          f"{answer.status}, the first worker with {first.status}", file=sys.stderr)
        if first is None:
            return error_answer(503, f"{method} {path}: no worker of 'serve --workers' is serving; try again")
        return first
