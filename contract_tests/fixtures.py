"""Fixtures for downstream projects (registered by the pytest plugin).

- ``sequrity_mock_config`` (session): the :class:`~sequrity_contract.mockserver.MockConfig` of the shared
  server; override it in your ``conftest.py`` to change seed, keys, dialect, latency.
- ``sequrity_mock_server`` (session): the running :class:`~sequrity_contract.mockserver.MockServer`.
- ``sequrity_mock``: the same server, its journal, sessions (and stubs, once the server
  has them) cleared before the test: ``.url``, ``.messages_url()``, ``.requests``,
  ``.sessions`` and every other method of :class:`~sequrity_contract.mockserver.MockServer`. A test marked
  ``@pytest.mark.sequrity_cassette("name")`` gets a server of its own replaying (or
  recording) that cassette instead (:mod:`sequrity_contract.contract_tests.cassettes`).
- ``sequrity_client``: a :class:`~sequrity_contract.contract_tests.client.ReferenceClient` bound to it
  (no retries), usable from any event loop (``asyncio.run`` in a test, or an async test);
  while recording a cassette it sends the live key (``--sequrity-api-key`` or
  ``$SEQURITY_API_KEY``) when one is given.
"""

from __future__ import annotations

from collections.abc import Iterator

import aiohttp
import pytest

from sequrity_contract.mockserver import MockConfig, MockServer

from .cassettes import MARKER, CassetteSettings, cassette_server, parse_marker, read_cassette_settings
from .client import AiohttpTransport, HttpRequest, HttpResponse, ReferenceClient

__all__ = ["CASSETTE_SETTINGS", "DEFAULT_TEST_KEY", "ConnectionPerRequestTransport", "cassette_settings",
           "sequrity_client", "sequrity_mock", "sequrity_mock_config", "sequrity_mock_server"]

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


CASSETTE_SETTINGS = pytest.StashKey[CassetteSettings]()
"""Where the plugin keeps the session's :class:`~sequrity_contract.contract_tests.cassettes.CassetteSettings`."""


def cassette_settings(config: pytest.Config) -> CassetteSettings:
    """The session's cassette options (read once, then kept in ``config.stash``)."""
    if CASSETTE_SETTINGS not in config.stash:
        config.stash[CASSETTE_SETTINGS] = read_cassette_settings(config)
    return config.stash[CASSETTE_SETTINGS]


@pytest.fixture
def sequrity_mock(request: pytest.FixtureRequest, sequrity_mock_config: MockConfig) -> Iterator[MockServer]:
    """The shared mock server, reset for this test (empty journal, no sessions); for a test marked
    ``sequrity_cassette(name)``, a server of its own replaying or recording that cassette."""
    mark = request.node.get_closest_marker(MARKER)
    if mark is None:
        server: MockServer = request.getfixturevalue("sequrity_mock_server")
        server.clear()
        yield server
        return
    with cassette_server(sequrity_mock_config, cassette_settings(request.config), parse_marker(mark),
                         request.node.path) as server:
        yield server


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
def sequrity_client(request: pytest.FixtureRequest, sequrity_mock: MockServer) -> ReferenceClient:
    """A :class:`ReferenceClient` for ``sequrity_mock`` (``max_retries=0``), usable from any event loop."""
    keys = sequrity_mock.config.api_keys
    key = keys[0] if keys else DEFAULT_TEST_KEY
    if sequrity_mock.config.mode == "record":
        key = cassette_settings(request.config).api_key or key
    return ReferenceClient(sequrity_mock.url, api_key=key, max_retries=0, transport=ConnectionPerRequestTransport())
