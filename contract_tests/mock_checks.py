"""Opt-in checks after a test (or a hypothesis example), in the style of pytest-httpserver and respx:
``@pytest.mark.sequrity_mock(assert_all_called=True, assert_all_matched=True)``.

- ``assert_all_called``: every stub registered during the test answered at least one request;
- ``assert_all_matched``: every request that reached stub matching was answered by a stub: none
  fell through to the synthesizer and none got the strict-mode 404 (``MockConfig(strict=True)``),
  which an application may have caught and hidden.

The checks run only when the test itself passed, so they never hide the test's own failure; a
failed check fails the test (an :class:`MockExpectationError`) with a message naming the uncalled
stubs or the unmatched requests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from .errors import ContractTestsError

if TYPE_CHECKING:
    from sequrity_contract.mockserver import MockServer

__all__ = ["MOCK_MARKER", "MOCK_MARKER_HELP", "MockChecks", "MockExpectationError", "MockMarkerError",
           "failure", "parse_mock_marker", "problems", "stub_baseline", "verify"]

MOCK_MARKER = "sequrity_mock"
_KEYWORDS = ("assert_all_called", "assert_all_matched")
MOCK_MARKER_HELP = (
    f"{MOCK_MARKER}(assert_all_called=False, assert_all_matched=False): after the test passes, fail it when a stub "
    "registered during the test was never called, or when a request was answered by no stub"
)
"""The ``markers`` ini line (what ``pytest --markers`` shows)."""
LISTED = 10
"""Uncalled stubs or unmatched requests a failure lists (the rest are counted)."""


class MockMarkerError(ContractTestsError, ValueError):
    """A ``sequrity_mock`` marker used wrongly; the message names the argument."""


class MockExpectationError(ContractTestsError, AssertionError):
    """A check failed: a stub was never called, or a request matched no stub."""


@dataclass(frozen=True)
class MockChecks:
    """Which checks run after the test."""

    assert_all_called: bool = False
    assert_all_matched: bool = False

    def __bool__(self) -> bool:
        return self.assert_all_called or self.assert_all_matched


def parse_mock_marker(mark: pytest.Mark) -> MockChecks:
    """The checks ``mark`` asks for; :class:`MockMarkerError` naming the argument when it is wrong."""
    shown = ", ".join([repr(a) for a in mark.args] + [f"{k}={v!r}" for k, v in mark.kwargs.items()])
    call = f"{MOCK_MARKER}({shown})"
    if mark.args:
        raise MockMarkerError(f"{call}: expected keyword arguments only ({', '.join(f'{k}=True' for k in _KEYWORDS)})")
    for name, value in mark.kwargs.items():
        if name not in _KEYWORDS:
            raise MockMarkerError(f"{call}: unknown keyword argument {name}={value!r}; expected {', '.join(_KEYWORDS)}")
        if not isinstance(value, bool):
            raise MockMarkerError(f"{call}: {name}={value!r}: expected True or False")
    return MockChecks(**mark.kwargs)


def _identity(stub: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in stub.items() if k != "calls"}, sort_keys=True, default=str)


def stub_baseline(server: MockServer) -> frozenset[str]:
    """The stubs registered before the test (the configured ones): the checks leave them out."""
    return frozenset(_identity(stub) for stub in server.stubs)


def _listed(items: list[str]) -> str:
    more = f"; and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return "; ".join(items[:LISTED]) + more


def problems(server: MockServer, checks: MockChecks, baseline: frozenset[str] = frozenset()) -> list[str]:
    """What the checks found wrong on ``server`` (empty: nothing)."""
    from sequrity_contract.mockserver.scripting.stub_store import NO_STUB_MATCHES
    from sequrity_contract.mockserver.scripting.stubs import redact_match

    found: list[str] = []
    if checks.assert_all_called:
        uncalled = [f"{s['id']!r} match={json.dumps(redact_match(s.get('match', {})))}"
                    for s in server.stubs if s["calls"] == 0 and _identity(s) not in baseline]
        if uncalled:
            found.append(f"assert_all_called: {len(uncalled)} stub(s) registered during the test were never called: "
                         f"{_listed(uncalled)}")
    if checks.assert_all_matched:
        unmatched = []
        for entry in server.requests:
            status, error = entry["status"], entry["error"] or ""
            if entry["endpoint"] is None or entry["stub"] is not None or status is None:
                continue
            if status < 400:
                body = entry["body"] if isinstance(entry["body"], dict) else {}
                unmatched.append(f"#{entry['seq']} {entry['method']} {entry['path']} (model "
                                 f"{body.get('model')!r}): answered {status} by the synthesizer")
            elif status == 404 and error.startswith(NO_STUB_MATCHES):
                unmatched.append(f"#{entry['seq']} {entry['method']} {entry['path']}: 404 {error}")
        if unmatched:
            found.append(f"assert_all_matched: {len(unmatched)} request(s) were answered by no stub: "
                         f"{_listed(unmatched)}")
    return found


def failure(server: MockServer, checks: MockChecks, baseline: frozenset[str] = frozenset()) -> str | None:
    """The failure message for what :func:`problems` finds, or None when the checks pass."""
    found = problems(server, checks, baseline) if checks else []
    return f"{MOCK_MARKER}: " + "\n".join(found) if found else None


def verify(server: MockServer, checks: MockChecks, baseline: frozenset[str] = frozenset()) -> None:
    """Raise :class:`MockExpectationError` with the :func:`failure` message when a check fails."""
    message = failure(server, checks, baseline)
    if message is not None:
        raise MockExpectationError(message)
