"""Bearer authentication (docs/contract.md §2): ``Authorization: Bearer <sequrity key>``."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from aiohttp import hdrs

from ..errors import ApiError

_EXPECTED = "expected 'Authorization: Bearer <sequrity api key>'"


#: Authentication schemes a refusal may name (the IANA registry's); any other first word may be a key.
KNOWN_SCHEMES = ("Basic", "Bearer", "Digest", "DPoP", "HOBA", "Mutual", "Negotiate", "NTLM", "OAuth",
                 "PrivateToken", "SCRAM-SHA-1", "SCRAM-SHA-256", "Token", "vapid", "AWS4-HMAC-SHA256")
_KNOWN = {scheme.lower(): scheme for scheme in KNOWN_SCHEMES}


def describe_authorization(value: str) -> str:
    """What a refused ``Authorization`` value is, echoing nothing of it but a known scheme's name
    (a value without a space may be a bare key: none of it is kept)."""
    scheme, _, key = value.partition(" ")
    if not key.strip():
        return "the scheme 'Bearer' without a key" if scheme.lower() == "bearer" else "a value without a scheme"
    known = _KNOWN.get(scheme.lower())
    return f"the scheme {known!r}" if known else "an unknown scheme"


def _as_bytes(text: str) -> bytes:
    """``text`` as the bytes it came as (aiohttp keeps undecodable header bytes as surrogates)."""
    return text.encode("utf-8", "surrogateescape")


def is_accepted(key: str, accepted: tuple[str, ...]) -> bool:
    """Whether ``key`` is one of ``accepted``, compared in constant time with every one of them (no
    early exit, so the time taken says nothing about which key, or how much of one, matched)."""
    given = _as_bytes(key)
    found = False
    for candidate in accepted:
        found |= hmac.compare_digest(given, _as_bytes(candidate))
    return found


def bearer_key(headers: Mapping[str, str], accepted: tuple[str, ...]) -> str:
    """The request's Sequrity key; raises a 401 :class:`ApiError` when it is missing,
    malformed or (when ``accepted`` is not empty) not one of ``accepted``."""
    value = headers.get(hdrs.AUTHORIZATION)
    if value is None:
        raise ApiError(401, f"Authorization header missing: {_EXPECTED}")
    scheme, _, key = value.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise ApiError(401, f"Authorization header: {_EXPECTED}, got {describe_authorization(value)}")
    if accepted and not is_accepted(key, accepted):
        raise ApiError(401, "Authorization header: the bearer key is not one of the server's --api-key keys")
    return key


class Authenticator:
    """:func:`bearer_key` for one server, remembering the ``Authorization`` values it let pass (up to
    ``remember``), so that a client's repeated value is checked by one set lookup.

    The lookup is not constant-time, and need not be: the set holds only values that already passed
    the constant-time check, and a lookup hashes the whole given value (with the process's secret
    hash seed) before comparing it to an entry of equal hash, so its timing tells a client nothing
    about a key it does not already have."""

    def __init__(self, accepted: tuple[str, ...], remember: int = 64) -> None:
        self.accepted = accepted
        self.remember = remember
        self._passed: set[str] = set()

    def check(self, headers: Mapping[str, str]) -> None:
        """Raise the 401 :class:`ApiError` of :func:`bearer_key` unless ``headers`` authenticate."""
        value = headers.get(hdrs.AUTHORIZATION)
        if value in self._passed:
            return
        bearer_key(headers, self.accepted)
        if len(self._passed) < self.remember:
            self._passed.add(value)  # type: ignore[arg-type]  # bearer_key refuses a missing value
