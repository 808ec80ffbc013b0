"""Bearer authentication (docs/contract.md §2): ``Authorization: Bearer <sequrity key>``."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import hdrs

from ..errors import ApiError

_EXPECTED = "expected 'Authorization: Bearer <sequrity api key>'"


def _describe(scheme: str, key: str) -> str:
    """What a refused ``Authorization`` value was, without echoing anything that may be a credential."""
    if not key:
        return "the scheme 'Bearer' without a key" if scheme.lower() == "bearer" else "a value without a scheme"
    if scheme.isascii() and scheme.isalpha() and len(scheme) <= 16:
        return f"the scheme {scheme!r}"
    return "an unknown scheme"


def bearer_key(headers: Mapping[str, str], accepted: tuple[str, ...]) -> str:
    """The request's Sequrity key; raises a 401 :class:`ApiError` when it is missing,
    malformed or (when ``accepted`` is not empty) not one of ``accepted``."""
    value = headers.get(hdrs.AUTHORIZATION)
    if value is None:
        raise ApiError(401, f"Authorization header missing: {_EXPECTED}")
    scheme, _, key = value.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise ApiError(401, f"Authorization header: {_EXPECTED}, got {_describe(scheme, key)}")
    if accepted and key not in accepted:
        raise ApiError(401, "Authorization header: the bearer key is not one of the server's --api-key keys")
    return key


class Authenticator:
    """:func:`bearer_key` for one server, remembering the ``Authorization`` values it let pass (up to
    ``remember``), so that a client's repeated value is checked by one set lookup."""

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
