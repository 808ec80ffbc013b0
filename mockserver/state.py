"""The server's parts, created once per application and kept under one ``web.AppKey``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .config import MockConfig
from .pipeline.answers import AnswerCache
from .pipeline.delivery import Delivery
from .pipeline.intake import Intake
from .pipeline.journal import Journal
from .pipeline.responder import Responder
from .pipeline.sessions import SessionStore
from .policy import PolicyEnforcement
from .scripting.engine import Scripting
from .synthesis import Synthesizer


@dataclass
class ServerState:
    """Configuration, journal, sessions, request intake, responder, delivery and the answer cache."""

    config: MockConfig
    responder: Responder
    journal: Journal = field(init=False)
    sessions: SessionStore = field(init=False)
    intake: Intake = field(init=False)
    delivery: Delivery = field(init=False)
    answers: AnswerCache = field(init=False)
    slow_answers: set[asyncio.Task[Any]] = field(init=False, default_factory=set)
    """Handlers waiting on configured latency; cancelled when the server shuts down."""
    scripting: Scripting = field(init=False)
    """Stubs, faults and strict mode (see :mod:`sequrity_contract.mockserver.scripting.engine`)."""
    policies: PolicyEnforcement = field(init=False)
    """The ``X-Policy`` state of each session (see :mod:`sequrity_contract.mockserver.policy`)."""

    def __post_init__(self) -> None:
        self.journal = Journal(self.config.journal_size, worker=self.config.worker,
                               max_bytes=self.config.journal_bytes)
        self.sessions = SessionStore(self.config.seed, self.config.session_limit, self.config.worker)
        self.intake = Intake(self.config.cache_size)
        config = self.config
        self.delivery = Delivery(config.dialect, config.chunk_size, config.json_chunk_size, config.latency, config.seed)
        self.answers = AnswerCache(self.config.cache_size)
        self.scripting = Scripting(self.config)
        self.policies = PolicyEnforcement(self.config.session_limit)

    @classmethod
    def create(cls, config: MockConfig, responder: Responder | None = None) -> ServerState:
        """The state of a fresh server (the synthesizer answers unless ``responder`` is given)."""
        return cls(config, responder or Synthesizer())

    @contextmanager
    def slow_answer(self) -> Iterator[None]:
        """Around an answer that waits (latency, a scripted delay, a replay's timing): the running
        task is one of :attr:`slow_answers` meanwhile, so shutting down cancels it at once."""
        task = asyncio.current_task()
        if task is not None:
            self.slow_answers.add(task)
        try:
            yield
        finally:
            if task is not None:
                self.slow_answers.discard(task)

    async def cancel_slow_answers(self) -> None:
        """End every answer still waiting on latency (on shutdown: open streams are closed at once)."""
        for task in list(self.slow_answers):
            task.cancel()

    def clear(self) -> None:
        """Back to a fresh server's state: no journal entries, no sessions, the configured stubs and fault."""
        self.journal.clear()
        self.sessions.clear()
        self.policies.clear()
        self.scripting.reset()


STATE: web.AppKey[ServerState] = web.AppKey("sequrity_mock_state", ServerState)
"""Where :func:`~sequrity_contract.mockserver.app.create_app` keeps the :class:`ServerState`."""
