"""The server's modes: ``synthesize`` (the default), ``proxy``, ``record`` and ``replay``.

They apply to every route the server answers by name: the LLM-message endpoints and the JSON routes
(:data:`~sequrity_contract.schemas.JSON_ROUTES`, whose answers are one JSON document, never a stream).

- ``proxy``: every request to an endpoint or JSON route goes to ``upstream`` through the validating proxy
  (:mod:`sequrity_contract.mockserver.modes.proxy`); violations are journalled and reported.
- ``record``: the same, and what passes is written to ``cassette``; ``record_mode`` says when:
  ``once`` (default) records into a new cassette and only replays an existing one, ``new_episodes``
  replays what matches and records the rest, ``all`` records everything afresh (the file is
  rewritten from the first new interaction), ``none`` never records.
- ``replay``: answers come from ``cassette`` only. A request that matches nothing gets a 404
  naming the closest recorded request and the first difference, or, with ``on_miss="synthesize"``,
  the synthesized answer.

Matching (:mod:`sequrity_contract.mockserver.modes.matching`): method, route and body minus ``match_ignore`` paths, plus
custom matchers. Identical requests replay their recordings in recorded order; once every one
was played, the last plays again (``new_episodes`` records a new one instead).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from aiohttp import web

from sequrity_contract.schemas import MESSAGES, Endpoint
from sequrity_contract.schemas.json_routes import ServedRoute
from sequrity_contract.schemas.sse import NAMED_EVENTS

from ..config import MockConfig
from ..errors import ApiError
from ..pipeline.auth import bearer_key
from ..pipeline.intake import check_json_route_body, json_route_body, read_body
from ..pipeline.journal import JournalEntry
from ..state import STATE
from ..support.strict_json import InvalidJson, loads_strict
from .cassette import Cassette, recorded_request
from .cassette_checks import interaction_problem
from .matching import Matcher, closest, difference, parse_path
from .proxy import Upstream, forward
from .recording import interaction, is_recordable
from .replay import play
from .violation_report import ViolationReport

log = logging.getLogger("mockserver")


# -- the handler -------------------------------------------------------------------------


class ModeHandler:
    """Answers the requests of endpoints and JSON routes in ``proxy``, ``record`` and ``replay`` modes."""

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
            if self.records:
                for removed in self.cassette.remove_stale_temporaries():
                    log.info("removed %s, left by a writer of %s that was killed mid-write", removed,
                             self.cassette.path)
        self.proxying = self.mode == "proxy"

    async def handle(self, request: web.Request, entry: JournalEntry,
                     endpoint: ServedRoute = MESSAGES) -> web.StreamResponse | None:
        """The answer to a ``request`` of ``endpoint`` (an endpoint or a JSON route; ``entry`` is its
        journal entry), or None when the synthesizer should answer (a replay miss with ``on_miss="synthesize"``)."""
        state = request.app[STATE]
        raw = await read_body(request, state.config.max_body_bytes)
        if self.proxying:
            return await self._forward(request, raw, entry, endpoint, record=False)
        if self.replays and not self.records:  # replay only: the mock's own checks first
            if isinstance(endpoint, Endpoint):
                bearer_key(request.headers, state.config.api_keys)
                entry.body = body = state.intake.of(endpoint).body(raw).body
            else:
                if endpoint.auth:
                    bearer_key(request.headers, state.config.api_keys)
                entry.body = body = check_json_route_body(endpoint, json_route_body(raw, state.config.max_body_objects))
        else:
            body = _lenient_json(raw)
            entry.body = body
        actual = recorded_request(request.method, request.path, request.headers, body, self.redact)
        if self.replays:
            index = self._match(actual)
            if index is not None:
                assert self.cassette is not None
                return await self._play(request, self.cassette.interactions[index], entry, endpoint)
        if self.records:
            return await self._forward(request, raw, entry, endpoint, record=True)
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

    async def _play(self, request: web.Request, recorded: dict[str, Any], entry: JournalEntry,
                    endpoint: ServedRoute) -> web.StreamResponse:
        sse = endpoint.sse if isinstance(endpoint, Endpoint) else NAMED_EVENTS  # a JSON route records no events
        with request.app[STATE].slow_answer():
            return await play(request, recorded, self.config.replay_speed, entry, sse)

    async def _forward(self, request: web.Request, raw: bytes, entry: JournalEntry, endpoint: ServedRoute, *,
                       record: bool) -> web.StreamResponse:
        assert self.upstream is not None
        response, exchange = await forward(request, raw, self.upstream, entry, self.report, endpoint=endpoint,
                                           dialect=self.config.dialect)
        if record and is_recordable(exchange):
            self._record(interaction(exchange, self.redact), entry)
        return response

    def _record(self, recorded: dict[str, Any], entry: JournalEntry) -> None:
        """Write ``recorded`` to the cassette. One that could not be replayed as written, or a write
        that fails, is left out (the journal entry's ``error`` and the log say why); the client still
        gets the upstream's answer and the cassette keeps what it held."""
        assert self.cassette is not None
        problem = interaction_problem(recorded, len(self.cassette))
        try:
            if problem is not None:
                raise ValueError(problem)
            if self._rewrite:
                self.cassette.replace_all([recorded])
                self._rewrite = False
            else:
                self.cassette.append(recorded)
        except (OSError, ValueError) as exc:
            entry.error = f"not recorded to the cassette {self.cassette.path}: {exc}"
            log.warning("%s", entry.error)

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


def install_modes(app: web.Application, config: MockConfig, matchers: Sequence[Matcher] = ()) -> None:
    """Set up ``config.mode`` on ``app``: the :class:`ModeHandler` under :data:`MODE_HANDLER` unless
    synthesizing. Raises :class:`~sequrity_contract.mockserver.modes.cassette.CassetteError` for an
    unusable cassette."""
    if config.mode != "synthesize":
        handler = app[MODE_HANDLER] = ModeHandler(config, matchers)

        async def close_handler(app: web.Application) -> None:
            await handler.close()

        app.on_cleanup.append(close_handler)
    elif matchers:
        raise ValueError("matchers are used only with mode='record' or mode='replay'")
