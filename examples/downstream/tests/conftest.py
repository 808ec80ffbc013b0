"""Fixture overrides: the shared mock server's settings for this project."""

import pytest

from sequrity_contract.mockserver import MockConfig


@pytest.fixture(scope="session")
def sequrity_mock_config() -> MockConfig:
    """A fixed seed and one accepted key: the client fixture sends it."""
    return MockConfig(seed=7, api_keys=("sq-downstream",))
