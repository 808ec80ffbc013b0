"""What the ``conformance`` command shows on a terminal: colour (only on a terminal, and never
when ``NO_COLOR`` is set), and third-party warnings gathered during a run into one line.

A client library may warn on every call (the anthropic SDK's pydantic models warned ~130 times
before the table); :func:`gathered_warnings` keeps them out of the output and :func:`warnings_line`
summarises them. ``PYTHONWARNINGS`` or ``-W`` given explicitly are honoured instead.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["OUTCOME_COLOURS", "colour_enabled", "gathered_warnings", "paint", "warnings_line"]

#: ANSI colours of the outcomes.
OUTCOME_COLOURS = {"passed": "32", "failed": "31;1", "skipped": "33"}


def colour_enabled(stream: TextIO) -> bool:
    """True when ``stream`` is a terminal and ``NO_COLOR`` is unset (https://no-color.org)."""
    if "NO_COLOR" in os.environ:
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, outcome: str, enabled: bool) -> str:
    """``text`` in the colour of ``outcome`` when ``enabled``."""
    code = OUTCOME_COLOURS.get(outcome)
    return f"\033[{code}m{text}\033[0m" if enabled and code else text


@contextmanager
def gathered_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """Record every warning raised inside the block instead of printing it (nothing is recorded when
    the user chose a warnings filter with ``-W`` or ``PYTHONWARNINGS``: theirs applies)."""
    if sys.warnoptions:
        yield []
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def warnings_line(caught: list[warnings.WarningMessage]) -> str | None:
    """One line summarising ``caught`` (None when there were none): counts by category and origin."""
    if not caught:
        return None
    origins = Counter(f"{w.category.__name__} from {_package(w.filename)}" for w in caught)
    listed = ", ".join(f"{n} {origin}" for origin, n in origins.most_common(3))
    more = f", {len(origins) - 3} more kinds" if len(origins) > 3 else ""
    return (f"{len(caught)} warning(s) raised during the run were hidden ({listed}{more}); "
            "set PYTHONWARNINGS=default to see them")


def _package(filename: str) -> str:
    """The top-level package a warning came from (its file's folder under site-packages), else the file."""
    parts = filename.replace("\\", "/").split("/")
    for marker in ("site-packages", "dist-packages"):
        if marker in parts and parts.index(marker) + 1 < len(parts):
            return parts[parts.index(marker) + 1].removesuffix(".py")
    return parts[-1] if parts else filename
