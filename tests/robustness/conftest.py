"""Fixtures of the robustness tests: a real server on a free loopback port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sequrity_contract.mockserver import MockServer


@pytest.fixture(scope="module")
def fuzz_server() -> Iterator[MockServer]:
    """A server (seed 0, any bearer key) on a background thread, shared by a module's tests."""
    with MockServer(seed=0) as server:
        yield server
