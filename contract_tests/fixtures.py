"""Fixtures for downstream projects (registered by the pytest plugin).

- ``sequrity_mock_config`` (session): the :class:`~mockserver.MockConfig` of the shared
  server; override it in your ``conftest.py`` to change seed, keys, dialect, latency.
- ``sequrity_mock_server`` (session): the running :class:`~mockserver.MockServer`.
- ``sequrity_mock``: the same server, its journal, sessions (and stubs, once the server
  has them) cleared before the test: ``.url``, ``.messages_url()``, ``.requests``,
  ``.sessions`` and every other method of :class:`~mockserver.MockServer`.
- ``sequrity_client``: a :class:`~contract_tests.client.ReferenceClient` bound to it
  (no retries), usable from any event loop (``asyncio.run`` in a test, or an async test).
"""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
import pytest

from mockserver import MockConfig, MockServer

from .client import AiohttpTransport, HttpRequest, HttpResponse, ReferenceClient

__all__ = ["DEFAULT_TEST_KEY", "ConnectionPerRequestTransport", "sequrity_client", "sequrity_mock",
           "sequrity_mock_config", "sequrity_mock_server"]

DEFAULT_TEST_KEY = "sq-test"
"""The bearer key ``sequrity_client`` sends when the server accepts any key."""


@pytest.fixture(scope="session")
def sequrity_mock_config() -> MockConfig:
    """The shared mock server's settings (override this fixture to change them)."""
    return MockConfig()


@pytest.fixture(scope="session")
def sequrity_mock_server(sequrity_mock_config: MockConfig) -> Iterator[MockServer]:
    """One mock server per test session (per xdist worker), on a free loopback port."""
    with MockServer(sequrity_mock_config) as server:
        yield server


@pytest.fixture
def sequrity_mock(sequrity_mock_server: MockServer) -> MockServer:
    """The shared mock server, reset for this test (empty journal, no sessions)."""
    sequrity_mock_server.clear()
    return sequrity_mock_server


class ConnectionPerRequestTransport:
    """A transport that opens one aiohttp session per request and closes it with the
    response, so a client can be used from any event loop (one ``asyncio.run`` per test)
    and leaves no connection behind."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` on a new connection."""
        session = aiohttp.ClientSession()
        try:
            response = await AiohttpTransport(session).send(request)
        except BaseException:
            await session.close()
            raise
        release = response.on_close

        async def close() -> None:
            try:
                await release()
            finally:
                await session.close()

        response.on_close = close
        return response

    async def aclose(self) -> None:
        """Nothing is held between requests."""


@pytest.fixture
def sequrity_client(sequrity_mock: MockServer) -> ReferenceClient:
    """A :class:`ReferenceClient` for ``sequrity_mock`` (``max_retries=0``), usable from any event loop."""
    keys = sequrity_mock.config.api_keys
    return ReferenceClient(sequrity_mock.url, api_key=keys[0] if keys else DEFAULT_TEST_KEY, max_retries=0,
                           transport=ConnectionPerRequestTransport())
