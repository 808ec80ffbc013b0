"""The ``@pytest.mark.sequrity_cassette("name")`` marker: a test replays (or records) a cassette.

A marked test gets, through the ``sequrity_mock`` fixture, a server of its own that replays
``<cassette dir>/<name>.json`` (the shared session server keeps serving unmarked tests, and
the marked test's server is stopped when it ends). The options say where cassettes live and
when to record:

- ``--sequrity-cassette-dir DIR`` (ini ``sequrity_cassette_dir``; relative to the invocation
  directory, or to the ini file's directory): default a ``cassettes`` folder next to the test file;
- ``--sequrity-record-mode none|once|new_episodes|all`` (ini ``sequrity_record_mode``; default
  ``none``): ``none`` only replays (a missing cassette is an error), ``once`` records a missing
  cassette and replays an existing one, ``new_episodes`` replays what matches and records the
  rest, ``all`` records everything afresh;
- ``--sequrity-upstream URL`` (ini ``sequrity_upstream``): the live server recordings go through
  (the validating proxy of :mod:`sequrity_contract.mockserver.modes.handler`).

Marker keywords: ``replay_speed`` (``"none"`` by default: no recorded waits; ``"recorded"`` or a
factor) and ``match_ignore`` (body paths left out of matching, e.g. ``("metadata.user_id",)``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest

from .errors import ContractTestsError

if TYPE_CHECKING:
    from sequrity_contract.mockserver import MockConfig, MockServer

# The mock server is imported inside the functions that use it: loading the plugin stays cheap.

__all__ = [
    "MARKER",
    "MARKER_HELP",
    "CassetteMarker",
    "CassetteMarkerError",
    "CassetteSettings",
    "SequrityCassetteWarning",
    "add_cassette_options",
    "cassette_server",
    "check_marked_items",
    "marker_problem",
    "parse_marker",
    "read_cassette_settings",
    "server_overrides",
]

MARKER = "sequrity_cassette"
MARKER_HELP = (
    "sequrity_cassette(name, *, replay_speed='none', match_ignore=()): the sequrity_mock fixture "
    "replays <cassette dir>/<name>.json (--sequrity-cassette-dir, default ./cassettes next to the test); "
    "--sequrity-record-mode=once --sequrity-upstream=URL records it"
)
"""The ``markers`` ini line (what ``pytest --markers`` shows)."""
_KEYWORDS = ("match_ignore", "replay_speed")
_RECORD_HINT = "--sequrity-record-mode=once --sequrity-upstream=URL"


class CassetteMarkerError(ContractTestsError, ValueError):
    """A ``sequrity_cassette`` marker used wrongly; the message names the argument."""


class SequrityCassetteWarning(UserWarning):
    """Something a recording run should know, e.g. exchanges left out of the cassette."""


@dataclass(frozen=True)
class CassetteMarker:
    """The checked arguments of one ``sequrity_cassette`` marker."""

    name: str
    replay_speed: float | str = "none"
    match_ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class CassetteSettings:
    """The session-wide cassette options: ``directory`` (None: ``cassettes`` next to each test
    file), ``record_mode``, ``upstream`` and the live ``api_key`` recordings send."""

    directory: Path | None = None
    record_mode: str = "none"
    upstream: str | None = None
    api_key: str | None = None

    def path_for(self, marker: CassetteMarker, test_file: Path) -> Path:
        """The cassette file of ``marker`` for a test defined in ``test_file``."""
        directory = self.directory if self.directory is not None else test_file.parent / "cassettes"
        return directory / f"{marker.name}.json"


def _marker_call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    shown = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{MARKER}({', '.join(shown)})"


def parse_marker(mark: pytest.Mark) -> CassetteMarker:
    """The arguments of ``mark``; a :class:`CassetteMarkerError` naming the argument when they are wrong."""
    from sequrity_contract.mockserver.modes.options import parse_replay_speed
    from sequrity_contract.mockserver.support.jsonpath import PathError, parse_path

    args, kwargs = tuple(mark.args), dict(mark.kwargs)
    call = _marker_call(args, kwargs)
    if "name" in kwargs:
        if args:
            raise CassetteMarkerError(f"{call}: give the cassette name once, as the first argument")
        args = (kwargs.pop("name"),)
    unknown = sorted(set(kwargs) - set(_KEYWORDS))
    if unknown:
        raise CassetteMarkerError(f"{call}: unknown keyword argument {unknown[0]}={kwargs[unknown[0]]!r}; "
                                  f"expected name, {', '.join(_KEYWORDS)}")
    if not args:
        raise CassetteMarkerError(f'{call}: missing the cassette name, e.g. @pytest.mark.{MARKER}("greet_ada")')
    if len(args) > 1:
        raise CassetteMarkerError(f"{call}: expected one cassette name, got {len(args)} positional arguments")
    name = args[0]
    if not isinstance(name, str) or not name.strip():
        raise CassetteMarkerError(f'{call}: name={name!r}: expected a non-empty string such as "greet_ada"')
    parts = PurePosixPath(name.replace("\\", "/"))
    if parts.is_absolute() or ".." in parts.parts or name.endswith(".json"):
        raise CassetteMarkerError(f'{call}: name={name!r}: expected a name inside the cassette directory without '
                                  f'".json", e.g. "greet_ada" or "greeter/ada" (no "..", not absolute)')
    try:
        speed = parse_replay_speed(kwargs.get("replay_speed", "none"))
    except ValueError as exc:
        raise CassetteMarkerError(f"{call}: {exc}") from None
    ignore = kwargs.get("match_ignore", ())
    if isinstance(ignore, str) or not isinstance(ignore, tuple | list):
        raise CassetteMarkerError(f"{call}: match_ignore={ignore!r}: expected a tuple of JSON paths "
                                  "such as ('metadata.user_id',)")
    for path in ignore:
        try:
            parse_path(path)
        except (PathError, TypeError, ValueError) as exc:
            raise CassetteMarkerError(f"{call}: match_ignore: {exc}") from None
    return CassetteMarker(name, speed, tuple(ignore))


def marker_problem(item: pytest.Item) -> str | None:
    """What is wrong with the ``sequrity_cassette`` marker of ``item`` (naming the test and the argument),
    or with its use (a marked test must use ``sequrity_mock``); None when nothing is."""
    mark = item.get_closest_marker(MARKER)
    if mark is None:
        return None
    try:
        parse_marker(mark)
    except CassetteMarkerError as exc:
        return f"{item.nodeid}: {exc}"
    if "sequrity_mock" not in getattr(item, "fixturenames", ()):
        return (f"{item.nodeid}: @pytest.mark.{MARKER} works through the sequrity_mock fixture "
                "(or sequrity_client): request one of them in the test")
    return None


def check_marked_items(items: list[pytest.Item]) -> None:
    """A :class:`pytest.UsageError` for the first item whose ``sequrity_cassette`` marker is misused
    (see :func:`marker_problem`)."""
    for item in items:
        problem = marker_problem(item)
        if problem is not None:
            raise pytest.UsageError(problem)


# -- options -------------------------------------------------------------------------

# flag, ini name, help
_OPTIONS = (
    ("--sequrity-cassette-dir", "sequrity_cassette_dir",
     "folder of the sequrity_cassette marker's cassettes (default: cassettes/ next to each test file)"),
    ("--sequrity-record-mode", "sequrity_record_mode",
     "when sequrity_cassette tests record: none (default: replay only), once (record missing cassettes), "
     "new_episodes (record what does not match), all (record everything afresh)"),
    ("--sequrity-upstream", "sequrity_upstream", "live server URL that sequrity_cassette recordings go through"),
)


def add_cassette_options(parser: pytest.Parser) -> None:
    """The cassette options and their ini equivalents."""
    group = parser.getgroup("sequrity")
    for flag, ini, text in _OPTIONS:
        group.addoption(flag, default=None, help=f"{text} (ini: {ini})")
        parser.addini(ini, text, default="")


def _option(config: pytest.Config, flag: str, ini: str) -> tuple[str | None, Path]:
    """The option's value and the directory a relative path in it is relative to."""
    given = config.getoption(flag)
    if given is not None:
        return given, Path(config.invocation_params.dir)
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return (config.getini(ini) or None), base


def read_cassette_settings(config: pytest.Config) -> CassetteSettings:
    """The cassette options of ``config`` (and the live key: ``--sequrity-api-key`` or ``$SEQURITY_API_KEY``);
    a :class:`pytest.UsageError` naming the option when one is wrong."""
    directory, base = _option(config, "--sequrity-cassette-dir", "sequrity_cassette_dir")
    mode, _ = _option(config, "--sequrity-record-mode", "sequrity_record_mode")
    upstream, _ = _option(config, "--sequrity-upstream", "sequrity_upstream")
    api_key = config.getoption("--sequrity-api-key", default=None) or os.environ.get("SEQURITY_API_KEY") or None
    if directory is None and mode is None and upstream is None:
        return CassetteSettings(api_key=api_key)  # nothing to check (and the mock server stays unimported)
    from sequrity_contract.mockserver.modes.options import RECORD_MODES

    mode = (mode or "none").strip()
    if mode not in RECORD_MODES:
        raise pytest.UsageError(f"--sequrity-record-mode={mode!r}: expected one of {', '.join(RECORD_MODES)}")
    if upstream is not None and not upstream.startswith(("http://", "https://")):
        raise pytest.UsageError(f"--sequrity-upstream={upstream!r}: expected an http:// or https:// base URL")
    if mode in ("new_episodes", "all") and upstream is None:
        raise pytest.UsageError(f"--sequrity-record-mode={mode} records, so it needs --sequrity-upstream=URL "
                                "(the live server to record from)")
    folder = None if directory is None else base / Path(directory).expanduser()
    return CassetteSettings(folder, mode, upstream, api_key)


# -- the server ------------------------------------------------------------------------


def server_overrides(settings: CassetteSettings, marker: CassetteMarker, path: Path) -> dict[str, Any]:
    """The :class:`~sequrity_contract.mockserver.MockConfig` fields of a marked test's server (replay or record);
    a :class:`FileNotFoundError` saying how to record when the cassette is missing and may not be recorded."""
    common: dict[str, Any] = {"cassette": str(path), "replay_speed": marker.replay_speed,
                              "match_ignore": marker.match_ignore, "port": 0, "reuse_port": False, "report": None}
    mode = settings.record_mode
    if mode == "none" or (mode == "once" and path.is_file()):
        if not path.is_file():
            raise FileNotFoundError(f"cassette {path} does not exist and --sequrity-record-mode=none never records; "
                                    f"record it once against a live server with {_RECORD_HINT}")
        return {**common, "mode": "replay", "upstream": None}
    if settings.upstream is None:
        raise FileNotFoundError(f"cassette {path} does not exist and --sequrity-record-mode={mode} needs "
                                f"--sequrity-upstream=URL to record it")
    return {**common, "mode": "record", "record_mode": mode, "upstream": settings.upstream}


@contextmanager
def cassette_server(base: MockConfig, settings: CassetteSettings, marker: CassetteMarker,
                    test_file: Path) -> Iterator[MockServer]:
    """A server for one marked test: ``base`` (the shared server's settings) replaying or recording
    the marker's cassette; stopped on exit. Fails the test (``pytest.fail``) with a message naming the
    file when the cassette is missing, unreadable or corrupt."""
    from sequrity_contract.mockserver import CassetteError, MockServer

    path = settings.path_for(marker, test_file)
    try:
        overrides = server_overrides(settings, marker, path)
        if overrides["mode"] == "record":
            path.parent.mkdir(parents=True, exist_ok=True)
        server = MockServer(base.replace(**overrides))
        server.__enter__()
    except (FileNotFoundError, CassetteError, ValueError, TypeError) as exc:
        pytest.fail(f"@pytest.mark.{MARKER}({marker.name!r}): {exc}", pytrace=False)
    try:
        yield server
    finally:
        recording = overrides["mode"] == "record"
        report = server.violations if recording else None
        server.__exit__(None, None, None)
        if report and report["violation_count"]:
            first = report["violations"][0]["message"]
            warnings.warn(SequrityCassetteWarning(
                f"{report['violation_count']} contract violation(s) while recording {path}; exchanges with a "
                f"violation were not recorded. First: {first}"), stacklevel=1)
