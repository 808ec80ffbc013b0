"""The worker's side of ``serve --workers N``: one admin state on every worker.

Every worker is a full server with its own state, so an admin write (any ``/__admin`` request
that is not ``GET``/``HEAD``/``OPTIONS``: stubs, the server-wide fault, ``DELETE`` of the journal
or of the violation report) has to reach every worker before its caller hears 2xx. The path:

1. The worker that accepts the write on the public port checks the admin token (the
   ``admin_token`` middleware runs first), gives id-less stub definitions their id (so every
   worker registers the same id), refuses what cannot be shared (:func:`unshareable`), and hands
   the write to its supervisor's hub (:mod:`sequrity_contract.mockserver.cli.hub`).
2. The hub, holding one lock for every write, sends it to every live worker's *control address*
   in index order, the accepting worker included, and answers with the first worker's answer; a
   refused write (4xx) stops at the first worker, as every worker would refuse it alike. Writes
   are thus applied in one order everywhere.
3. A write arriving on the control address is applied and never forwarded again (no loops).

The control address is a second listener of the same application on ``127.0.0.1`` (a random
port, never the public one); admin requests on it must carry the supervisor's random per-run
secret (:data:`SECRET_HEADER`) and, as anywhere, the admin token: without the secret they get 403.

A worker joins the hub before it listens anywhere (:func:`join_workers`): under the hub's lock,
the hub reads the stubs and the fault of a live sibling, registers the new worker, and the worker
installs that state; writes after that wait in the kernel's queue of its control address until
it serves. So a restarted worker starts with the current admin state, and no request after a 2xx
admin answer meets a worker without it. Reads stay per worker: the journal, the sessions, the
violation report, stub ``calls`` and fault counters belong to the worker that served the request.

Each worker also ends with its supervisor: ``prctl(PR_SET_PDEATHSIG, SIGTERM)`` and, as a
fallback, a poll of ``os.getppid()`` every :data:`PARENT_POLL` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import hmac
import json
import os
import signal
import socket
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from ..errors import ApiError
from ..pipeline.fallbacks import Handler
from ..scripting.engine import Scripting
from ..scripting.faults import parse_fault
from ..scripting.stubs import StubError, parse_stub
from ..state import STATE

LINK_ENV = "SEQURITY_MOCK_WORKER_LINK"
"""The environment variable through which the supervisor gives a worker its hub's URL, the
per-run secret and its own pid (JSON); the worker removes it from its environment."""
SECRET_HEADER = "X-Sequrity-Worker-Secret"
"""The header that carries the per-run secret on the control addresses and the hub."""
METHOD_HEADER = "X-Sequrity-Write-Method"
PATH_HEADER = "X-Sequrity-Write-Path"
"""Method and path (with query) of an admin write handed to the hub."""
JOIN_PATH = "/join"
WRITE_PATH = "/write"
"""The hub's two routes."""
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Admin requests that stay on the worker that took them; every other method is a write."""
PASSED_HEADERS = ("Authorization", "Content-Type")
"""The headers of an admin write that travel with it to every worker (the admin token included:
each worker checks it, so forwarding keeps the token's meaning)."""
HUB_TIMEOUT = 30.0
"""Seconds a worker waits for the hub to confirm a write (or a join)."""
PARENT_POLL = 1.0
"""Seconds between two checks that the supervisor is still the worker's parent."""
PR_SET_PDEATHSIG = 1


@dataclass
class Replica:
    """A worker's link to its siblings: the hub, the secret and its control listener."""

    hub: str
    secret: str
    control: socket.socket
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    @property
    def control_port(self) -> int:
        """The port of the control address."""
        return int(self.control.getsockname()[1])

    def on_control_address(self, request: web.Request) -> bool:
        """Whether ``request`` came in on the control address."""
        sockname = request.transport.get_extra_info("sockname") if request.transport else None
        return sockname is not None and bool(sockname) and sockname[1] == self.control_port

    def trusts(self, request: web.Request) -> bool:
        """Whether ``request`` carries the per-run secret (compared in constant time)."""
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), self.secret.encode())

    async def serve_control(self, runner: web.AppRunner) -> None:
        """Serve the application on the control address too (call it before the public site starts)."""
        await web.SockSite(runner, self.control).start()

    async def replicate(self, request: web.Request, body: bytes) -> web.Response:
        """Hand the write to the hub; its answer is the first worker's answer."""
        headers = {SECRET_HEADER: self.secret, METHOD_HEADER: request.method, PATH_HEADER: request.path_qs}
        headers.update({name: request.headers[name] for name in PASSED_HEADERS if name in request.headers})
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HUB_TIMEOUT)) as session, \
                    session.post(self.hub + WRITE_PATH, data=body, headers=headers) as answer:
                passed = {name: answer.headers[name] for name in ("Allow",) if name in answer.headers}
                return web.Response(status=answer.status, body=await answer.read(), headers=passed,
                                    content_type=answer.content_type)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return ApiError(503, f"{request.method} {request.path}: the supervisor of 'serve --workers' did not "
                                 f"confirm the write to every worker within {HUB_TIMEOUT:g} s "
                                 f"({type(exc).__name__}); read the state back before relying on it").response()


REPLICA: web.AppKey[Replica] = web.AppKey("sequrity_mock_replica", Replica)
"""Where a worker of ``serve --workers`` keeps its :class:`Replica` (absent otherwise)."""


@web.middleware
async def replicate_writes(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The admin middleware of a worker: admin writes taken on the public port go to every worker
    through the hub; writes on the control address need the secret and are applied here only."""
    replica = request.config_dict.get(REPLICA)
    if replica is None:
        return await handler(request)
    if replica.on_control_address(request):
        if not replica.trusts(request):
            return ApiError(403, f"{request.path}: this is a worker's control address of 'serve --workers'; it takes "
                                 "admin requests from the supervisor only (use the server's public port)").response()
        return await handler(request)
    if request.method in READ_METHODS:
        return await handler(request)
    try:
        body = same_everywhere(request.method, request.path, await request.read())
    except ApiError as error:
        return error.response()
    return await replica.replicate(request, body)


def same_everywhere(method: str, path: str, body: bytes) -> bytes:
    """``body`` of an admin write as every worker must apply it: stub definitions get their id here.
    An :class:`ApiError` for what cannot be shared; a body that is not JSON passes unchanged (the
    first worker refuses it with the usual 400)."""
    if method not in ("POST", "PUT") or not body:
        return body
    try:
        document = json.loads(body)
    except ValueError:
        return body
    reason = unshareable(path, document)
    if reason:
        raise ApiError(400, reason)
    if path.endswith("/stubs") and method == "POST":
        definitions = document if isinstance(document, list) else [document]
        named = [_with_id(definition) for definition in definitions]
        return json.dumps(named if isinstance(document, list) else named[0]).encode()
    return body


def _with_id(definition: Any) -> Any:
    if not isinstance(definition, dict) or "id" in definition:
        return definition
    try:
        return {"id": parse_stub(definition).id, **definition}  # the id parse_stub would have given it
    except StubError:
        return definition  # the first worker answers the 400 naming the path


def unshareable(path: str, document: Any) -> str | None:
    """Why an admin write cannot mean the same with several workers, or None. Counters are per
    worker: a ``sequence`` stub would advance per worker, a fault's ``times`` would fire up to
    N × times."""
    why = ("with 'serve --workers' every worker counts the requests it serves, so {what}; "
           "use a single-worker server for counted behaviour")
    if path.endswith("/fault"):
        if isinstance(document, dict) and "times" in document:
            return f"fault: $.times: {why.format(what='times would fire once per worker')}"
        return None
    if not path.endswith("/stubs"):
        return None
    definitions = document if isinstance(document, list) else [document]
    for index, definition in enumerate(definitions):
        where = f"[{index}]: " if isinstance(document, list) else ""
        if isinstance(definition, dict) and "sequence" in definition:
            return f"stub: {where}$.sequence: {why.format(what='a session would step through it once per worker')}"
        if isinstance(definition, dict) and isinstance(definition.get("fault"), dict) \
                and "times" in definition["fault"]:
            return f"stub: {where}$.fault.times: {why.format(what='times would fire once per worker')}"
    return None


def install_state(scripting: Scripting, snapshot: dict[str, Any]) -> None:
    """Make ``scripting`` hold a sibling's stubs (in its order) and server-wide fault."""
    scripting.clear_stubs()
    for listed in snapshot["stubs"]:
        scripting.add_stub(parse_stub({k: v for k, v in listed.items() if k != "calls"}))
    fault = snapshot["fault"]
    scripting.set_fault(parse_fault(fault, "fault") if fault is not None else None)


async def join_workers(app: web.Application) -> Replica | None:
    """In a worker of ``serve --workers`` (the supervisor set :data:`LINK_ENV`): bind the control
    address, join the hub, install the current admin state and keep :data:`REPLICA` on ``app``.
    None in any other server. Call it before the application starts."""
    link_text = os.environ.pop(LINK_ENV, None)
    if link_text is None:
        return None
    link = json.loads(link_text)
    state = app[STATE]
    control = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    control.bind(("127.0.0.1", 0))
    control.listen(128)  # writes sent before this worker serves wait in the queue, in order
    replica = Replica(link["hub"], link["secret"], control)
    replica.tasks.add(asyncio.get_running_loop().create_task(follow_supervisor(int(link["supervisor"]))))
    headers = {SECRET_HEADER: replica.secret}
    if state.config.admin_token is not None:
        headers["Authorization"] = f"Bearer {state.config.admin_token}"
    joining = {"index": state.config.worker, "pid": os.getpid(), "control": f"http://127.0.0.1:{replica.control_port}"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=HUB_TIMEOUT)) as session, \
            session.post(replica.hub + JOIN_PATH, json=joining, headers=headers) as answer:
        answer.raise_for_status()
        snapshot = await answer.json()
    if snapshot is not None:
        install_state(state.scripting, snapshot)
    app[REPLICA] = replica
    return replica


async def follow_supervisor(supervisor: int) -> None:
    """End this worker (SIGTERM to itself: a clean stop) when its supervisor is gone: the kernel
    sends it on the parent's death (``PR_SET_PDEATHSIG``, Linux); the poll covers the rest."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    while os.getppid() == supervisor:
        await asyncio.sleep(PARENT_POLL)
    os.kill(os.getpid(), signal.SIGTERM)
