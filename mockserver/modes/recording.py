"""Turning a proxied :class:`~sequrity_contract.mockserver.modes.proxy.Exchange` into a cassette interaction.

Only exchanges that pass are recorded: relayed completely, no contract violation on either
side, and a status below 500 (server failures are transient; a valid 4xx error is recorded
and replays as that error). Secrets are redacted on the way (see :mod:`sequrity_contract.mockserver.modes.cassette`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .cassette import RESPONSE_HEADERS, filtered_headers, recorded_request, utc_now
from .matching import PathPart
from .proxy import Exchange


def is_recordable(exchange: Exchange) -> bool:
    """True when ``exchange`` passed and its status is below 500."""
    return exchange.passes and exchange.status < 500


def interaction(exchange: Exchange, redact: Iterable[Sequence[PathPart]] = ()) -> dict[str, Any]:
    """The cassette form of ``exchange`` (``redact``: body paths written as ``<redacted>``)."""
    response: dict[str, Any] = {"status": exchange.status,
                                "headers": filtered_headers(exchange.response_headers, RESPONSE_HEADERS),
                                "at": round(exchange.at, 6)}
    if exchange.events is not None:
        response["events"] = [{"at": round(at, 6), "event": event} for at, event in exchange.events]
    else:
        response["body"] = exchange.response_body
    return {"request": recorded_request(exchange.method, exchange.path, exchange.headers, exchange.body, redact),
            "response": response, "recorded_at": utc_now()}
