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
``redacted_paths``, so a replay redacts incoming requests the same way before matching.

Every byte survives: header values (and a body that is not UTF-8) are text in which each byte that
is not UTF-8 is a lone surrogate, written to the file as a ``\\udcXX`` escape
(:mod:`sequrity_contract.mockserver.support.byte_text`); loading the file and encoding with
``surrogateescape`` gives the exact bytes back. :meth:`Cassette.load` checks every field
(:mod:`sequrity_contract.mockserver.modes.cassette_checks`).

A save writes a temporary file next to the cassette and renames it over the old one, under a lock
(:mod:`sequrity_contract.mockserver.support.atomic_file`): a crash mid-write leaves the previous
cassette intact, concurrent requests never interleave, a symbolic link is written through and the
file keeps its permissions. :meth:`Cassette.remove_stale_temporaries` removes what killed writers
left behind.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..pipeline.journal import CREDENTIAL_HEADERS, REDACTED
from ..support.atomic_file import remove_stale_temporaries, write_atomically
from ..support.byte_text import json_chunks
from ..support.json_nesting import TooDeep, loads
from .cassette_checks import CASSETTE_VERSION, CassetteError, check_document
from .matching import PathPart, replace_paths

__all__ = ["CASSETTE_VERSION", "REQUEST_HEADERS", "RESPONSE_HEADERS", "Cassette", "CassetteError", "filtered_headers",
           "recorded_request", "utc_now", "write_json_atomically"]
#: Request headers a cassette keeps (credentials only as ``<redacted>``).
REQUEST_HEADERS = ("Authorization", "X-Api-Key", "X-Features", "X-Policy", "X-Config", "X-Session-ID")
#: Response headers a cassette keeps.
RESPONSE_HEADERS = ("Content-Type", "X-Session-ID", "Retry-After", "Retry-After-Ms", "Cache-Control", "Location")


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
    """Write ``document`` as indented JSON (bytes as ``\\udcXX`` escapes) to a temporary file next to
    ``path``, then rename it over ``path``: a failure or a crash mid-write leaves the previous file
    untouched (see :mod:`sequrity_contract.mockserver.support.atomic_file`)."""
    write_atomically(path, _lines_of(document))


def _lines_of(document: Any) -> Iterator[str]:
    yield from json_chunks(document, indent=2)
    yield "\n"


def utc_now() -> str:
    """The current time as ``2025-01-01T12:00:00Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


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
            document = loads(text)  # nesting: measured per interaction by check_document
        except TooDeep as exc:
            raise CassetteError(path, f"$: {exc}") from None
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

    def remove_stale_temporaries(self) -> list[Path]:
        """Remove the temporary files that writers of this cassette killed mid-write left next to it
        (only files of the writer's naming whose process is gone); the files removed."""
        return remove_stale_temporaries(self.path)

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
            previous, self.interactions = self.interactions, list(interactions)
            try:
                self._write()
            except BaseException:
                self.interactions = previous
                raise

    def _write(self) -> None:
        write_json_atomically(self.path, self.document())

    def __len__(self) -> int:
        return len(self.interactions)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(list(self.interactions))

    def __repr__(self) -> str:
        return f"<Cassette {self.path} interactions={len(self.interactions)}>"
