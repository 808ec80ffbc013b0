"""The mock server's settings: :class:`MockConfig`, a frozen dataclass checked on creation.

Every bad value raises :class:`ValueError` (or :class:`TypeError` for a wrong type) naming
the field as ``field=value`` and saying what would be right.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from schemas import DIALECTS

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Latency:
    """Simulated timing of answers, in seconds.

    ``first_event`` delays the first SSE event (and a non-streaming answer), ``per_event``
    separates successive events, ``jitter`` adds a seeded random 0..jitter to every delay.
    """

    first_event: float = 0.0
    per_event: float = 0.0
    jitter: float = 0.0

    def __post_init__(self) -> None:
        for name in ("first_event", "per_event", "jitter"):
            value = getattr(self, name)
            if not _is_number(value) or not 0 <= value <= 3600:
                raise ValueError(f"latency.{name}={value!r}: expected a number of seconds from 0 to 3600")

    @property
    def is_zero(self) -> bool:
        """True when no delay of any kind is configured (streams are then written in one go)."""
        return self.first_event == 0 and self.per_event == 0 and self.jitter == 0

    @classmethod
    def parse(cls, text: str) -> Latency:
        """Read ``FIRST_MS[,PER_EVENT_MS[,JITTER_MS]]`` (milliseconds), e.g. ``"200,20,5"``."""
        parts = [p.strip() for p in str(text).split(",")]
        if not 1 <= len(parts) <= 3:
            raise ValueError(f"latency={text!r}: expected FIRST_MS[,PER_EVENT_MS[,JITTER_MS]], e.g. 200,20,5")
        try:
            values = [float(p) / 1000 for p in parts]
        except ValueError:
            raise ValueError(f"latency={text!r}: expected numbers of milliseconds, e.g. 200,20,5") from None
        return cls(*values)


@dataclass(frozen=True)
class MockConfig:
    """Everything that shapes the mock server's behaviour.

    ``api_keys`` empty accepts any non-empty bearer key. ``chunk_size`` and ``json_chunk_size``
    cut streamed text and tool-input JSON into deltas of that many characters. ``journal_size``
    bounds the request journal, ``session_limit`` the session table, ``cache_size`` the
    answer/validation cache (entries keyed by body bytes).
    """

    host: str = "127.0.0.1"
    port: int = 0
    seed: int = 0
    api_keys: tuple[str, ...] = ()
    dialect: str = "sequrity"
    latency: Latency = field(default_factory=Latency)
    chunk_size: int = 16
    json_chunk_size: int = 16
    journal_size: int = 10_000
    session_limit: int = 10_000
    cache_size: int = 1_024
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or not self.host:
            raise ValueError(f"host={self.host!r}: expected a host name or address, e.g. 127.0.0.1")
        if not _is_int(self.port) or not 0 <= self.port <= 65535:
            raise ValueError(f"port={self.port!r}: expected an integer from 0 (any free port) to 65535")
        if not _is_int(self.seed):
            raise TypeError(f"seed={self.seed!r}: expected an integer")
        keys = self.api_keys
        if isinstance(keys, str) or not isinstance(keys, tuple | list | frozenset | set):
            raise TypeError(f"api_keys={keys!r}: expected a tuple of key strings")
        if any(not isinstance(k, str) or not k for k in keys):
            raise ValueError(f"api_keys={keys!r}: expected non-empty strings")
        object.__setattr__(self, "api_keys", tuple(keys))
        if self.dialect not in DIALECTS:
            raise ValueError(f"dialect={self.dialect!r}: expected one of {', '.join(DIALECTS)}")
        if isinstance(self.latency, str):
            object.__setattr__(self, "latency", Latency.parse(self.latency))
        if not isinstance(self.latency, Latency):
            raise TypeError(f"latency={self.latency!r}: expected a Latency or a string "
                            "'FIRST_MS,PER_EVENT_MS,JITTER_MS'")
        for name, low in (("chunk_size", 1), ("json_chunk_size", 1), ("journal_size", 1),
                          ("session_limit", 1), ("cache_size", 0), ("max_body_bytes", 1)):
            value = getattr(self, name)
            if not _is_int(value) or value < low:
                raise ValueError(f"{name}={value!r}: expected an integer >= {low}")

    @property
    def accepts_any_key(self) -> bool:
        """True when no ``api_keys`` are configured: any non-empty bearer key passes."""
        return not self.api_keys

    def replace(self, **overrides: Any) -> MockConfig:
        """A copy with ``overrides`` applied (and checked); unknown names raise :class:`TypeError`."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise TypeError(f"unknown MockConfig option {unknown[0]}={overrides[unknown[0]]!r}; "
                            f"expected one of: {', '.join(sorted(known))}")
        return dataclasses.replace(self, **overrides)
