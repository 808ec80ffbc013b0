"""Failures as data: :class:`ClauseFailure` (title, message, dedup key, reproduction),
the structured :func:`differences` between what was expected and what was received,
the curl-like :func:`reproduction` of a request as it should be sent, and :func:`replay`, which
replays a request as the server's journal recorded it (what the client actually sent).
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..adapters.base import SequrityOptions
from ..client.body import drop_nulls
from ..client.headers import build_headers
from ..errors import ContractTestsError

__all__ = ["PLACEHOLDER_KEYS", "REPLAY_PORT", "ClauseFailure", "Difference", "differences", "not_an_adapter_error",
           "replay", "reproduction", "shorten"]

_MISSING = object()
MAX_SHOWN = 300
#: The port the printed ``sequrity-mock serve`` of a reproduction listens on.
REPLAY_PORT = 8765
#: What a replay sends for a credential the journal redacted (the mock accepts any key).
PLACEHOLDER_KEYS = {"authorization": "Bearer sq-placeholder-key", "x-api-key": "sk-placeholder-llm-key"}
#: Headers a replay leaves to curl (they describe the connection, not the request).
CONNECTION_HEADERS = frozenset({"host", "content-length", "connection", "transfer-encoding", "keep-alive", "te",
                                "upgrade", "accept-encoding"})


def shorten(value: Any, limit: int = MAX_SHOWN) -> str:
    """``value`` as compact JSON (repr when not JSON), cut to ``limit`` characters."""
    if value is _MISSING:
        return "(absent)"
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Difference:
    """One place where two JSON values differ: the JSON ``path``, the ``expected`` value
    and the ``received`` one (``(absent)`` for a missing key)."""

    path: str
    expected: Any
    received: Any

    def __str__(self) -> str:
        return f"{self.path}: expected {shorten(self.expected)}, received {shorten(self.received)}"


def not_an_adapter_error(exc: Exception, reproduction: str | None) -> ClauseFailure:
    """The failure of an adapter that raised ``exc`` where it should raise :class:`AdapterError`
    (the exception's type and its message, shortened)."""
    title = f"the adapter raised {type(exc).__name__} instead of AdapterError"
    return ClauseFailure(title, f"Received: {type(exc).__name__}: {shorten(str(exc))}", reproduction=reproduction)


def differences(expected: Any, received: Any, path: str = "$") -> list[Difference]:
    """Every path where ``received`` differs from ``expected``, depth first, keys sorted."""
    if isinstance(expected, Mapping) and isinstance(received, Mapping):
        found: list[Difference] = []
        for key in sorted(set(expected) | set(received), key=str):
            found += differences(expected.get(key, _MISSING), received.get(key, _MISSING), f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(received, list):
        found = []
        for i, (e, r) in enumerate(zip(expected, received, strict=False)):
            found += differences(e, r, f"{path}[{i}]")
            if found and len(expected) != len(received):
                break  # items after the first difference are shifted: not worth listing
        if len(expected) != len(received):
            if not found:
                shorter = min(len(expected), len(received))
                found.append(Difference(f"{path}[{shorter}]", expected[shorter] if shorter < len(expected)
                                        else _MISSING, received[shorter] if shorter < len(received) else _MISSING))
            found.append(Difference(f"{path}.length", len(expected), len(received)))
        return found
    if type(expected) is not type(received) or expected != received:
        return [Difference(path, expected, received)]
    return []


class ClauseFailure(ContractTestsError, AssertionError):
    """A client broke a clause. ``title`` names the kind of failure (the same for every
    example of it), ``message`` says what happened with "Expected … / Received …",
    ``dedup_key`` identifies it among failures of other clauses and examples, and
    ``reproduction`` is a curl command that sends what the client was asked to send
    (also attached as a note, so plain tracebacks carry it); the runner replaces it by a
    :func:`replay` of what the client actually sent when the request reached a mock server."""

    def __init__(self, title: str, message: str, *, key: str | None = None,
                 reproduction: str | None = None) -> None:
        super().__init__(f"{title}\n{message}")
        self.title = title
        self.message = message
        self.key = key if key is not None else title
        self.clause = ""
        self.reproduction = reproduction
        if reproduction:
            self.add_note(f"Reproduce with:\n    {reproduction}")

    def __reduce__(self) -> tuple[Any, ...]:
        # copy/pickle (hypothesis and xdist copy exceptions): rebuild from title and message, then the rest
        return (type(self), (self.title, self.message), dict(self.__dict__))

    @classmethod
    def from_differences(cls, title: str, found: list[Difference], *, reproduction: str | None = None,
                         limit: int = 5) -> ClauseFailure:
        """A failure listing (up to ``limit``) ``found`` differences; the first one's path
        goes into the dedup key."""
        lines = [str(d) for d in found[:limit]]
        if len(found) > limit:
            lines.append(f"… and {len(found) - limit} more difference(s)")
        first = found[0].path if found else ""
        return cls(title, "\n".join(lines), key=f"{title}@{_generic_path(first)}", reproduction=reproduction)

    @property
    def dedup_key(self) -> str:
        """``clause:key``: equal for failures that are the same bug."""
        return f"{self.clause}:{self.key}"


def _generic_path(path: str) -> str:
    """``$.messages[3].content[0]`` -> ``$.messages[].content[]`` (indexes do not make a bug distinct)."""
    out, skipping = [], False
    for char in path:
        if char == "[":
            skipping = True
            out.append("[]")
        elif char == "]":
            skipping = False
        elif not skipping:
            out.append(char)
    return "".join(out)


def reproduction(request: Mapping[str, Any], options: SequrityOptions, *, stream: bool | None = None) -> str:
    """A curl command sending ``request`` as ``options`` say (nulls dropped); the keys are
    read from ``$SEQURITY_API_KEY`` / ``$LLM_API_KEY`` rather than written out."""
    body = drop_nulls(dict(request))
    if stream is not None:
        body = {k: v for k, v in body.items() if k != "stream"}
        if stream:
            body["stream"] = True
    try:
        headers = build_headers(api_key="$SEQURITY_API_KEY",
                                llm_api_key=None if options.llm_api_key is None else "$LLM_API_KEY",
                                features=options.features, policy=options.policy, config=options.config,
                                session_id=options.session_id, custom=options.headers)
    except (TypeError, ValueError):
        headers = {"Authorization": "Bearer $SEQURITY_API_KEY", "Content-Type": "application/json"}
    parts = ["curl", "-sS", "-N", "-X", "POST", shlex.quote(options.url())]
    for name, value in headers.items():
        header = f"{name}: {value}"
        parts += ["-H", f'"{header}"' if "$" in value else shlex.quote(header)]
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    parts += ["--data-raw", shlex.quote(data)]
    return " ".join(parts)


def replay(entry: Mapping[str, Any], serve_command: str, *, port: int = REPLAY_PORT) -> str:
    """Two shell lines: ``serve_command &`` (a mock answering like the one the client talked to), then
    a curl sending the journal ``entry``'s method, path, headers and body to it. Credentials the journal
    redacted become placeholders (:data:`PLACEHOLDER_KEYS`): the command works without any key."""
    parts = ["curl", "-sS", "-N", "-X", shlex.quote(str(entry["method"])),
             shlex.quote(f"http://127.0.0.1:{port}{entry['path']}")]
    for name, value in entry.get("headers", {}).items():
        lowered = name.lower()
        if lowered in CONNECTION_HEADERS:
            continue
        if lowered in PLACEHOLDER_KEYS:
            value = PLACEHOLDER_KEYS[lowered]
        parts += ["-H", shlex.quote(f"{name}: {value}")]
    body = entry.get("body")
    if isinstance(body, str):  # a body the server refused is journalled as its text: send that text again
        parts += ["--data-raw", shlex.quote(body)]
    elif body is not None:
        parts += ["--data-raw", shlex.quote(json.dumps(body, ensure_ascii=False, separators=(",", ":")))]
    return f"{serve_command} &\n{' '.join(parts)}"
