"""MockConfig and Latency refuse bad values with errors naming the field."""

from __future__ import annotations

from typing import Any

import pytest

from sequrity_contract.mockserver import Latency, MockConfig

BAD = [
    ({"port": -1}, ValueError, "port=-1"),
    ({"port": 70000}, ValueError, "port=70000"),
    ({"port": "80"}, ValueError, "port='80'"),
    ({"host": ""}, ValueError, "host=''"),
    ({"seed": 1.5}, TypeError, "seed=1.5"),
    ({"api_keys": "key"}, TypeError, "api_keys='key'"),
    ({"api_keys": ("",)}, ValueError, "api_keys=('',)"),
    ({"dialect": "openai"}, ValueError, "dialect='openai'"),
    ({"latency": "soon"}, ValueError, "latency='soon'"),
    ({"latency": "1,2,3,4"}, ValueError, "latency='1,2,3,4'"),
    ({"latency": 5}, TypeError, "latency=5"),
    ({"chunk_size": 0}, ValueError, "chunk_size=0"),
    ({"json_chunk_size": True}, ValueError, "json_chunk_size=True"),
    ({"journal_size": 0}, ValueError, "journal_size=0"),
    ({"session_limit": -5}, ValueError, "session_limit=-5"),
    ({"cache_size": -1}, ValueError, "cache_size=-1"),
    ({"max_body_bytes": 0}, ValueError, "max_body_bytes=0"),
]


@pytest.mark.parametrize(("fields", "error", "names"), BAD, ids=[b[2] for b in BAD])
def test_bad_values_name_the_field(fields: dict[str, Any], error: type[Exception], names: str) -> None:
    with pytest.raises(error) as raised:
        MockConfig(**fields)
    assert names in str(raised.value)
    assert "expected" in str(raised.value)


def test_latency_from_milliseconds() -> None:
    assert Latency.parse("200") == Latency(0.2, 0.0, 0.0)
    assert Latency.parse("200, 20,5") == Latency(0.2, 0.02, 0.005)
    assert MockConfig(latency="0").latency.is_zero
    with pytest.raises(ValueError, match=r"latency.jitter=-1"):
        Latency(0, 0, -1)


def test_defaults_and_replace() -> None:
    config = MockConfig()
    assert (config.port, config.dialect, config.journal_size, config.max_body_bytes) == (
        0,
        "sequrity",
        10_000,
        32 * 1024 * 1024,
    )
    assert config.accepts_any_key
    changed = config.replace(api_keys=["a", "b"], seed=9)
    assert changed.api_keys == ("a", "b") and changed.seed == 9 and not changed.accepts_any_key
    with pytest.raises(TypeError, match="unknown MockConfig option nope=1"):
        config.replace(nope=1)
