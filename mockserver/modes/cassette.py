"""Cassettes: recorded interactions in one human-diffable, versioned JSON file.

::

    {"version": 1,
     "redacted_paths": ["metadata.user_id"],
     "interactions": [
       {"request": {"method": "POST", "path": "/control/chat/v1/messages",
                    "headers": {"Authorization": "<redacted>", "X-Session-ID": "..."}, "body": {...}},
        "response": {"status": 200, "headers": {"Content-Type": "application/json", "X-Session-ID": "..."},
                     "at": 0.0042, "body": {...}},
        "recorded_at": "2025-01-01T12:00:00Z"},
       {"request": {...}, "response": {"status": 200, "headers": {...}, "at": 0.001,
                                       "events": [{"at": 0.0012, "event": {"type": "message_start", ...}}, ...]}}]}

``at`` is seconds since the request was forwarded (the answer's headers, each event). Secrets
never reach the file: ``Authorization`` and ``X-Api-Key`` are written as ``<redacted>``, and so
is every value at the configured ``redact`` body paths; the cassette lists those paths under
``redacted_paths``, so a replay redacts incoming requests the same way before matching. A save
writes a temporary file next to the cassette and renames it over the old one (``os.replace``),
under a lock, so a crash mid-write leaves the previous cassette intact and concurrent requests
never interleave.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import MockServerError
from ..pipeline.journal import CREDENTIAL_HEADERS, REDACTED
from .matching import PathPart, parse_path, replace_paths

CASSETTE_VERSION = 1
#: Request headers a cassette keeps (credentials only as ``<redacted>``).
REQUEST_HEADERS = ("Authorization", "X-Api-Key", "X-Features", "X-Policy", "X-Config", "X-Session-ID")
#: Response headers a cassette keeps.
RESPONSE_HEADERS = ("Content-Type", "X-Session-ID", "Retry-After", "Retry-After-Ms", "Cache-Control")


class CassetteError(MockServerError, ValueError):
    """A cassette file that cannot be used: ``path`` names the file, ``problem`` what is wrong."""

    def __init__(self, path: str | os.PathLike[str], problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"cassette {self.path}: {problem}")


def filtered_headers(headers: Mapping[str, str], keep: Sequence[str]) -> dict[str, str]:
    """The ``keep`` headers present in ``headers`` under their canonical names, credentials redacted."""
    lowered = {k.lower(): v for k, v in headers.items()}
    out = {}
    for name in keep:
        value = lowered.get(name.lower())
        if value is not None:
            out[name] = REDACTED if name.lower() in CREDENTIAL_HEADERS else value
    return out


def recorded_request(method: str, path: str, headers: Mapping[str, str], body: Any,
                     redact: Iterable[Sequence[PathPart]] = ()) -> dict[str, Any]:
    """A request in cassette form: filtered headers, ``redact`` body paths replaced by ``<redacted>``."""
    return {"method": method, "path": path, "headers": filtered_headers(headers, REQUEST_HEADERS),
            "body": replace_paths(body, redact, REDACTED)}


def write_json_atomically(path: str | os.PathLike[str], document: Any) -> None:
    """Write ``document`` as indented JSON to a temporary file next to ``path``, then rename it over
    ``path``: a failure or a crash mid-write leaves the previous file untouched."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2, ensure_ascii=False, allow_nan=False)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def utc_now() -> str:
    """The current time as ``2025-01-01T12:00:00Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _problem(where: str, expected: str, value: Any) -> str:
    shown = json.dumps(value)[:60] if not isinstance(value, type) else value.__name__
    return f"{where}: expected {expected}, got {shown}"


def _check_interaction(index: int, item: Any) -> str | None:
    """What is wrong with interaction ``index`` (None when it is usable)."""
    where = f"$.interactions[{index}]"
    if not isinstance(item, dict):
        return _problem(where, "an object with request and response", item)
    request, response = item.get("request"), item.get("response")
    if not isinstance(request, dict):
        return _problem(f"{where}.request", "an object {method, path, headers, body}", request)
    for key in ("method", "path"):
        if not isinstance(request.get(key), str):
            return _problem(f"{where}.request.{key}", "a string", request.get(key))
    if not isinstance(response, dict):
        return _problem(f"{where}.response", "an object {status, headers, body or events}", response)
    status = response.get("status")
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        return _problem(f"{where}.response.status", "an HTTP status from 100 to 599", status)
    for part, key in ((request, "headers"), (response, "headers")):
        headers = part.get(key, {})
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            side = "request" if part is request else "response"
            return _problem(f"{where}.{side}.headers", "an object of header strings", headers)
    events = response.get("events")
    if events is not None:
        if not isinstance(events, list):
            return _problem(f"{where}.response.events", "a list of {at, event}", events)
        for n, event in enumerate(events):
            if (not isinstance(event, dict) or not isinstance(event.get("event"), dict)
                    or not isinstance(event.get("at"), int | float) or isinstance(event.get("at"), bool)):
                return _problem(f"{where}.response.events[{n}]", "an object {at: seconds, event: {...}}", event)
    elif "body" not in response:
        return f"{where}.response: expected a body or events, got neither"
    return None


def check_document(document: Any, path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The interactions of a parsed cassette ``document``; a :class:`CassetteError` naming ``path``
    and the first problem when it is not a version-1 cassette."""
    if not isinstance(document, dict):
        raise CassetteError(path, _problem("$", 'a JSON object {"version": 1, "interactions": [...]}', document))
    version = document.get("version")
    if version != CASSETTE_VERSION:
        shown = "no version" if "version" not in document else f"version {json.dumps(version)}"
        raise CassetteError(path, f"$.version: expected {CASSETTE_VERSION}, got {shown} "
                                  "(this toolkit reads and writes cassette format version 1)")
    interactions = document.get("interactions")
    if not isinstance(interactions, list):
        raise CassetteError(path, _problem("$.interactions", "a list of interactions", interactions))
    for index, item in enumerate(interactions):
        problem = _check_interaction(index, item)
        if problem is not None:
            raise CassetteError(path, problem)
    redacted = document.get("redacted_paths", [])
    if not isinstance(redacted, list) or not all(isinstance(p, str) for p in redacted):
        raise CassetteError(path, _problem("$.redacted_paths", "a list of JSON path strings", redacted))
    for index, text in enumerate(redacted):
        try:
            parse_path(text)
        except ValueError as exc:
            raise CassetteError(path, f"$.redacted_paths[{index}]: {exc}") from None
    return interactions


class Cassette:
    """The interactions of one cassette file, appended to and saved atomically.

    ``Cassette.load(path)`` reads an existing file (a missing one gives an empty cassette with
    ``existed`` False); ``append`` adds an interaction and saves; ``save`` rewrites the file.
    """

    def __init__(self, path: str | os.PathLike[str], interactions: Iterable[dict[str, Any]] = (), *,
                 existed: bool = False, redacted_paths: Iterable[str] = ()) -> None:
        self.path = Path(path)
        self.interactions: list[dict[str, Any]] = list(interactions)
        self.existed = existed
        self.redacted_paths: list[str] = list(dict.fromkeys(redacted_paths))
        """Body paths whose values the file holds as ``<redacted>`` (see :meth:`redact_also`)."""
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Cassette:
        """The cassette at ``path``; raises :class:`CassetteError` naming the file and the problem."""
        file = Path(path)
        try:
            text = file.read_text("utf-8")
        except FileNotFoundError:
            if not file.parent.is_dir():
                raise CassetteError(path, f"directory {str(file.parent)!r} does not exist") from None
            return cls(file, existed=False)
        except IsADirectoryError:
            raise CassetteError(path, "is a directory: expected a cassette file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CassetteError(path, f"cannot be read: {exc}") from None
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise CassetteError(path, f"is not valid JSON: {exc} (a corrupt or truncated file?)") from None
        interactions = check_document(document, path)
        return cls(file, interactions, existed=True, redacted_paths=document.get("redacted_paths", []))

    def document(self) -> dict[str, Any]:
        """The file's content as a JSON-ready dict."""
        return {"version": CASSETTE_VERSION, "redacted_paths": self.redacted_paths,
                "interactions": self.interactions}

    def redact_also(self, paths: Iterable[str]) -> None:
        """Note that values at ``paths`` are written as ``<redacted>`` (saved with the next write)."""
        self.redacted_paths = list(dict.fromkeys([*self.redacted_paths, *paths]))

    def save(self) -> None:
        """Write the cassette atomically (a temporary file renamed over the old one)."""
        with self._lock:
            self._write()

    def append(self, interaction: dict[str, Any]) -> int:
        """Add ``interaction``, save, and return its index."""
        with self._lock:
            self.interactions.append(interaction)
            try:
                self._write()
            except BaseException:
                self.interactions.pop()
                raise
            return len(self.interactions) - 1

    def replace_all(self, interactions: Iterable[dict[str, Any]]) -> None:
        """Drop every interaction for ``interactions`` and save."""
        with self._lock:
            self.interactions = list(interactions)
            self._write()

    def _write(self) -> None:
        write_json_atomically(self.path, self.document())

    def __len__(self) -> int:
        return len(self.interactions)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self.interactions))

    def __repr__(self) -> str:
        return f"<Cassette {self.path} interactions={len(self.interactions)}>"
