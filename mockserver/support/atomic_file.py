"""Replacing a file atomically: readers see the old content or the new, never a torn file.

:func:`write_atomically` writes to a temporary file next to the file, ``.<name>.<pid>.<8 hex>.tmp``,
flushes it to disk and renames it over the file (``os.replace``). A symbolic link is written
through: the file it points to is replaced, in that file's directory, and the link stays a link.
The file keeps its permission bits (a new file gets the usual ``0666`` less the umask).

A writer killed mid-write (``kill -9``) leaves its temporary file behind; the name carries the
writer's process id, so :func:`remove_stale_temporaries` can remove exactly the temporary files of
that file whose writer is gone (the server calls it when it starts to record a cassette and
before it writes ``--journal-file``). Files that do not match the naming, and temporary files of a
process still alive, are left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[0-9a-f]{8}\.tmp")


def real_path(path: str | os.PathLike[str]) -> Path:
    """``path`` with every symbolic link resolved (a dangling link: the path it points to)."""
    return Path(os.path.realpath(path))


def _temporary_for(target: Path) -> Path:
    return target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"


def write_atomically(path: str | os.PathLike[str], chunks: Iterable[str]) -> None:
    """Write the text ``chunks`` (UTF-8) to ``path`` atomically (see the module); an error raised
    while writing (by ``chunks`` too) removes the temporary file and leaves ``path`` as it was."""
    target = real_path(path)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = None
    while True:
        temporary = _temporary_for(target)
        try:
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
        except FileExistsError:
            continue
        break
    try:
        if mode is not None:
            os.fchmod(handle, mode)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists (one of another user counts as alive)."""
    if pid <= 0:
        return True  # not a writer's id: never treat its files as stale
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """The temporary files :func:`write_atomically` left next to ``path`` whose writer process is gone."""
    target = real_path(path)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    stale = []
    for name in sorted(names):
        match = _TEMPORARY.fullmatch(name)
        candidate = target.parent / name
        if (match and match["name"] == target.name and not process_alive(int(match["pid"]))
                and candidate.is_file() and not candidate.is_symlink()):
            stale.append(candidate)
    return stale


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Remove :func:`stale_temporaries` of ``path``; the files removed."""
    removed = []
    for temporary in stale_temporaries(path):
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
            removed.append(temporary)
    return removed
