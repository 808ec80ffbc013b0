"""What a cassette may hold, checked field by field when it is loaded and before an exchange is
recorded, so that every interaction a cassette holds can be replayed as written.

- the document: ``{"version": 1, "interactions": [...], "redacted_paths": [...]}`` (only these keys),
  nested at most :data:`~sequrity_contract.mockserver.support.json_nesting.MAX_NESTING` levels deep;
- an interaction: ``request``, ``response``, optionally ``recorded_at`` (a string);
- a request: ``method`` (an HTTP token), ``path`` (starting with ``/``, no spaces or control
  characters), optionally ``headers`` and ``body`` (any JSON);
- a response: ``status`` (an integer from 200 to 599: an interim 1xx status carries no answer to
  replay; 204, 205 and 304 only with the empty body ``""``), optionally ``headers`` and ``at``, and
  either ``body`` (any JSON; a string is sent as its bytes) or ``events`` (a list of ``{"at": seconds,
  "event": {...}}``; an event of an endpoint that names its events, such as messages, has a ``type``);
- headers: an object of HTTP token names and string values without control characters (CR, LF,
  NUL...); a value holds Unicode text and the ``\\udcXX`` escapes of raw bytes
  (:mod:`sequrity_contract.mockserver.support.byte_text`) only; a response may not hold the headers
  the server sets itself (:data:`FRAMING_HEADERS`);
- times (``at``): numbers of seconds from 0 to :data:`MAX_RECORDED_SECONDS`.

A problem is reported as the JSON path and what was expected: ``$.interactions[3].response.at:
expected a number of seconds from 0 to 3600, got "soon"``.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sequrity_contract.schemas import ENDPOINTS, json_path

from ..errors import MockServerError
from ..support.byte_text import stands_for_bytes
from ..support.checks import is_int, number_between
from ..support.json_nesting import MAX_NESTING, nesting, too_deep
from .matching import parse_path

CASSETTE_VERSION = 1
MAX_RECORDED_SECONDS = 3600
"""The longest wait a cassette may record (an answer's or an event's ``at``), in seconds."""
BODILESS_STATUSES = frozenset({204, 205, 304})
"""Statuses whose answer has no body: recorded only with the body ``""``."""
FRAMING_HEADERS = frozenset({"connection", "content-encoding", "content-length", "keep-alive", "proxy-connection",
                             "te", "trailer", "transfer-encoding", "upgrade"})
"""Response headers a cassette may not hold: the server frames the replayed body itself (and relays
bodies decoded)."""
KEYS: Mapping[str, tuple[str, ...]] = {
    "document": ("version", "redacted_paths", "interactions"),
    "interaction": ("request", "response", "recorded_at"),
    "request": ("method", "path", "headers", "body"),
    "response": ("status", "headers", "at", "body", "events"),
    "event": ("at", "event"),
}
"""The keys each object of a cassette may have."""

_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_REQUEST_PATH = re.compile(r"/[^\x00-\x20\x7f]*")
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_EVENT_TYPE = re.compile(r"[!-~]+")
_SECONDS = number_between(0, MAX_RECORDED_SECONDS, " of seconds")


class CassetteError(MockServerError, ValueError):
    """A cassette file that cannot be used: ``path`` names the file, ``problem`` what is wrong."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"cassette {self.path}: {problem}")


class _Unusable(MockServerError):
    """A problem found at ``where`` (internal: turned into a :class:`CassetteError` or a sentence)."""

    def __init__(self, where: list[str | int], problem: str) -> None:
        super().__init__(f"{json_path(where)}: {problem}")


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, allow_nan=True)
    except (ValueError, TypeError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _fail(where: list[str | int], expected: str, value: Any) -> _Unusable:
    return _Unusable(where, f"expected {expected}, got {_shown(value)}")


def _object(value: Any, where: list[str | int], kind: str, required: Iterable[str]) -> dict[str, Any]:
    keys = KEYS[kind]
    if not isinstance(value, dict):
        raise _fail(where, f"an object with the keys {', '.join(keys)}", value)
    for key in value:
        if key not in keys:
            raise _Unusable([*where, key], f"unexpected key: expected only {', '.join(keys)}")
    for key in required:
        if key not in value:
            raise _Unusable([*where, key], f"missing (required in every {kind})")
    return value


def _text_without_controls(value: Any, where: list[str | int], what: str) -> None:
    if not isinstance(value, str):
        raise _fail(where, what, value)
    control = _CONTROL.search(value)
    if control:
        raise _Unusable(where, f"expected {what} without control characters, got {control.group()!r} at "
                               f"character {control.start()} (a header cannot carry CR, LF or NUL)")
    if not stands_for_bytes(value):
        raise _Unusable(where, f"expected {what} of Unicode text and \\udc80-\\udcff byte escapes, got a lone "
                               "surrogate that stands for no byte")


def _headers(value: Any, where: list[str | int], *, response: bool) -> None:
    if not isinstance(value, dict):
        raise _fail(where, "an object of header names and string values", value)
    for name, text in value.items():
        if not _TOKEN.fullmatch(name):
            raise _Unusable([*where, name], "expected a header name of letters, digits and !#$%&'*+-.^_`|~")
        if response and name.lower() in FRAMING_HEADERS:
            raise _Unusable([*where, name], "expected no framing or hop-by-hop header: the server sets "
                                            f"{', '.join(sorted(FRAMING_HEADERS))} itself")
        _text_without_controls(text, [*where, name], "a header value")


def _seconds(value: Any, where: list[str | int]) -> None:
    expected = _SECONDS(value)
    if expected is not None:
        raise _fail(where, expected, value)


def _request(value: Any, where: list[str | int]) -> None:
    request = _object(value, where, "request", ("method", "path"))
    method, path = request["method"], request["path"]
    if not isinstance(method, str) or not _TOKEN.fullmatch(method):
        raise _fail([*where, "method"], "an HTTP method such as \"POST\"", method)
    if not isinstance(path, str) or not _REQUEST_PATH.fullmatch(path):
        raise _fail([*where, "path"], "a path starting with / without spaces or control characters", path)
    if "headers" in request:
        _headers(request["headers"], [*where, "headers"], response=False)


def _names_events(route: str) -> bool:
    """Whether the endpoint serving ``route`` writes an ``event: <type>`` line before each event."""
    return any(endpoint.sse.named for endpoint in ENDPOINTS.values()
               if any(path == route for _, _, path in endpoint.routes()))


def _event(value: Any, where: list[str | int], named: bool) -> None:
    item = _object(value, where, "event", ("at", "event"))
    _seconds(item["at"], [*where, "at"])
    event = item["event"]
    if not isinstance(event, dict):
        raise _fail([*where, "event"], "an event object", event)
    kind = event.get("type")
    if (named or "type" in event) and not (isinstance(kind, str) and _EVENT_TYPE.fullmatch(kind)):
        raise _fail([*where, "event"], 'an event object with a "type" (printable ASCII, no spaces: it is sent '
                                       "as the event: line)", event)
    surrogate = _first_unsendable(event)
    if surrogate is not None:
        raise _Unusable([*where, "event", *surrogate], "expected Unicode text, got a lone surrogate "
                                                       "(an event is sent as UTF-8 JSON)")


def _first_unsendable(value: Any) -> list[str | int] | None:
    """The path of the first string (key or value) in ``value`` holding a surrogate, else None."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if not node.isascii() and any("\ud800" <= c <= "\udfff" for c in node):
                return path
        elif isinstance(node, dict):
            for key, child in node.items():
                if not key.isascii() and any("\ud800" <= c <= "\udfff" for c in key):
                    return [*path, key]
                stack.append((child, [*path, key]))
        elif isinstance(node, list):
            stack.extend((child, [*path, index]) for index, child in enumerate(node))
    return None


def _response(value: Any, where: list[str | int], route: str) -> None:
    response = _object(value, where, "response", ("status",))
    status = response["status"]
    if not is_int(status) or not 200 <= status <= 599:
        interim = is_int(status) and 100 <= status < 200
        raise _fail([*where, "status"], "an HTTP status from 200 to 599"
                    + (" (an interim 1xx status carries no answer to replay)" if interim else ""), status)
    if "headers" in response:
        _headers(response["headers"], [*where, "headers"], response=True)
    if "at" in response:
        _seconds(response["at"], [*where, "at"])
    if "body" in response and "events" in response:
        raise _Unusable(where, "expected either a body or events, got both")
    if "events" in response:
        events = response["events"]
        if status in BODILESS_STATUSES:
            raise _Unusable([*where, "events"], f"expected no events: a {status} answer has no body")
        if not isinstance(events, list):
            raise _fail([*where, "events"], "a list of {at, event}", events)
        named = _names_events(route)
        for number, event in enumerate(events):
            _event(event, [*where, "events", number], named)
    elif "body" in response:
        body = response["body"]
        if status in BODILESS_STATUSES and body != "":
            raise _fail([*where, "body"], f'the empty body "" (a {status} answer has no body)', body)
        if isinstance(body, str) and not stands_for_bytes(body):
            raise _Unusable([*where, "body"], "expected Unicode text and \\udc80-\\udcff byte escapes, got a lone "
                                              "surrogate that stands for no byte")
    else:
        raise _Unusable(where, "expected a body or events, got neither")


def _interaction(value: Any, index: int) -> None:
    where: list[str | int] = ["interactions", index]
    item = _object(value, where, "interaction", ("request", "response"))
    _request(item["request"], [*where, "request"])
    _response(item["response"], [*where, "response"], item["request"]["path"])
    if "recorded_at" in item and not isinstance(item["recorded_at"], str):
        raise _fail([*where, "recorded_at"], 'a time such as "2025-01-01T12:00:00Z"', item["recorded_at"])


def interaction_problem(item: Any, index: int, *, levels_above: int = 2) -> str | None:
    """What keeps ``item`` from being interaction ``index`` of a cassette (nested inside
    ``levels_above`` levels of the document), as ``$.interactions[3].response.at: expected ...``; None
    when it can be written and replayed."""
    levels = nesting(item) + levels_above
    if levels > MAX_NESTING:
        return f"$.interactions[{index}]: {too_deep(levels)}"
    try:
        _interaction(item, index)
    except _Unusable as problem:
        return str(problem)
    return None


def check_document(document: Any, path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The interactions of a parsed cassette ``document``; a :class:`CassetteError` naming ``path``
    and the first problem (see the module) when it is not a usable version-1 cassette."""
    if not isinstance(document, dict):
        raise CassetteError(path, f"$: expected a JSON object {{\"version\": 1, \"interactions\": [...]}}, "
                                  f"got {_shown(document)}")
    version = document.get("version")
    if version != CASSETTE_VERSION:
        shown = "no version" if "version" not in document else f"version {_shown(version)}"
        raise CassetteError(path, f"$.version: expected {CASSETTE_VERSION}, got {shown} "
                                  "(this toolkit reads and writes cassette format version 1)")
    try:
        _object(document, [], "document", ("interactions",))
    except _Unusable as problem:
        raise CassetteError(path, str(problem)) from None
    interactions = document["interactions"]
    if not isinstance(interactions, list):
        raise CassetteError(path, f"$.interactions: expected a list of interactions, got {_shown(interactions)}")
    for index, item in enumerate(interactions):
        found = interaction_problem(item, index)
        if found is not None:
            raise CassetteError(path, found)
    redacted = document.get("redacted_paths", [])
    if not isinstance(redacted, list) or not all(isinstance(p, str) for p in redacted):
        raise CassetteError(path, f"$.redacted_paths: expected a list of JSON path strings, got {_shown(redacted)}")
    for index, text in enumerate(redacted):
        try:
            parse_path(text)
        except ValueError as exc:
            raise CassetteError(path, f"$.redacted_paths[{index}]: {exc}") from None
    return interactions
