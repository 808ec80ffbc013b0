"""The answers of requests no route serves: 404 saying which part of the path is unknown, 405 with
``Allow``. Both are journalled, like every answer of the API's paths."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from sequrity_contract.schemas import ENDPOINTS, JSON_ROUTES

from ..errors import ApiError
from ..state import STATE
from .journal import JournalEntry

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def answer_error(entry: JournalEntry, error: ApiError) -> web.Response:
    """Journal ``error`` as the answer of ``entry`` and return its response."""
    entry.status = error.status
    entry.error = error.message
    return error.response()


def method_not_allowed(allowed: str) -> Handler:
    """A handler answering 405 (with ``Allow``) for every method but ``allowed``."""

    async def refuse(request: web.Request) -> web.Response:
        entry = request.config_dict[STATE].journal.record(request)
        error = ApiError(405, f"method {request.method} is not allowed on {request.path}: expected {allowed}",
                         headers={"Allow": allowed})
        return answer_error(entry, error)

    return refuse


async def not_found(request: web.Request) -> web.Response:
    """Any unknown path: 404 saying which part of the path is unknown."""
    entry = request.config_dict[STATE].journal.record(request)
    return answer_error(entry, ApiError(404, _why_not_found(request.path)))


def _why_not_found(path: str) -> str:
    """Which part of ``path`` is unknown, for a 404: the endpoint type, the provider, or the whole
    path."""
    served = {endpoint.path: endpoint for endpoint in ENDPOINTS.values()}
    for endpoint_path, endpoint in served.items():
        if path.startswith("/control/") and path.endswith(endpoint_path):
            middle = path[len("/control/"):-len(endpoint_path)].split("/")
            endpoint_type, rest = middle[0], middle[1:]
            if endpoint_type not in endpoint.endpoint_types:
                return (f"unknown endpoint type {endpoint_type!r} in {path}: expected one of "
                        f"{', '.join(endpoint.endpoint_types)}")
            if len(rest) == 1 and rest[0] not in endpoint.providers:
                return (f"unknown provider {rest[0]!r} in {path}: expected one of {', '.join(endpoint.providers)} "
                        "or none")
            break
    for route in JSON_ROUTES.values():
        head, _, tail = route.path.partition("/{provider}")
        if tail and path.startswith(head + "/") and path.endswith(tail):
            provider = path[len(head) + 1:-len(tail)]
            if "/" not in provider and provider not in route.providers:
                return (f"unknown provider {provider!r} in {path}: expected one of {', '.join(route.providers)} "
                        "or none")
    json_routes = (route.path.replace("/{provider}", "[/{provider}]") for route in JSON_ROUTES.values())
    expected = ", ".join([*(f"POST /control/{{endpoint_type}}[/{{provider}}]{p}" for p in served),
                          *(f"POST {route_path}" for route_path in json_routes)])
    return f"no route {path}: expected {expected}, GET /control/health or /__admin/..."
