"""The size budget of both back ends: a schema whose smallest valid value exceeds ``max_size``
(string characters + array items + object properties) is refused at once with
``SchemaTooLarge`` naming the keyword and JSON path; everything else still gets valid values,
and sampled values never exceed the budget."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema.validators import validator_for
from strategies_corpus import CORPUS

from sequrity_contract.strategies.compiler import (
    DEFAULT_MAX_SIZE,
    SchemaTooLarge,
    UnsupportedSchema,
    compile_schema,
    from_schema,
    sample_value,
    to_strategy,
)


def size_of(value: Any) -> int:
    """The budget's measure: characters of strings (keys excluded) + array items + object properties."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(1 + size_of(v) for v in value)
    if isinstance(value, dict):
        return sum(1 + size_of(v) for v in value.values())
    return 0


def is_valid(schema: Any, value: Any) -> bool:
    return validator_for(schema)(schema).is_valid(value)


def nested_arrays(*sizes: int) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    for size in reversed(sizes):
        schema = {"type": "array", "minItems": size, "items": schema}
    return schema


# name: (schema, keyword named, JSON path named)
TOO_LARGE: list[tuple[str, dict[str, Any], str, str]] = [
    ("minLength", {"type": "string", "minLength": 1_000_000_000}, "minLength", "$"),
    ("minItems", {"type": "array", "minItems": 100_000_000}, "minItems", "$"),
    ("minProperties", {"type": "object", "minProperties": 10_000_000}, "minProperties", "$"),
    ("pattern-repeat", {"type": "string", "pattern": "^a{100000000}$"}, "pattern", "$"),
    ("pattern-nested-repeat", {"type": "string", "pattern": "^(a{1000}){1000}$"}, "pattern", "$"),
    ("nested-minItems", nested_arrays(1000, 1000, 100), "minItems", "$.items"),
    ("tool-input", {"type": "object", "properties": {"s": {"type": "string", "minLength": 10**9}},
                    "required": ["s"]}, "minLength", "$.properties.s"),
    ("many-required", {"type": "object", "required": [f"p{i}" for i in range(40)],
                       "properties": {f"p{i}": {"type": "string", "minLength": 2000} for i in range(40)}},
     "required", "$"),
    ("every-branch-too-large", {"anyOf": [{"type": "string", "minLength": 10**6},
                                          {"type": "array", "minItems": 10**6}]}, "minLength", "$.anyOf[0]"),
]
TOO_LARGE_IDS = [case[0] for case in TOO_LARGE]


@pytest.mark.parametrize(("schema", "keyword", "path"), [c[1:] for c in TOO_LARGE], ids=TOO_LARGE_IDS)
def test_the_sampler_refuses_a_schema_requiring_more_than_the_budget(schema: Any, keyword: str, path: str) -> None:
    with pytest.raises(SchemaTooLarge) as caught:
        sample_value(schema, random.Random(0))
    assert isinstance(caught.value, UnsupportedSchema)
    assert (caught.value.keyword, caught.value.path) == (keyword, path)
    assert f"max_size={DEFAULT_MAX_SIZE}" in str(caught.value)


@pytest.mark.parametrize(("schema", "keyword", "path"), [c[1:] for c in TOO_LARGE], ids=TOO_LARGE_IDS)
def test_the_hypothesis_back_end_refuses_it_before_drawing(schema: Any, keyword: str, path: str) -> None:
    with pytest.raises(SchemaTooLarge) as caught:
        from_schema(schema)  # no fallback to hypothesis-jsonschema either
    assert (caught.value.keyword, caught.value.path) == (keyword, path)


def test_a_recursion_that_needs_a_huge_value_is_refused_and_names_the_keyword() -> None:
    schema = {"$defs": {"node": {"type": "object", "required": ["text", "next"],
                                 "properties": {"text": {"type": "string", "minLength": 30_000},
                                                "next": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/node"}]}}}},
              "type": "array", "minItems": 3, "items": {"$ref": "#/$defs/node"}}
    with pytest.raises(SchemaTooLarge) as caught:
        sample_value(schema, random.Random(0))
    assert caught.value.keyword == "minItems"
    assert "max_size" in str(caught.value)


@settings(max_examples=30, deadline=None)
@given(max_size=st.integers(0, 3000), extra=st.integers(1, 50))
def test_exactly_the_budget_fits_and_one_more_is_refused(max_size: int, extra: int) -> None:
    fits = {"type": "string", "minLength": max_size}
    value = sample_value(fits, random.Random(max_size), max_size=max_size)
    assert is_valid(fits, value) and len(value) == max_size
    with pytest.raises(SchemaTooLarge) as caught:
        sample_value({"type": "string", "minLength": max_size + extra}, random.Random(0), max_size=max_size)
    assert caught.value.keyword == "minLength"
    with pytest.raises(SchemaTooLarge):
        to_strategy(compile_schema({"type": "array", "minItems": max_size + extra}), max_size=max_size)


@settings(max_examples=50, deadline=None)
@given(name_and_schema=st.sampled_from(CORPUS), max_size=st.integers(0, 200), seed=st.integers(0, 2**32))
def test_sampled_values_are_valid_and_within_any_budget(name_and_schema: tuple[str, Any], max_size: int,
                                                         seed: int) -> None:
    _, schema = name_and_schema
    try:
        value = sample_value(schema, random.Random(seed), max_size=max_size)
    except SchemaTooLarge as exc:
        assert exc.keyword and exc.path.startswith("$")
        return
    assert is_valid(schema, value), value
    assert size_of(value) <= max_size


@settings(max_examples=25, deadline=None)
@given(sizes=st.lists(st.integers(0, 40), min_size=1, max_size=3), seed=st.integers(0, 2**32))
def test_nested_sizes_under_the_budget_give_valid_values_of_at_least_the_required_size(
        sizes: list[int], seed: int) -> None:
    schema = nested_arrays(*sizes)
    value = sample_value(schema, random.Random(seed))
    assert is_valid(schema, value)
    assert size_of(value) <= DEFAULT_MAX_SIZE


def test_optional_parts_are_left_out_when_they_do_not_fit() -> None:
    schema = {"type": "object", "required": ["big"],
              "properties": {"big": {"type": "string", "minLength": 900},
                             "more": {"type": "array", "items": {"type": "string", "minLength": 400}}}}
    for seed in range(20):
        value = sample_value(schema, random.Random(seed), max_size=1000)
        assert is_valid(schema, value) and size_of(value) <= 1000


@pytest.mark.parametrize(("max_size", "error"), [(-1, ValueError), ("64k", TypeError), (True, TypeError)],
                         ids=["negative", "string", "bool"])
def test_a_bad_max_size_is_named(max_size: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=f"max_size={max_size!r}"):
        sample_value({"type": "string"}, random.Random(0), max_size=max_size)
    with pytest.raises(error, match=f"max_size={max_size!r}"):
        to_strategy(compile_schema({"type": "string"}), max_size=max_size)
