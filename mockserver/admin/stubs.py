"""The admin API of stubs and the server-wide fault.

- ``POST /__admin/stubs``: register a stub (or a list of stubs) -> 201 with the stub(s) and ids;
- ``GET /__admin/stubs``: every stub, oldest first, each with its ``calls`` count;
- ``DELETE /__admin/stubs``: unregister every stub;
- ``GET``/``DELETE /__admin/stubs/{id}``: one stub (404 when unknown);
- ``GET``/``PUT``/``DELETE /__admin/fault``: the server-wide fault.

A bad definition gets a 400 whose message names the JSON path (``stub: $.match.model: ...``).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..errors import ApiError, bad_request
from ..pipeline.fallbacks import method_not_allowed
from ..scripting.faults import Fault, FaultError, parse_fault
from ..scripting.stubs import Stub, StubError, parse_stub
from ..state import STATE
from .body import parsed_off_loop


def _listed(request: web.Request, stub: Stub) -> dict[str, Any]:
    return {**stub.as_dict(), "calls": request.config_dict[STATE].scripting.stubs.calls(stub.id)}


def _parse_stubs(body: Any) -> tuple[bool, list[Stub]]:
    """Whether ``body`` is a list, and its stubs; a 400 naming the stub and JSON path of the first bad one."""
    definitions = body if isinstance(body, list) else [body]
    stubs: list[Stub] = []
    for index, definition in enumerate(definitions):
        try:
            stubs.append(parse_stub(definition))
        except StubError as exc:
            raise bad_request(f"{exc}" if not isinstance(body, list) else f"[{index}]: {exc}") from None
    return isinstance(body, list), stubs


async def add_stubs(request: web.Request) -> web.Response:
    """``POST /__admin/stubs``: one definition or a list of them (all checked, off the event loop,
    before any is added)."""
    is_list, stubs = await parsed_off_loop(request, _parse_stubs)
    scripting = request.config_dict[STATE].scripting
    for stub in stubs:
        scripting.add_stub(stub)
    listed = [_listed(request, s) for s in stubs]
    return web.json_response(listed if is_list else listed[0], status=201)


async def list_stubs(request: web.Request) -> web.Response:
    """``GET /__admin/stubs``."""
    return web.json_response([_listed(request, s) for s in request.config_dict[STATE].scripting.stubs.all()])


async def remove_stubs(request: web.Request) -> web.Response:
    """``DELETE /__admin/stubs``."""
    scripting = request.config_dict[STATE].scripting
    count = len(scripting.stubs)
    scripting.clear_stubs()
    return web.json_response({"removed": count})


def _stub_or_404(request: web.Request) -> Stub:
    stub_id = request.match_info["stub_id"]
    stub = request.config_dict[STATE].scripting.stubs.get(stub_id)
    if stub is None:
        known = ", ".join(repr(s.id) for s in request.config_dict[STATE].scripting.stubs.all()) or "none"
        raise ApiError(404, f"no stub with id {stub_id!r}; registered: {known}")
    return stub


async def get_stub(request: web.Request) -> web.Response:
    """``GET /__admin/stubs/{id}``."""
    return web.json_response(_listed(request, _stub_or_404(request)))


async def remove_stub(request: web.Request) -> web.Response:
    """``DELETE /__admin/stubs/{id}``."""
    stub = _stub_or_404(request)
    request.config_dict[STATE].scripting.remove_stub(stub.id)
    return web.json_response({"removed": 1})


async def get_fault(request: web.Request) -> web.Response:
    """``GET /__admin/fault``: ``{"fault": spec or null}``."""
    fault = request.config_dict[STATE].scripting.server_fault
    return web.json_response({"fault": fault.as_dict() if fault else None})


def _parse_fault(body: Any) -> Fault:
    try:
        return parse_fault(body, "fault")
    except FaultError as exc:
        raise bad_request(str(exc)) from None


async def put_fault(request: web.Request) -> web.Response:
    """``PUT /__admin/fault``: the body is the new server-wide fault."""
    fault = await parsed_off_loop(request, _parse_fault)
    request.config_dict[STATE].scripting.set_fault(fault)
    return web.json_response({"fault": fault.as_dict()})


async def remove_fault(request: web.Request) -> web.Response:
    """``DELETE /__admin/fault``."""
    request.config_dict[STATE].scripting.set_fault(None)
    return web.json_response({"fault": None})


def add_stub_routes(admin: web.Application) -> None:
    """Register the stub and fault routes on the ``admin`` sub-application."""
    for path, methods in (("/stubs", {"POST": add_stubs, "GET": list_stubs, "DELETE": remove_stubs}),
                          ("/stubs/{stub_id}", {"GET": get_stub, "DELETE": remove_stub}),
                          ("/fault", {"GET": get_fault, "PUT": put_fault, "DELETE": remove_fault})):
        resource = admin.router.add_resource(path)
        for method, handler in methods.items():
            resource.add_route(method, handler)
        resource.add_route("*", method_not_allowed(", ".join(methods)))
