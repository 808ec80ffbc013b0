"""Small helpers the clauses share: calling the adapter so that an unexpected
:class:`AdapterError` becomes a :class:`ClauseFailure`, reading the journal, and
comparing headers case-insensitively."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..adapters.base import AdapterError, SequrityOptions, StreamResult
from .environment import ConformanceEnv
from .failures import ClauseFailure, differences, not_an_adapter_error, reproduction

__all__ = ["call_adapter", "compare", "header", "last_entry"]


async def call_adapter(env: ConformanceEnv, request: dict[str, Any], options: SequrityOptions, *,
                       stream: bool) -> dict[str, Any] | StreamResult:
    """``adapter.stream`` or ``adapter.send``; an :class:`AdapterError` (or any exception)
    is a failure: the exchange was valid and the server answered it."""
    try:
        if stream:
            return await env.adapter.stream(request, options)
        return await env.adapter.send(request, options)
    except AdapterError as exc:
        title = f"the client raised an error ({exc.kind}) for a valid exchange"
        raise ClauseFailure(title, f"Received: {exc}", key=f"{title}:{exc.status}",
                            reproduction=reproduction(request, options, stream=stream)) from exc
    except Exception as exc:
        raise not_an_adapter_error(exc, reproduction(request, options, stream=stream)) from exc


def last_entry(env: ConformanceEnv, dialect: str = "sequrity", *, request: dict[str, Any] | None = None,
               options: SequrityOptions | None = None) -> dict[str, Any]:
    """The newest journal entry of the ``dialect`` server (a failure when there is none)."""
    entries = env.server(dialect).requests
    if not entries:
        repro = reproduction(request, options) if request is not None and options is not None else None
        raise ClauseFailure("the request never reached the server", "The server's journal is empty.",
                            reproduction=repro)
    return entries[-1]


def header(headers: Mapping[str, str], name: str) -> str | None:
    """The value of header ``name`` (any case) in ``headers``, or None."""
    lowered = name.lower()
    for key, value in headers.items():
        if key.lower() == lowered:
            return value
    return None


def compare(title: str, expected: Any, received: Any, *, repro: str | None) -> None:
    """Raise a :class:`ClauseFailure` listing the differences when ``received != expected``."""
    found = differences(expected, received)
    if found:
        raise ClauseFailure.from_differences(title, found, reproduction=repro)


def json_header(value: str) -> Any:
    """A JSON header's value parsed (None when it is not JSON)."""
    try:
        return json.loads(value)
    except ValueError:
        return None
