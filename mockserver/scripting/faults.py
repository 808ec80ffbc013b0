"""Fault injection: the vocabulary, parsing and validation of fault specs, and the seeded
decision whether a fault fires.

A fault spec is a JSON object (the ``X-Mock-Fault`` header, a stub's ``fault``, the
server's ``--fault``), e.g. ``{"status": 429, "retry_after": 1, "times": 2}`` or
``{"disconnect_after_events": 3}``. :func:`parse_fault` checks it field by field and
raises :class:`FaultError` naming the JSON path; :class:`FaultLedger` decides whether the
next request gets it (``times``, seeded ``probability``), counting every request (``"scope":
"global"``, the default) or each session's own (``"scope": "session"``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from multidict import istr

from sequrity_contract.schemas.violations import short_repr

from ..errors import MockServerError
from ..support.cache import BoundedCache
from ..support.checks import Check, boolean, int_at_least, is_int, number_between, text
from ..support.strict_json import InvalidJson, loads_strict
from .limits import check_json_shape
from .stream_faults import STREAM_FAULTS

#: HTTP statuses a ``status`` fault may answer with (docs/contract.md §8 plus 502/503).
FAULT_STATUSES = (400, 401, 403, 404, 413, 429, 500, 502, 503, 529)
#: Longest delay a latency field accepts, in milliseconds (ten minutes).
MAX_DELAY_MS = 600_000
#: Faults that decide how a request ends; a spec may carry at most one of them.
OUTCOMES = ("status", "reset_before_headers", "empty_response", "headers_then_silence",
            *(kind.name for kind in STREAM_FAULTS.values() if kind.outcome))
#: Faults that only exist for streaming requests.
STREAM_ONLY = frozenset({*STREAM_FAULTS, "delay_between_events_ms"})
#: What ``times``, ``probability`` and a sequence stub's steps count over: every request, or each session its own.
COUNTER_SCOPES = ("global", "session")
#: The scope of a counter whose definition names none (as WireMock's scenarios and aimock's faults count).
DEFAULT_COUNTER_SCOPE = "global"
#: Fields that shape when or how a fault fires but inject nothing by themselves.
MODIFIERS = ("times", "probability", "scope", "key", "retry_after", "message")
#: Where a header fault comes from.
FAULT_HEADER = istr("X-Mock-Fault")


class FaultError(MockServerError, ValueError):
    """A fault spec that is not valid; the message names the place and what was expected."""


def _status(value: Any) -> str | None:
    return None if is_int(value) and value in FAULT_STATUSES else \
        f"one of {', '.join(map(str, FAULT_STATUSES))}"


_MS = number_between(0, MAX_DELAY_MS, " of milliseconds")


def counter_scope(value: Any) -> str | None:
    """Check a ``scope`` field: one of :data:`COUNTER_SCOPES` (None when it is one)."""
    return None if isinstance(value, str) and value in COUNTER_SCOPES else \
        " or ".join(f'"{scope}"' for scope in COUNTER_SCOPES)

#: Every field of the vocabulary: its check and what it does (stream faults from :mod:`.stream_faults`).
FIELDS: dict[str, tuple[Check, str]] = {
    "status": (_status, "answer with this HTTP status and the contract error body"),
    "retry_after": (number_between(0, 3600, " of seconds"),
                    "with status: send retry-after (seconds, rounded up) and retry-after-ms"),
    "message": (text, "with status or error_event: the error message"),
    "times": (int_at_least(1), "fire on the first N matching requests (counted as scope says), then pass"),
    "probability": (number_between(0, 1), "fire with this seeded probability"),
    "scope": (counter_scope, f"what times and probability count: {' or '.join(COUNTER_SCOPES)} "
                             f"(default {DEFAULT_COUNTER_SCOPE}): global counts every request, session "
                             "counts each session's requests on their own"),
    "key": (text, "a label that gives the fault its own counters (e.g. the test's name)"),
    "delay_headers_ms": (_MS, "wait before sending the response headers"),
    "delay_first_event_ms": (_MS, "wait before the first event (or the JSON body)"),
    "delay_between_events_ms": (_MS, "wait between events"),
    "jitter_ms": (_MS, "add a seeded random 0..jitter_ms to every delay"),
    **{kind.name: (kind.check, kind.description) for kind in STREAM_FAULTS.values()},
    "reset_before_headers": (boolean, "reset the connection (TCP RST) before any byte"),
    "empty_response": (boolean, "close the connection without sending a byte"),
    "headers_then_silence": (boolean, "send 200 and the headers, then nothing"),
}


@dataclass(frozen=True)
class Fault:
    """A validated fault spec. ``spec`` is the JSON object as given (canonical key order)."""

    spec: Mapping[str, Any]
    identity: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "identity", json.dumps(self.spec, sort_keys=True, separators=(",", ":")))

    def get(self, name: str, default: Any = None) -> Any:
        """The value of field ``name`` (``default`` when absent or false)."""
        value = self.spec.get(name)
        return default if value is None or value is False else value

    def effects(self, stream: bool) -> list[str]:
        """The fields that inject something into a request (streaming or not), in vocabulary order."""
        return [name for name in FIELDS
                if name not in MODIFIERS and self.get(name) is not None and (stream or name not in STREAM_ONLY)]

    @property
    def outcome(self) -> str | None:
        """The field deciding how the request ends, if any (see :data:`OUTCOMES`)."""
        return next((name for name in OUTCOMES if self.get(name) is not None), None)

    def as_dict(self) -> dict[str, Any]:
        """The spec as a JSON-ready dict."""
        return dict(self.spec)


def parse_fault(value: Any, where: str, path: str = "$") -> Fault:
    """``value`` checked as a fault spec; :class:`FaultError` names ``where`` and the JSON path."""
    if isinstance(value, Fault):
        return value
    if not isinstance(value, Mapping):
        raise FaultError(f"{where}: {path}: expected a JSON object of fault fields, e.g. "
                         f'{{"status": 429, "times": 2}}, got {short_repr(value)}')
    too_deep = check_json_shape(value, path)
    if too_deep is not None:
        raise FaultError(f"{where}: {too_deep}")
    for name, item in value.items():
        if name not in FIELDS:
            raise FaultError(f"{where}: {path}.{name}: unknown fault field; expected one of "
                             f"{', '.join(FIELDS)}")
        expected = FIELDS[name][0](item)
        if expected is not None:
            raise FaultError(f"{where}: {path}.{name}: expected {expected}, got {short_repr(item)}")
    fault = Fault({name: value[name] for name in FIELDS if name in value})
    outcomes = [name for name in OUTCOMES if fault.get(name) is not None]
    if len(outcomes) > 1:
        raise FaultError(f"{where}: {path}: fields {outcomes[0]} and {outcomes[1]} cannot be combined: a "
                         f"request ends one way; keep one of {', '.join(OUTCOMES)}")
    if not fault.effects(stream=True):
        raise FaultError(f"{where}: {path}: expected at least one fault field besides "
                         f"{', '.join(MODIFIERS)}, e.g. {{\"status\": 429}} or {{\"disconnect_after_events\": 3}}")
    for name, needs in (("retry_after", ("status",)), ("message", ("status", "error_event")),
                        ("scope", ("times", "probability"))):
        if name in fault.spec and not any(fault.get(n) is not None for n in needs):
            raise FaultError(f"{where}: {path}.{name}: only applies together with {' or '.join(needs)}")
    return fault


def parse_fault_header(text: str) -> Fault:
    """The ``X-Mock-Fault`` header's fault; :class:`FaultError` naming the header when invalid."""
    where = f"{FAULT_HEADER} header"
    try:
        value = loads_strict(text)
    except InvalidJson as exc:
        raise FaultError(f"{where}: expected a JSON object, e.g. {{\"status\": 429}}, got {exc.got}") from None
    return parse_fault(value, where)


@dataclass(frozen=True)
class Injection:
    """A fault that fires on one request: what, from where, and the seeded random source."""

    fault: Fault
    source: str
    attempt: int
    effects: tuple[str, ...]
    rng: random.Random

    def delay(self, name: str) -> float:
        """The delay of latency field ``name`` in seconds, seeded jitter included (0 when not set)."""
        base: float = self.fault.get(name, 0)
        jitter: float = self.fault.get("jitter_ms", 0)
        if not base and not jitter:
            return 0.0
        return (base + (self.rng.uniform(0, jitter) if jitter else 0.0)) / 1000

    def record(self) -> dict[str, Any]:
        """The journal's note of this injection."""
        return {"source": self.source, "fault": self.fault.as_dict(), "attempt": self.attempt,
                "injected": list(self.effects)}


class FaultLedger:
    """Counts, per (source, fault) and, for a fault with ``"scope": "session"``, per session, the
    requests seen and the faults fired; decides the next.

    A global fault (the default scope) has one counter for every request. A session-scoped one
    counts each session the request names (header or history) on its own; requests naming none
    share one counter per fault. Decisions depend only on the seed and counts.
    """

    def __init__(self, seed: int, size: int = 10_000) -> None:
        self.seed = seed
        self.size = size
        self._counts: dict[str, BoundedCache[tuple[str | None, str], list[int]]] = {}

    def decide(self, fault: Fault, source: str, session: str | None, stream: bool) -> Injection | None:
        """The injection for the next request with ``fault`` (in the session the request names, or None),
        or None when it does not fire."""
        effects = tuple(fault.effects(stream))
        if not effects:
            return None
        counters = self._counts.get(source) or self._counts.setdefault(source, BoundedCache(self.size))
        scope = session if fault.get("scope", DEFAULT_COUNTER_SCOPE) == "session" else None
        key = (scope, fault.identity)
        counts = counters.get(key) or counters.put(key, [0, 0])
        seen, fired = counts
        counts[0] += 1
        times = fault.get("times")
        if times is not None and fired >= times:
            return None
        rng = random.Random(f"fault:{self.seed}:{source}:{fault.identity}:{scope}:{seen}")
        probability = fault.get("probability")
        if probability is not None and not rng.random() < probability:
            return None
        counts[1] += 1
        return Injection(fault, source, seen + 1, effects, rng)

    def forget(self, source: str) -> None:
        """Forget the counts of the faults from ``source`` (a stub or the server fault was replaced)."""
        self._counts.pop(source, None)

    def clear(self) -> None:
        """Forget every count."""
        self._counts.clear()
