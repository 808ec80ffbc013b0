"""The request headers of the contract (docs/contract.md §2): the two keys, the three JSON
configuration headers, the session and the caller's own headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sequrity_contract.schemas import one_line_json

__all__ = ["HeaderValue", "build_headers", "one_line_json"]

HeaderValue = Mapping[str, Any] | str
"""A configuration header: an object (sent as one-line JSON) or a ready JSON string (sent as is)."""

CONFIG_HEADER_ARGUMENTS = (("features", "X-Features"), ("policy", "X-Policy"), ("config", "X-Config"))
"""The client arguments that carry the configuration headers, and the header each one fills."""


def _check_value(argument: str, value: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{argument}={value!r}: expected a string")
    if "\r" in value or "\n" in value:
        raise ValueError(f"{argument}={value!r}: a header value must be one line (no CR or LF)")
    return value


def _json_header(argument: str, value: HeaderValue) -> str:
    if isinstance(value, str):
        return _check_value(argument, value)
    if not isinstance(value, Mapping):
        raise TypeError(f"{argument}={value!r}: expected a dict (sent as one-line JSON) or a JSON string")
    try:
        return one_line_json(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{argument}={value!r}: not JSON-serialisable ({exc})") from None


def build_headers(
    *,
    api_key: str,
    llm_api_key: str | None = None,
    features: HeaderValue | None = None,
    policy: HeaderValue | None = None,
    config: HeaderValue | None = None,
    session_id: str | None = None,
    custom: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The headers of one request. ``Authorization: Bearer <api_key>`` and
    ``Content-Type`` always; ``X-Api-Key``, ``X-Features``, ``X-Policy``, ``X-Config`` and
    ``X-Session-ID`` when given; then ``custom``, which wins over any of them."""
    if not api_key:
        raise ValueError(f"api_key={api_key!r}: expected the Sequrity key (sent as Authorization: Bearer)")
    headers = {
        "Authorization": f"Bearer {_check_value('api_key', api_key)}",
        "Content-Type": "application/json",
    }
    if llm_api_key is not None:
        headers["X-Api-Key"] = _check_value("llm_api_key", llm_api_key)
    for (argument, name), value in zip(CONFIG_HEADER_ARGUMENTS, (features, policy, config), strict=True):
        if value is not None:
            headers[name] = _json_header(argument, value)
    if session_id is not None:
        headers["X-Session-ID"] = _check_value("session_id", session_id)
    for name, value in (custom or {}).items():
        _check_value(f"headers[{name!r}]", value)
        if not isinstance(name, str) or not name or any(c in name for c in " :\r\n"):
            raise ValueError(f"headers: invalid header name {name!r}")
        for existing in [k for k in headers if k.lower() == name.lower()]:
            del headers[existing]
        headers[name] = value
    return headers
