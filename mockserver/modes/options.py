"""The options of the modes (``mode``, ``record_mode``, ``on_miss``, ``upstream``, ``cassette``...):
their vocabularies and the checks :class:`~sequrity_contract.mockserver.config.MockConfig` runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .matching import parse_path

MODES = ("synthesize", "proxy", "record", "replay")
RECORD_MODES = ("none", "once", "new_episodes", "all")
ON_MISS = ("error", "synthesize")
REPLAY_SPEEDS = ("recorded", "none")


def parse_replay_speed(value: Any) -> float | str:
    """``"recorded"``, ``"none"`` or a positive factor (a number or a numeric string);
    a :class:`ValueError` naming ``replay_speed=`` otherwise."""
    if isinstance(value, str) and value.strip().lower() in REPLAY_SPEEDS:
        return value.strip().lower()
    try:
        factor = float(value) if not isinstance(value, bool) else float("nan")
    except (TypeError, ValueError):
        factor = float("nan")
    if not 0 < factor < float("inf"):
        raise ValueError(f"replay_speed={value!r}: expected 'recorded', 'none' or a factor > 0 such as 2.0")
    return factor


def _paths(config: Any, name: str) -> tuple[str, ...]:
    value = getattr(config, name)
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError(f"{name}={value!r}: expected a tuple of JSON paths such as ('metadata.user_id',)")
    for path in value:
        try:
            parse_path(path)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    return tuple(value)


def check_mode_options(config: Any) -> dict[str, Any]:
    """The normalized mode options of ``config``; a :class:`ValueError`/:class:`TypeError`
    naming the option as ``name=value`` when one is wrong or one the mode needs is missing."""
    if config.mode not in MODES:
        raise ValueError(f"mode={config.mode!r}: expected one of {', '.join(MODES)}")
    if config.record_mode not in RECORD_MODES:
        raise ValueError(f"record_mode={config.record_mode!r}: expected one of {', '.join(RECORD_MODES)}")
    if config.on_miss not in ON_MISS:
        raise ValueError(f"on_miss={config.on_miss!r}: expected one of {', '.join(ON_MISS)}")
    upstream = config.upstream
    if upstream is not None and (not isinstance(upstream, str) or not upstream.startswith(("http://", "https://"))):
        raise ValueError(f"upstream={upstream!r}: expected an http:// or https:// base URL, "
                         "e.g. https://api.sequrity.ai")
    needs_upstream = config.mode == "proxy" or (config.mode == "record" and config.record_mode != "none")
    if needs_upstream and upstream is None:
        raise ValueError(f"mode={config.mode!r} needs upstream=URL: the live server to forward to")
    cassette = config.cassette
    if cassette is not None and not isinstance(cassette, str | Path):
        raise TypeError(f"cassette={cassette!r}: expected a file path")
    if config.mode in ("record", "replay") and cassette is None:
        raise ValueError(f"mode={config.mode!r} needs cassette=PATH: the cassette file to "
                         f"{'write' if config.mode == 'record' else 'read'}")
    report = config.report
    if report is not None and not isinstance(report, str | Path):
        raise TypeError(f"report={report!r}: expected a file path")
    return {"cassette": None if cassette is None else str(cassette), "report": None if report is None else str(report),
            "replay_speed": parse_replay_speed(config.replay_speed), "match_ignore": _paths(config, "match_ignore"),
            "redact": _paths(config, "redact")}
