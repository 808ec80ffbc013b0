"""Bearer authentication (CONTRACT.md §2): ``Authorization: Bearer <sequrity key>``."""

from __future__ import annotations

from collections.abc import Mapping

from .errors import ApiError

_EXPECTED = "expected 'Authorization: Bearer <sequrity api key>'"


def bearer_key(headers: Mapping[str, str], accepted: tuple[str, ...]) -> str:
    """The request's Sequrity key; raises a 401 :class:`ApiError` when it is missing,
    malformed or (when ``accepted`` is not empty) not one of ``accepted``."""
    value = headers.get("Authorization")
    if value is None:
        raise ApiError(401, f"Authorization header missing: {_EXPECTED}")
    scheme, _, key = value.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        shown = scheme if scheme.lower() != "bearer" else value.strip()
        raise ApiError(401, f"Authorization header: {_EXPECTED}, got {shown[:20]!r}...")
    if accepted and key not in accepted:
        raise ApiError(401, "Authorization header: the bearer key is not one of the server's --api-key keys")
    return key
