"""Simulated timing of answers: :class:`Latency`."""

from __future__ import annotations

from dataclasses import dataclass

from ..support.checks import is_number


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
            if not is_number(value) or not 0 <= value <= 3600:
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
