"""Fixtures of the mock-server tests: one real server per session on a free loopback port,
reset before every test that asks for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sequrity_contract.mockserver import MockServer


@pytest.fixture(scope="session")
def shared_server() -> Iterator[MockServer]:
    """The session's server (seed 0, any key accepted), on a background thread."""
    with MockServer(seed=0) as server:
        yield server


@pytest.fixture
def server(shared_server: MockServer) -> MockServer:
    """The shared server with an empty journal and session table."""
    shared_server.clear()
    return shared_server


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (the loop aiohttp uses)."""
    return "asyncio"
