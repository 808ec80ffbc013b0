"""Reading a request: body size, JSON, and validation of the body (against its endpoint's request
document) and of the ``X-Features``/``X-Policy``/``X-Config`` headers (:func:`sequrity_contract.schemas.check`).

Results are cached by the exact bytes (body) or header text, so a repeated request costs
a dictionary lookup. Every failure is a 4xx :class:`~sequrity_contract.mockserver.errors.ApiError` whose
message names the offending JSON path or header and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import hdrs, web
from aiohttp.web_protocol import RequestPayloadError

from sequrity_contract import schemas
from sequrity_contract.schemas import Endpoint, JsonRoute

from ..errors import ApiError, MockServerError, bad_request
from ..support.cache import BoundedCache
from ..support.strict_json import InvalidJson, loads_strict
from .body_deadline import within_body_timeout

#: Bodies larger than this are validated every time rather than cached.
MAX_CACHED_BODY = 64 * 1024
#: Bodies larger than this are parsed, validated and answered in a worker thread, so that the event
#: loop keeps serving other requests meanwhile (Python code there yields the loop its turns).
HEAVY_BODY_BYTES = 256 * 1024


def parse_json(data: bytes | str, what: str) -> Any:
    """``data`` parsed as strict JSON (see :func:`~sequrity_contract.mockserver.support.strict_json.loads_strict`);
    a 400 naming ``what`` otherwise."""
    try:
        return loads_strict(data)
    except InvalidJson as exc:
        raise bad_request(f"{what}: {exc}") from None


@dataclass(frozen=True)
class ValidBody:
    """A request body that satisfies the contract, with what the pipeline derives from it."""

    body: dict[str, Any]
    stream: bool
    session_from_history: str | None
    starts_turn: bool


def check_content_type(headers: Mapping[str, str]) -> None:
    """A 400 when ``Content-Type`` is present and not JSON (``application/json``, ``*/*+json``);
    an absent one is tolerated."""
    value = headers.get(hdrs.CONTENT_TYPE)
    if value is None or value == "application/json":
        return
    media = value.split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise bad_request(f"Content-Type header: expected application/json, got {media[:60]!r} "
                          "(send the body as JSON with 'Content-Type: application/json')")


def _too_large(request: web.Request, limit: int) -> ApiError:
    """The 413 for a body over ``limit`` bytes (naming its declared ``Content-Length``, if any)."""
    length = request.content_length
    if length is not None and length > limit:
        return ApiError(413, f"request body of {length} bytes: expected at most {limit} bytes")
    return ApiError(413, f"request body: expected at most {limit} bytes")


class ClientGone(MockServerError):
    """The client closed its connection before it had sent the whole body (no answer can reach it)."""


def _undecodable(request: web.Request, exc: Exception) -> ApiError:
    """The 400 for a body its ``Content-Encoding`` cannot decode (aiohttp decodes gzip, deflate, br).
    The rest of the body is given up (marked ended), so the server does not read it again after
    answering and log the same decoding error as unhandled."""
    request.content.feed_eof()
    encoding = request.headers.get(hdrs.CONTENT_ENCODING, "")
    return bad_request(f"request body: expected {encoding[:40]!r} data as its Content-Encoding header says, "
                       f"but it does not decode ({str(exc).strip().splitlines()[-1].strip()[:120]}); "
                       "send the body as it is or compressed with a valid encoder")


def buffered_body(request: web.Request, limit: int) -> bytes | None:
    """The raw body when all of it has arrived already (the common case: a small request in one
    segment), taken without waiting; None when more is to come (then use :func:`read_body`, which
    refuses a declared ``Content-Length`` over the limit before waiting for the body). A 413 when
    it is larger than ``limit`` bytes. The body is taken once: a later ``request.read()`` gets
    nothing, so only the pipeline's last reader may use this."""
    content = request.content
    if not content.is_eof():
        return None
    try:
        raw = content.read_nowait()
    except RequestPayloadError as exc:
        raise _undecodable(request, exc) from None
    if len(raw) > limit:
        raise _too_large(request, limit)
    return raw


async def read_body(request: web.Request, limit: int) -> bytes:
    """The raw body, waiting for all of it (kept by the request: later reads get it again); a 413
    when it is larger than ``limit`` bytes (a declared ``Content-Length`` is refused before waiting);
    a 400 when its ``Content-Encoding`` does not decode; :class:`ClientGone` when the client leaves
    before the body is complete."""
    length = request.content_length
    if length is not None and length > limit:
        raise _too_large(request, limit)
    try:
        return await within_body_timeout(request, request.read())
    except web.HTTPRequestEntityTooLarge:
        raise _too_large(request, limit) from None
    except RequestPayloadError as exc:
        raise _undecodable(request, exc) from None
    except (ConnectionResetError, ConnectionAbortedError) as exc:
        raise ClientGone(f"the client left while sending the body ({exc})") from None


def check_objects(raw: bytes, limit: int) -> None:
    """A 413 when ``raw`` holds more than ``limit`` JSON objects and arrays (its ``{`` and ``[`` bytes)."""
    count = raw.count(b"{") + raw.count(b"[")
    if count > limit:
        raise ApiError(413, f"request body: {count} JSON objects and arrays (counted as its '{{' and '[' bytes): "
                            f"expected at most {limit}, the server's max_body_objects")


def json_route_body(raw: bytes, max_objects: int) -> Any:
    """The body of a request to a JSON route, parsed: a 413 past ``max_objects`` objects and arrays,
    a 400 "Invalid JSON" naming the place when it does not parse (checked next by :func:`check_json_route_body`)."""
    if len(raw) > max_objects:  # a smaller body cannot hold more
        check_objects(raw, max_objects)
    try:
        return loads_strict(raw)
    except InvalidJson as exc:
        raise bad_request(f"request body: Invalid JSON: {exc}") from None


def check_json_route_body(route: JsonRoute, body: Any) -> dict[str, Any]:
    """``body`` when it is valid against ``route``'s request document; else a 400 naming the JSON path."""
    violations = schemas.validate(route.request, body, from_json=True)
    if violations:
        raise bad_request(f"request body: {violations[0].message}")
    valid: dict[str, Any] = body
    return valid


class BodyIntake:
    """Parses and validates the request bodies of one endpoint, caching the verdicts."""

    def __init__(self, endpoint: Endpoint, cache_size: int) -> None:
        self.endpoint = endpoint
        self._bodies: BoundedCache[bytes, ValidBody | ApiError] = BoundedCache(cache_size)

    def body(self, raw: bytes) -> ValidBody:
        """The validated body of ``raw``; raises a 400 :class:`ApiError` naming the first offence."""
        verdict = self._bodies.get(raw)
        if verdict is None:
            verdict = self._check_body(raw)
            if len(raw) <= MAX_CACHED_BODY:
                self._bodies.put(raw, verdict)
        if isinstance(verdict, ApiError):
            raise verdict.with_traceback(None)
        return verdict

    def _check_body(self, raw: bytes) -> ValidBody | ApiError:
        try:
            body = parse_json(raw, "request body")
        except ApiError as error:
            return error
        endpoint = self.endpoint
        violations = schemas.check(endpoint.request, body, from_json=True)
        if violations:
            return bad_request(f"request body: {violations[0].message}")
        return ValidBody(body, body.get("stream") is True, endpoint.session_from_history(body),
                         endpoint.starts_turn(body))

    def clear(self) -> None:
        """Forget every cached verdict."""
        self._bodies.clear()


class Intake:
    """Parses and validates bodies (one :class:`BodyIntake` per endpoint) and configuration headers,
    caching the verdicts."""

    def __init__(self, cache_size: int) -> None:
        self._cache_size = cache_size
        self._endpoints: dict[str, BodyIntake] = {}
        self._headers: BoundedCache[tuple[str, str], dict[str, Any] | ApiError] = BoundedCache(cache_size)

    def of(self, endpoint: Endpoint) -> BodyIntake:
        """The body intake of ``endpoint``."""
        intake = self._endpoints.get(endpoint.name)
        if intake is None:
            intake = self._endpoints[endpoint.name] = BodyIntake(endpoint, self._cache_size)
        return intake

    def headers(self, values: tuple[str | None, str | None, str | None]
                ) -> tuple[dict[str, Any] | None, dict[str, Any] | None, dict[str, Any] | None]:
        """The parsed ``X-Features``, ``X-Policy`` and ``X-Config`` headers from their raw ``values``."""
        features, policy, config = values
        if features is None and policy is None and config is None:
            return None, None, None
        return (self.header("X-Features", features), self.header("X-Policy", policy),
                self.header("X-Config", config))

    def header(self, name: str, value: str | None) -> dict[str, Any] | None:
        """The parsed configuration header ``name`` (None when absent); a 400 naming it when invalid."""
        if value is None:
            return None
        verdict = self._headers.get((name, value))
        if verdict is None:
            verdict = self._headers.put((name, value), self._check_header(name, value))
        if isinstance(verdict, ApiError):
            raise verdict.with_traceback(None)
        return verdict

    @staticmethod
    def _check_header(name: str, value: str) -> dict[str, Any] | ApiError:
        try:
            parsed: dict[str, Any] = parse_json(value, f"{name} header")
        except ApiError as error:
            return error
        violations = schemas.check(schemas.HEADER_DOCUMENTS[name], parsed, from_json=True)
        if violations:
            return bad_request(f"{name} header: {violations[0].message}")
        return parsed

    def clear(self) -> None:
        """Forget every cached verdict."""
        for intake in self._endpoints.values():
            intake.clear()
        self._headers.clear()
