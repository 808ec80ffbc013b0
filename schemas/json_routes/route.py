"""The second seam: routes of the Control API that are not LLM-message endpoints (the routes
themselves are this module's siblings).

A :class:`JsonRoute` takes one JSON body and answers one JSON document: no stream, no session, no
configuration headers (``/control/v1/validate-headers``, policy generation). It says where it lives
(its paths, with or without a provider segment), whether it asks for the bearer key, and which
documents describe its body and its answer. The server wires each registered route in one place
(``mockserver/app.py``) and answers it with the function registered under the route's name; the
OpenAPI export describes it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..endpoint import ENDPOINTS, Endpoint, UnknownEndpointError
from ..routes import PROVIDERS


@dataclass(frozen=True, eq=False)
class JsonRoute:
    """One JSON-in, JSON-out route (see the module docstring).

    ``path`` may hold ``{provider}``: the route is then served without that segment too, and with
    each of ``providers``. ``request``/``response`` name documents (:func:`~.registry.validate`).
    """

    name: str
    path: str
    request: str
    response: str
    summary: str
    auth: bool = True
    providers: tuple[str, ...] = PROVIDERS
    error: str = "error"
    """The document of the route's error answers (the same error body as the endpoints')."""

    def routes(self) -> list[tuple[str | None, str]]:
        """Every concrete route as ``(provider, path)``."""
        if "/{provider}" not in self.path:
            return [(None, self.path)]
        return [(None, self.path.replace("/{provider}", "")),
                *((provider, self.path.replace("{provider}", provider)) for provider in self.providers)]


JSON_ROUTES: dict[str, JsonRoute] = {}
"""Every registered JSON route by name, in registration order."""


def register_json_route(route: JsonRoute) -> JsonRoute:
    """Add ``route`` to :data:`JSON_ROUTES`; refuses a second route of the same name or path."""
    for known in JSON_ROUTES.values():
        if known.name == route.name or known.path == route.path:
            raise ValueError(f"JSON route {route.name!r} at {route.path}: {known.name!r} is registered already")
    if route.name in ENDPOINTS:
        raise ValueError(f"JSON route {route.name!r}: an endpoint of that name is registered already (stubs and "
                         "the journal name a route by its name, so endpoints and JSON routes share one namespace)")
    JSON_ROUTES[route.name] = route
    return route


ServedRoute = Endpoint | JsonRoute
"""Anything the server answers under a name: an LLM-message endpoint or a JSON route. Stubs, faults,
the journal, proxy, record and replay work on either."""


def get_served_route(name: str) -> ServedRoute:
    """The endpoint or JSON route called ``name``; :class:`~..endpoint.UnknownEndpointError` listing
    every name otherwise."""
    route: ServedRoute | None = (ENDPOINTS.get(name) or JSON_ROUTES.get(name)) if isinstance(name, str) else None
    if route is None:
        raise UnknownEndpointError(f"endpoint={name!r}: expected one of {', '.join([*ENDPOINTS, *JSON_ROUTES])}")
    return route
