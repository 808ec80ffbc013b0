"""When to retry and how long to wait: a :class:`RetryPolicy` is pure arithmetic over
the attempt number and the response headers, so it is tested without sleeping."""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

__all__ = ["RetryPolicy", "parse_retry_after"]


def parse_retry_after(headers: Mapping[str, str], now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asks us to wait: ``retry-after-ms`` (milliseconds), else
    ``retry-after`` as seconds or as an HTTP date; ``None`` when absent or unreadable."""
    lowered = {k.lower(): v for k, v in headers.items()}
    millis = lowered.get("retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000
            if math.isfinite(value):
                return max(value, 0.0)
        except ValueError:
            pass
    text = lowered.get("retry-after")
    if text is None:
        return None
    try:
        value = float(text)
        return max(value, 0.0) if math.isfinite(value) else None
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(when.timestamp() - now(), 0.0)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry 429, 529 and other 5xx answers and connection failures up to
    ``max_retries`` times. The wait honours ``retry-after`` when it is at most
    ``max_retry_after`` seconds; otherwise it is ``initial_delay * 2**attempt`` capped
    at ``max_delay``, shortened by up to ``jitter`` (a fraction) at random."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        retries = self.max_retries
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise ValueError(f"max_retries={self.max_retries!r}: expected an integer >= 0")
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
                raise ValueError(f"{name}={value!r}: expected a finite number of seconds >= 0")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter={self.jitter!r}: expected a fraction in [0, 1]")

    @staticmethod
    def retryable_status(status: int) -> bool:
        """Whether an answer with ``status`` is worth retrying (429, 529 and other 5xx)."""
        return status == 429 or status >= 500

    def delay(self, attempt: int, headers: Mapping[str, str] | None = None,
              rand: Callable[[], float] = random.random) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
        asked = parse_retry_after(headers or {})
        if asked is not None and asked <= self.max_retry_after:
            return asked
        backoff = min(self.initial_delay * 2.0 ** attempt, self.max_delay)
        return backoff * (1 - self.jitter * rand())
