"""The JSON Schema compiler: one compiled tree per schema, two back ends.

:func:`compile_schema` turns a schema into a tree of nodes once (cached by the schema's
content); :func:`from_schema` makes a hypothesis strategy of the tree and :func:`sample_value`
draws a value from it with a seeded :class:`random.Random`, so the mock server synthesises
values from the same definitions the tests generate from.

>>> import random
>>> sample_value({"type": "integer", "minimum": 3, "maximum": 3}, random.Random(0))
3
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from hypothesis.strategies import SearchStrategy

from .compile import UNSUPPORTED_KEYWORDS, compile_schema, contract_documents
from .nodes import Node, UnsupportedSchema
from .sampler import sample_node
from .size_budget import DEFAULT_MAX_SIZE, Allowance, SchemaTooLarge, check_max_size
from .to_strategy import to_strategy

__all__ = [
    "DEFAULT_MAX_SIZE",
    "UNSUPPORTED_KEYWORDS",
    "Allowance",
    "Node",
    "SchemaTooLarge",
    "UnsupportedSchema",
    "compile_schema",
    "contract_documents",
    "from_schema",
    "sample_node",
    "sample_value",
    "to_strategy",
]


def from_schema(schema: dict[str, Any] | bool) -> SearchStrategy[Any]:
    """A strategy for values valid against the user's JSON ``schema`` (compiled once).

    Schemas using keywords the compiler refuses (see :data:`UNSUPPORTED_KEYWORDS`) fall back
    to hypothesis-jsonschema, the reference implementation (the ``reference`` extra; without it,
    such a schema raises :class:`ImportError` naming the extra). A schema whose smallest valid value
    exceeds the size budget raises :class:`SchemaTooLarge` (no fallback).
    """
    try:
        return to_strategy(compile_schema(schema))
    except SchemaTooLarge:
        raise
    except UnsupportedSchema as unsupported:
        try:
            from hypothesis_jsonschema import from_schema as reference_from_schema
        except ImportError as exc:
            raise ImportError(f"{unsupported}; schemas like this fall back to hypothesis-jsonschema, which is "
                              "not installed: pip install 'sequrity-contract[reference]'") from exc

        return reference_from_schema(schema)


def sample_value(
    schema: dict[str, Any] | bool, rng: random.Random, *, documents: Mapping[str, Any] | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
) -> Any:
    """A small value valid against ``schema``, drawn with ``rng`` (deterministic for its state).

    ``documents`` (URI -> schema) resolves references to other documents, as in
    :func:`~sequrity_contract.strategies.compiler.compile.compile_schema`. ``max_size`` bounds the value: string
    characters plus array items plus object properties (default 65 536).

    Raises :class:`UnsupportedSchema` naming the keyword and JSON path of anything it cannot
    generate (an unsatisfiable clause, a look-ahead in a ``pattern``, an unsupported keyword),
    and its subclass :class:`~sequrity_contract.strategies.compiler.size_budget.SchemaTooLarge` when the schema requires
    more than ``max_size`` (``minLength``, ``minItems``, ``minProperties``, ``required`` or a
    ``pattern`` repeat count).
    """
    budget = Allowance(check_max_size(max_size))
    return sample_node(compile_schema(schema, documents=documents), rng, budget=budget)
