"""Reading a messages request: body size, JSON, and validation of the body and the
``X-Features``/``X-Policy``/``X-Config`` headers against the contract (:func:`schemas.check`).

Results are cached by the exact bytes (body) or header text, so a repeated request costs
a dictionary lookup. Every failure is a 4xx :class:`~mockserver.errors.ApiError` whose
message names the offending JSON path or header and what was expected.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web

import schemas

from .cache import BoundedCache
from .errors import ApiError, bad_request
from .sessions import session_from_history, starts_turn

#: Configuration headers and the schema document each must satisfy.
CONFIG_HEADERS = {"X-Features": "x-features", "X-Policy": "x-policy", "X-Config": "x-config"}
#: Bodies larger than this are validated every time rather than cached.
MAX_CACHED_BODY = 64 * 1024


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


#: A ``\\uD800``-``\\uDFFF`` escape: a UTF-16 surrogate, valid Unicode only as a proper pair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_ESCAPE_BYTES = re.compile(_SURROGATE_ESCAPE.pattern.encode())


def parse_json(data: bytes | str, what: str) -> Any:
    """``data`` parsed as strict JSON (no NaN/Infinity, no lone surrogate escapes); a 400 naming
    ``what`` otherwise."""
    try:
        value = json.loads(data, parse_constant=_reject_constant)
    except RecursionError:
        raise bad_request(f"{what}: expected JSON nested less deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise bad_request(f"{what}: expected valid JSON, got a parse error: {exc}") from None
    escapes = _SURROGATE_ESCAPE.search(data) if isinstance(data, str) else _SURROGATE_ESCAPE_BYTES.search(data)
    if escapes:
        try:
            json.dumps(value, ensure_ascii=False).encode()
        except UnicodeEncodeError as exc:
            raise bad_request(f"{what}: expected valid Unicode, got a lone UTF-16 surrogate escape "
                              f"({exc.object[exc.start]!r}); send surrogates only as high+low pairs") from None
    return value


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
    value = headers.get("Content-Type")
    if value is None:
        return
    media = value.split(";", 1)[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        raise bad_request(f"Content-Type header: expected application/json, got {media[:60]!r} "
                          "(send the body as JSON with 'Content-Type: application/json')")


async def read_body(request: web.Request, limit: int) -> bytes:
    """The raw body; a 413 when it is larger than ``limit`` bytes."""
    length = request.content_length
    if length is not None and length > limit:
        raise ApiError(413, f"request body of {length} bytes: expected at most {limit} bytes")
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, f"request body: expected at most {limit} bytes") from None


class Intake:
    """Parses and validates bodies and configuration headers, caching the verdicts."""

    def __init__(self, cache_size: int) -> None:
        self._bodies: BoundedCache[bytes, ValidBody | ApiError] = BoundedCache(cache_size)
        self._headers: BoundedCache[tuple[str, str], dict[str, Any] | ApiError] = BoundedCache(cache_size)

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

    @staticmethod
    def _check_body(raw: bytes) -> ValidBody | ApiError:
        try:
            body = parse_json(raw, "request body")
        except ApiError as error:
            return error
        violations = schemas.check("request", body)
        if violations:
            return bad_request(f"request body: {violations[0].message}")
        return ValidBody(body, body.get("stream") is True, session_from_history(body), starts_turn(body))

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
            parsed = parse_json(value, f"{name} header")
        except ApiError as error:
            return error
        violations = schemas.check(CONFIG_HEADERS[name], parsed)
        if violations:
            return bad_request(f"{name} header: {violations[0].message}")
        return parsed

    def clear(self) -> None:
        """Forget every cached verdict."""
        self._bodies.clear()
        self._headers.clear()
