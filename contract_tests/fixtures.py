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
- ``anthropic_client``: an ``anthropic.Anthropic`` pointed at it (route ``chat/anthropic``, no
  retries); ``openai_client``: an ``openai.OpenAI`` pointed at its chat completions route
  (``chat/openai``, no retries); ``sequrity_official_client``: the official
  ``sequrity.SequrityClient`` pointed at it.
  Each is skipped, naming the extra to install, when its package is missing
  (:mod:`sequrity_contract.contract_tests.sdk_clients`).

A ``@given`` test takes the session-scoped ``sequrity_mock_server`` with
:func:`~sequrity_contract.contract_tests.property_tests.fresh_mock` instead of ``sequrity_mock``.
Everything heavy (the mock server, aiohttp, the clients) is imported when a fixture runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .cassettes import MARKER, CassetteSettings, cassette_server, parse_marker, read_cassette_settings
from .mock_checks import stub_baseline
from .sdk_clients import (
    CLIENTS_EXTRA,
    DEFAULT_TEST_KEY,
    make_anthropic_client,
    make_official_client,
    make_openai_client,
    server_key,
)

if TYPE_CHECKING:
    from sequrity_contract.mockserver import MockConfig, MockServer

    from .client import HttpRequest, HttpResponse, ReferenceClient

__all__ = ["CASSETTE_SETTINGS", "DEFAULT_TEST_KEY", "STUB_BASELINE", "ConnectionPerRequestTransport",
           "anthropic_client", "cassette_settings", "openai_client", "sequrity_client", "sequrity_mock",
           "sequrity_mock_config", "sequrity_mock_server", "sequrity_official_client"]

STUB_BASELINE = pytest.StashKey[frozenset[str]]()
"""The stubs a test's server had when the test started (the ``sequrity_mock`` marker's checks leave them out)."""


@pytest.fixture(scope="session")
def sequrity_mock_config() -> MockConfig:
    """The shared mock server's settings (override this fixture to change them)."""
    from sequrity_contract.mockserver import MockConfig

    return MockConfig()


@pytest.fixture(scope="session")
def sequrity_mock_server(sequrity_mock_config: MockConfig) -> Iterator[MockServer]:
    """One mock server per test session (per xdist worker), on a free loopback port. A ``@given`` test
    uses this one, reset per example with :func:`~sequrity_contract.contract_tests.property_tests.fresh_mock`."""
    from sequrity_contract.mockserver import MockServer

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
        request.node.stash[STUB_BASELINE] = stub_baseline(server)
        yield server
        return
    with cassette_server(sequrity_mock_config, cassette_settings(request.config), parse_marker(mark),
                         request.node.path) as server:
        request.node.stash[STUB_BASELINE] = stub_baseline(server)
        yield server


class ConnectionPerRequestTransport:
    """A transport that opens one aiohttp session per request and closes it with the
    response, so a client can be used from any event loop (one ``asyncio.run`` per test)
    and leaves no connection behind."""

    async def send(self, request: HttpRequest) -> HttpResponse:
        """Send ``request`` on a new connection."""
        import aiohttp

        from .client import AiohttpTransport

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
    from .client import ReferenceClient

    return ReferenceClient(sequrity_mock.url, api_key=_key(request, sequrity_mock), max_retries=0,
                           transport=ConnectionPerRequestTransport())


def _key(request: pytest.FixtureRequest, server: MockServer) -> str:
    """The Sequrity key a client fixture sends: the server's, or while recording a cassette the live key."""
    if server.config.mode == "record":
        return cassette_settings(request.config).api_key or server_key(server)
    return server_key(server)


def _client_package(name: str, fixture: str) -> None:
    """Skip the test, naming the extra to install, when the package ``name`` is missing."""
    pytest.importorskip(name, reason=f"the {fixture} fixture needs the {name!r} package: "
                                     f"pip install '{CLIENTS_EXTRA}'")


@pytest.fixture
def anthropic_client(request: pytest.FixtureRequest, sequrity_mock: MockServer) -> Iterator[Any]:
    """An ``anthropic.Anthropic`` for ``sequrity_mock``: ``base_url`` its ``chat/anthropic`` route prefix,
    ``auth_token`` the Sequrity key, an ``X-Api-Key`` LLM key, ``max_retries=0`` (for retries:
    ``anthropic_client.with_options(max_retries=2)``). Skipped when the SDK is not installed."""
    _client_package("anthropic", "anthropic_client")
    client = make_anthropic_client(sequrity_mock, api_key=_key(request, sequrity_mock))
    yield client
    client.close()


@pytest.fixture
def openai_client(request: pytest.FixtureRequest, sequrity_mock: MockServer) -> Iterator[Any]:
    """An ``openai.OpenAI`` for ``sequrity_mock``'s chat completions: ``base_url`` its ``chat/openai/v1``
    route prefix, ``api_key`` the Sequrity key, an ``X-Api-Key`` LLM key, ``max_retries=0`` (for
    retries: ``openai_client.with_options(max_retries=2)``). Skipped when the SDK is not installed."""
    _client_package("openai", "openai_client")
    client = make_openai_client(sequrity_mock, api_key=_key(request, sequrity_mock))
    yield client
    client.close()


@pytest.fixture
def sequrity_official_client(request: pytest.FixtureRequest, sequrity_mock: MockServer) -> Iterator[Any]:
    """The official ``sequrity.SequrityClient`` for ``sequrity_mock`` (``client.control.messages.create``).
    Skipped when the ``sequrity`` package is not installed."""
    _client_package("sequrity", "sequrity_official_client")
    client = make_official_client(sequrity_mock, api_key=_key(request, sequrity_mock))
    yield client
    close = getattr(client, "close", None)
    if callable(close):
        close()
