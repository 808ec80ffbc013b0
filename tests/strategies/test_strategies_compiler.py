"""The schema compiler and its two back ends: every value either back end produces is
valid against the schema (checked with jsonschema), the sampler is deterministic, and
what cannot be generated is refused with the keyword and JSON path."""

from __future__ import annotations

import gc
import random
import weakref
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema as reference_from_schema
from jsonschema.validators import validator_for
from strategies_corpus import CORPUS, UNSUPPORTED

from sequrity_contract import schemas
from sequrity_contract.strategies.compiler import (
    UnsupportedSchema,
    compile_schema,
    contract_documents,
    from_schema,
    sample_value,
    to_strategy,
)

CORPUS_IDS = [name for name, _ in CORPUS]
SCHEMAS = [schema for _, schema in CORPUS]


def is_valid(schema: Any, value: Any) -> bool:
    return validator_for(schema)(schema).is_valid(value)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


@pytest.mark.parametrize("schema", SCHEMAS, ids=CORPUS_IDS)
@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_strategy_values_are_valid(schema: Any, data: st.DataObject) -> None:
    value = data.draw(from_schema(schema))
    assert is_valid(schema, value), value


@pytest.mark.parametrize("schema", SCHEMAS, ids=CORPUS_IDS)
def test_sampled_values_are_valid(schema: Any) -> None:
    rng = random.Random(1234)
    for _ in range(100):
        value = sample_value(schema, rng)
        assert is_valid(schema, value), value


@pytest.mark.parametrize("schema", SCHEMAS, ids=CORPUS_IDS)
def test_sampler_is_deterministic_for_a_seed(schema: Any) -> None:
    first = [sample_value(schema, random.Random(seed)) for seed in range(20)]
    again = [sample_value(schema, random.Random(seed)) for seed in range(20)]
    assert first == again


# hypothesis-jsonschema cannot resolve recursive references; those schemas have no reference.
COMPARED = [c for c in CORPUS if c[0] not in ("true", "empty", "recursive-tree", "root-recursion")]


@pytest.mark.parametrize(("name", "schema"), COMPARED, ids=[n for n, _ in COMPARED])
def test_reaches_every_json_type_the_reference_reaches(name: str, schema: Any) -> None:
    """hypothesis-jsonschema is the reference: over the same number of examples, every kind
    of valid value it produces is one ours produces too (it is draft-7 minded and sometimes
    produces invalid values, e.g. ignoring ``prefixItems``; those are not counted)."""

    def kinds(strategy: st.SearchStrategy[Any]) -> set[str]:
        seen: set[str] = set()

        @settings(max_examples=15, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def collect(value: Any) -> None:
            if is_valid(schema, value):
                seen.add(json_type(value))

        collect()
        return seen

    ours = kinds(from_schema(schema))
    assert ours
    assert kinds(reference_from_schema(schema)) <= ours


@pytest.mark.parametrize("name", ["request", "response", "error", "x-features", "x-policy", "x-config"])
def test_contract_documents_compile_and_sample_valid_values(name: str) -> None:
    rng = random.Random(7)
    for _ in range(100):
        value = sample_value(schemas.load(name), rng, documents=contract_documents())
        assert schemas.validate(name, value) == []


def test_sampled_objects_carry_required_and_some_optional_properties() -> None:
    schema = {"type": "object", "required": ["a"],
              "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}}
    values = [sample_value(schema, random.Random(seed)) for seed in range(40)]
    assert all("a" in v for v in values)
    assert any("b" in v for v in values)
    assert any("b" not in v for v in values)


def test_sampled_values_are_small() -> None:
    schema = {"type": "array", "items": {"type": "string"}}
    values = [sample_value(schema, random.Random(seed)) for seed in range(50)]
    assert max(len(v) for v in values) <= 3
    assert max(len(s) for v in values for s in v) <= 8


def test_compiled_nodes_are_cached_by_content() -> None:
    one, same = {"type": "integer", "minimum": 1}, {"minimum": 1, "type": "integer"}
    assert compile_schema(one) is compile_schema(same)


def test_strategies_do_not_keep_compiled_schemas_alive() -> None:
    """The compile cache is bounded; a strategy built from an evicted node must not pin it."""
    first = compile_schema({"type": "string", "const": "first-of-many"})
    to_strategy(first).validate()
    alive = weakref.ref(first)
    del first
    for i in range(1100):  # more distinct schemas than the compile cache holds
        to_strategy(compile_schema({"type": "integer", "minimum": i}))
    gc.collect()
    assert alive() is None


def test_recursive_strategy_is_one_shared_strategy() -> None:
    node = compile_schema(dict(CORPUS)["recursive-tree"])
    assert to_strategy(node) is to_strategy(node)


@pytest.mark.parametrize(("schema", "keyword", "path"), [u[1:] for u in UNSUPPORTED],
                         ids=[u[0] for u in UNSUPPORTED])
def test_sampler_refuses_with_keyword_and_path(schema: Any, keyword: str, path: str) -> None:
    with pytest.raises(UnsupportedSchema) as caught:
        sample_value(schema, random.Random(0))
    assert (caught.value.keyword, caught.value.path) == (keyword, path)
    assert keyword in str(caught.value) and path in str(caught.value)
    assert isinstance(caught.value, ValueError)


PATTERN_PROPERTIES = {"type": "object", "patternProperties": {"^x": {"type": "integer"}}, "maxProperties": 3}


@settings(max_examples=20)
@given(from_schema(PATTERN_PROPERTIES))
def test_from_schema_falls_back_to_the_reference_for_unsupported_keywords(value: Any) -> None:
    assert is_valid(PATTERN_PROPERTIES, value)
