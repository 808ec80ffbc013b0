"""The mock server's settings: :class:`MockConfig`, a frozen dataclass checked on creation.

Every bad value raises :class:`ValueError` (or :class:`TypeError` for a wrong type) naming
the field as ``field=value`` and saying what would be right.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sequrity_contract.schemas import DIALECTS

from .admin.exposure import check_admin_exposure
from .modes.options import check_mode_options
from .pipeline.body_deadline import DEFAULT_BODY_TIMEOUT
from .pipeline.latency import Latency
from .scripting.faults import parse_fault
from .scripting.stubs import StubError, parse_stub
from .support.checks import is_int, is_number

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
"""The longest request line and header (name and value) the server reads: room for an ``X-Policy``
holding a long SQRT policy (aiohttp's own limit is 8 190 bytes)."""
TIMEOUT_FIELDS = ("idle_timeout", "body_timeout")
"""The connection timeouts, in seconds; each is also a ``sequrity-mock serve`` option (``--idle-timeout``...),
whose help is the field's ``help`` metadata."""




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
    journal_bytes: int = 64 * 1024 * 1024
    """Request bodies the journal holds at most, in bytes: the oldest entries go first beyond it."""
    session_limit: int = 10_000
    cache_size: int = 1_024
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_body_objects: int = 100_000
    """JSON objects and arrays a request body may hold (counted as its ``{`` and ``[`` bytes, so brackets
    inside strings count too): the work a body costs grows with them; beyond it, a 413 names the limit."""
    admin_token: str | None = None
    """When set, ``/__admin`` answers 401 unless the request carries ``Authorization: Bearer <admin_token>``."""
    admin_open: bool = False
    """Leave ``/__admin`` open without ``admin_token`` on a non-loopback ``host`` (refused otherwise:
    see :mod:`sequrity_contract.mockserver.admin.exposure`)."""
    worker: int = 0
    """This process's index among ``sequrity-mock serve --workers N`` (0 for a single process)."""
    reuse_port: bool = False
    """Listen with ``SO_REUSEPORT`` so several worker processes share the port (Linux)."""
    strict: bool = False
    """Answer 404 (listing the stubs and the closest near-miss) when no stub matches, instead of synthesizing."""
    fault: dict[str, Any] | None = None
    """A fault injected into every request (see :mod:`sequrity_contract.mockserver.scripting.faults`), e.g.
    ``{"status": 503, "times": 1}``."""
    stubs: tuple[dict[str, Any], ...] = ()
    """Stub definitions registered at start (see :mod:`sequrity_contract.mockserver.scripting.stubs`); ``clear()``
    restores them."""
    mode: str = "synthesize"
    """``synthesize``, ``proxy``, ``record`` or ``replay`` (see :mod:`sequrity_contract.mockserver.modes.options`,
    which checks the mode fields: ``upstream`` to ``report``)."""
    upstream: str | None = None
    cassette: str | None = None
    record_mode: str = "once"
    on_miss: str = "error"
    replay_speed: float | str = "recorded"
    match_ignore: tuple[str, ...] = ()
    redact: tuple[str, ...] = ()
    report: str | None = None
    idle_timeout: float = field(default=75.0, metadata={"help": (
        "seconds a connection may go without a complete request head (idle between requests, or headers "
        "trickling in); then it is closed")})
    body_timeout: float = field(default=DEFAULT_BODY_TIMEOUT, metadata={"help": (
        "seconds a request body may take to arrive once the head is in (a slow body, or a Content-Length "
        "longer than the body); then 408")})

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or not self.host:
            raise ValueError(f"host={self.host!r}: expected a host name or address, e.g. 127.0.0.1")
        if not is_int(self.port) or not 0 <= self.port <= 65535:
            raise ValueError(f"port={self.port!r}: expected an integer from 0 (any free port) to 65535")
        if not is_int(self.seed):
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
        for name, low in (("chunk_size", 1), ("json_chunk_size", 1), ("journal_size", 1), ("journal_bytes", 1),
                          ("session_limit", 1), ("cache_size", 0), ("max_body_bytes", 1),
                          ("max_body_objects", 1)):
            value = getattr(self, name)
            if not is_int(value) or value < low:
                raise ValueError(f"{name}={value!r}: expected an integer >= {low}")
        if self.admin_token is not None and (not isinstance(self.admin_token, str) or not self.admin_token.strip()):
            raise ValueError("admin_token: expected None or a non-empty string")
        if not isinstance(self.admin_open, bool):
            raise TypeError(f"admin_open={self.admin_open!r}: expected True or False")
        check_admin_exposure(self.host, self.admin_token, self.admin_open)
        if not is_int(self.worker) or self.worker < 0:
            raise ValueError(f"worker={self.worker!r}: expected an integer >= 0")
        if not isinstance(self.reuse_port, bool):
            raise TypeError(f"reuse_port={self.reuse_port!r}: expected True or False")
        for name in TIMEOUT_FIELDS:
            value = getattr(self, name)
            if not is_number(value) or not 0 < value < float("inf"):
                raise ValueError(f"{name}={value!r}: expected a number of seconds > 0, e.g. 30")
            object.__setattr__(self, name, float(value))
        self._check_scripting()
        for name, value in check_mode_options(self).items():
            object.__setattr__(self, name, value)

    def _check_scripting(self) -> None:
        """Check ``strict``, ``fault`` and ``stubs`` (errors name the field and the JSON path)."""
        if not isinstance(self.strict, bool):
            raise TypeError(f"strict={self.strict!r}: expected True or False")
        if self.fault is not None:
            object.__setattr__(self, "fault", parse_fault(self.fault, "fault").as_dict())
        if isinstance(self.stubs, dict) or not isinstance(self.stubs, tuple | list):
            raise TypeError(f"stubs={self.stubs!r:.80}: expected a tuple of stub definitions (dicts)")
        ids: set[str] = set()
        for index, definition in enumerate(self.stubs):
            try:
                stub = parse_stub(definition, default_id=f"stub-{index}")
            except StubError as exc:
                raise ValueError(f"stubs[{index}]: {exc}") from None
            if stub.id in ids:
                raise ValueError(f"stubs[{index}]: $.id: expected a unique id, got {stub.id!r} twice")
            ids.add(stub.id)
        object.__setattr__(self, "stubs", tuple(self.stubs))

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
