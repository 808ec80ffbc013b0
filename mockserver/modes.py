"""The server's modes: ``synthesize`` (the default), ``proxy``, ``record`` and ``replay``.

- ``proxy``: every messages request goes to ``upstream`` through the validating proxy
  (:mod:`mockserver.proxy`); violations are journalled and reported.
- ``record``: the same, and what passes is written to ``cassette``; ``record_mode`` says when:
  ``once`` (default) records into a new cassette and only replays an existing one, ``new_episodes``
  replays what matches and records the rest, ``all`` records everything afresh (the file is
  rewritten from the first new interaction), ``none`` never records.
- ``replay``: answers come from ``cassette`` only. A request that matches nothing gets a 404
  naming the closest recorded request and the first difference, or, with ``on_miss="synthesize"``,
  the synthesized answer.

Matching (:mod:`mockserver.matching`): method, route and body minus ``match_ignore`` paths, plus
custom matchers. Identical requests replay their recordings in recorded order; once every one
was played, the last plays again (``new_episodes`` records a new one instead).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .auth import bearer_key
from .cassette import Cassette, recorded_request
from .errors import ApiError
from .intake import read_body
from .journal import JournalEntry
from .matching import Matcher, closest, difference, parse_path
from .proxy import Upstream, forward
from .recording import interaction, is_recordable
from .replay import parse_replay_speed, play
from .state import STATE
from .strict_json import InvalidJson, loads_strict
from .violation_report import ViolationReport

if TYPE_CHECKING:
    from .config import MockConfig

MODES = ("synthesize", "proxy", "record", "replay")
RECORD_MODES = ("none", "once", "new_episodes", "all")
ON_MISS = ("error", "synthesize")
log = logging.getLogger("mockserver")


# -- options -------------------------------------------------------------------------


def _paths(config: MockConfig, name: str) -> tuple[str, ...]:
    value = getattr(config, name)
    if isinstance(value, str) or not isinstance(value, tuple | list):
        raise TypeError(f"{name}={value!r}: expected a tuple of JSON paths such as ('metadata.user_id',)")
    for path in value:
        try:
            parse_path(path)
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
    return tuple(value)


def check_mode_options(config: MockConfig) -> dict[str, Any]:
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


def add_mode_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``serve`` options of the modes."""
    parser.add_argument("--mode", choices=MODES, default="synthesize",
                        help="synthesize answers (default), proxy to --upstream, record to or replay from "
                             "--cassette")
    parser.add_argument("--upstream", metavar="URL", help="live server for proxy and record, e.g. "
                        "https://api.sequrity.ai")
    parser.add_argument("--cassette", metavar="PATH", help="cassette file to record to or replay from")
    parser.add_argument("--record-mode", choices=RECORD_MODES, default="once",
                        help="when record mode writes the cassette (default once)")
    parser.add_argument("--on-miss", choices=ON_MISS, default="error",
                        help="a request no recording matches: 404 error (default) or a synthesized answer")
    parser.add_argument("--replay-speed", default="recorded", metavar="recorded|none|FACTOR",
                        help="replay timing: as recorded (default), no waits, or FACTOR times as fast")
    parser.add_argument("--match-ignore", action="append", default=[], metavar="JSON_PATH",
                        help="body path left out of matching, e.g. metadata.user_id (repeatable)")
    parser.add_argument("--redact", action="append", default=[], metavar="JSON_PATH",
                        help="body path written to cassettes as <redacted> (repeatable)")
    parser.add_argument("--report", metavar="PATH", help="write the violation report here as JSON on shutdown")


def mode_options(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`~mockserver.config.MockConfig` fields of the parsed mode options."""
    return {"mode": args.mode, "upstream": args.upstream, "cassette": args.cassette, "record_mode": args.record_mode,
            "on_miss": args.on_miss, "replay_speed": args.replay_speed, "match_ignore": tuple(args.match_ignore),
            "redact": tuple(args.redact), "report": args.report}


# -- the handler -------------------------------------------------------------------------


class ModeHandler:
    """Answers messages requests in ``proxy``, ``record`` and ``replay`` modes."""

    def __init__(self, config: MockConfig, matchers: Sequence[Matcher] = ()) -> None:
        if any(not callable(m) for m in matchers):
            raise TypeError(f"matchers={list(matchers)!r}: expected callables matcher(recorded, actual)")
        self.config = config
        self.mode = config.mode
        self.matchers = tuple(matchers)
        self.ignore = [parse_path(p) for p in config.match_ignore]
        self.redact = [parse_path(p) for p in config.redact]
        self.report = ViolationReport(config.mode, config.upstream, limit=config.journal_size)
        self.upstream = Upstream(config.upstream) if config.upstream else None
        self.cassette: Cassette | None = None
        self.replays = self.records = self._rewrite = False
        self._played: set[int] = set()
        if config.mode in ("record", "replay"):
            assert config.cassette is not None
            self.cassette = Cassette.load(config.cassette)
            self.cassette.redact_also(config.redact)
            self.redact = [parse_path(p) for p in self.cassette.redacted_paths]
            record_mode = "none" if config.mode == "replay" else config.record_mode
            self.records = record_mode in ("new_episodes", "all") or (record_mode == "once"
                                                                       and not self.cassette.existed)
            self.replays = record_mode in ("none", "new_episodes") or (record_mode == "once"
                                                                        and self.cassette.existed)
            self._rewrite = record_mode == "all"
        self.proxying = self.mode == "proxy"

    async def handle(self, request: web.Request, entry: JournalEntry) -> web.StreamResponse | None:
        """The answer to a messages ``request`` (``entry`` is its journal entry), or None when the
        synthesizer should answer (a replay miss with ``on_miss="synthesize"``)."""
        state = request.app[STATE]
        raw = await read_body(request, state.config.max_body_bytes)
        if self.proxying:
            return await self._forward(request, raw, entry, record=False)
        if self.replays and not self.records:  # replay only: the mock's own checks first
            bearer_key(request.headers, state.config.api_keys)
            valid = state.intake.body(raw)
            entry.body = body = valid.body
        else:
            body = _lenient_json(raw)
            entry.body = body
        actual = recorded_request(request.method, request.path, request.headers, body, self.redact)
        if self.replays:
            index = self._match(actual)
            if index is not None:
                assert self.cassette is not None
                return await self._play(request, self.cassette.interactions[index], entry)
        if self.records:
            return await self._forward(request, raw, entry, record=True)
        if self.config.on_miss == "synthesize":
            return None
        raise ApiError(404, self._miss_message(actual))

    def _match(self, actual: dict[str, Any]) -> int | None:
        """The interaction to replay for ``actual``: the first unplayed match in recorded order, else the last
        match again (None in ``new_episodes``, so the repeat is recorded)."""
        assert self.cassette is not None
        matches = [i for i, recorded in enumerate(self.cassette.interactions)
                   if not difference(recorded["request"], actual, ignore=self.ignore, matchers=self.matchers)]
        for index in matches:
            if index not in self._played:
                self._played.add(index)
                return index
        if not matches or self.records:
            return None
        return matches[-1]

    def _miss_message(self, actual: dict[str, Any]) -> str:
        assert self.cassette is not None
        where = f"{actual['method']} {actual['path']}"
        requests = [i["request"] for i in self.cassette.interactions]
        nearest = closest(actual, requests, ignore=self.ignore, matchers=self.matchers)
        if nearest is None:
            return f"no recorded interaction matches {where}: the cassette {self.cassette.path} is empty"
        index, found = nearest
        recorded = requests[index]
        first = found[0].describe() if found else "it matches, but every such recording was already played"
        return (f"no recorded interaction matches {where} in the cassette {self.cassette.path}; the closest is "
                f"interaction #{index} ({recorded['method']} {recorded['path']}), which differs at {first}"
                + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""))

    async def _play(self, request: web.Request, recorded: dict[str, Any], entry: JournalEntry) -> web.StreamResponse:
        state = request.app[STATE]
        task = asyncio.current_task()
        if task is not None:
            state.slow_answers.add(task)
        try:
            return await play(request, recorded, self.config.replay_speed, entry)
        finally:
            if task is not None:
                state.slow_answers.discard(task)

    async def _forward(self, request: web.Request, raw: bytes, entry: JournalEntry, *,
                       record: bool) -> web.StreamResponse:
        assert self.upstream is not None
        response, exchange = await forward(request, raw, self.upstream, entry, self.report,
                                           dialect=self.config.dialect)
        if record and is_recordable(exchange):
            assert self.cassette is not None
            recorded = interaction(exchange, self.redact)
            if self._rewrite:
                self._rewrite = False
                self.cassette.replace_all([recorded])
            else:
                self.cassette.append(recorded)
        return response

    def reset(self) -> None:
        """Empty the violation report and make every recording playable again."""
        self.report.clear()
        self._played.clear()

    async def close(self) -> None:
        """Close the upstream session and write the report (when ``report`` is configured)."""
        if self.upstream is not None:
            await self.upstream.close()
        if self.config.report is not None:
            self.report.write(self.config.report)


def _lenient_json(raw: bytes) -> Any:
    """``raw`` parsed as strict JSON, or None when it is not (recorded and matched as no body)."""
    try:
        return loads_strict(raw)
    except InvalidJson:
        return None


MODE_HANDLER: web.AppKey[ModeHandler] = web.AppKey("sequrity_mock_mode_handler", ModeHandler)
"""Where :func:`install_modes` keeps the :class:`ModeHandler` (absent in ``synthesize`` mode)."""


async def violations_report(request: web.Request) -> web.Response:
    """``GET /__admin/violations``: the proxy's violation report (empty when nothing is proxied)."""
    handler = request.app.get(MODE_HANDLER)
    if handler is None:
        config = request.app[STATE].config
        return web.json_response(ViolationReport(config.mode, config.upstream).as_dict())
    return web.json_response(handler.report.as_dict())


async def clear_violations(request: web.Request) -> web.Response:
    """``DELETE /__admin/violations``: empty the report."""
    handler = request.app.get(MODE_HANDLER)
    if handler is not None:
        handler.report.clear()
    return web.json_response({"cleared": True})


def install_modes(app: web.Application, config: MockConfig, matchers: Sequence[Matcher] = ()) -> None:
    """Set up ``config.mode`` on ``app``: the :class:`ModeHandler` (unless synthesizing) and
    ``/__admin/violations``. Call before the catch-all routes are added. Raises
    :class:`~mockserver.cassette.CassetteError` for an unusable cassette."""
    from . import admin

    if config.mode != "synthesize":
        handler = app[MODE_HANDLER] = ModeHandler(config, matchers)

        async def close_handler(app: web.Application) -> None:
            await handler.close()

        app.on_cleanup.append(close_handler)
    elif matchers:
        raise ValueError("matchers are used only with mode='record' or mode='replay'")
    guard = getattr(admin, "_admin_only", None) or (lambda h: h)  # the admin token, where configured
    resource = app.router.add_resource("/__admin/violations")
    resource.add_route("GET", guard(violations_report))
    resource.add_route("DELETE", guard(clear_violations))
