"""With or without orjson (the ``fast`` extra), strict JSON parsing gives the same values for every
document and refuses the same ones: orjson is only ever a faster way to the same result."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequrity_contract.mockserver.support import strict_json
from sequrity_contract.mockserver.support.strict_json import InvalidJson, loads_strict

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25)


def both_ways(data: bytes | str) -> tuple[Any, Any]:
    """``loads_strict(data)`` with orjson (when installed) and without it: value or error message."""
    def attempt() -> Any:
        try:
            return ("value", loads_strict(data))
        except InvalidJson as exc:
            return ("error", str(exc))

    fast = attempt()
    saved, strict_json.orjson_loads = strict_json.orjson_loads, None
    try:
        plain = attempt()
    finally:
        strict_json.orjson_loads = saved
    return fast, plain


@given(json_values, st.booleans())
def test_every_document_parses_to_the_same_value_either_way(value: Any, as_bytes: bool) -> None:
    text = json.dumps(value, ensure_ascii=bool(as_bytes))
    fast, plain = both_ways(text.encode() if as_bytes else text)
    assert fast == plain == ("value", value) or (fast == plain and value != value)


@pytest.mark.parametrize("data", [
    b'{"a": NaN}', b'{"a": Infinity}', b'{"a":"\\ud800"}', b'{"a":"\xed\xa0\x80"}', b"\xff{}",
    '{"a": "\udcff"}', b"[" * 3000 + b"]" * 3000, b'{"a": 123456789012345678901234567890}', b"{", b"",
    b'\xef\xbb\xbf{"bom": 1}', b'{"a": 1e400}', b'{"a": 1, "a": 2}',
])
def test_edge_documents_get_the_same_answer_either_way(data: bytes | str) -> None:
    fast, plain = both_ways(data)
    assert fast == plain
