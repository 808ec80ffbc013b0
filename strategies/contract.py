"""Strategies for parts of the contract documents, compiled by :mod:`sequrity_contract.strategies.compiler.compile`.

Clients drop ``null`` fields before sending, so the optional ``anyOf [X, null]`` fields of
the documents are compiled as ``X`` (absent or present, never null).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import DOCUMENTS, load
from sequrity_contract.schemas.registry import BASE_URI

from .compiler import compile_schema, to_strategy

_NULL = {"type": "null"}


def without_nulls(schema: Any) -> Any:
    """``schema`` with every ``null`` branch of an ``anyOf`` removed (recursively)."""
    if isinstance(schema, list):
        return [without_nulls(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: without_nulls(v) for k, v in schema.items()}
    branches = out.get("anyOf")
    if isinstance(branches, list) and _NULL in branches and len(branches) > 1:
        kept = [b for b in branches if b != _NULL]
        del out["anyOf"]
        if out.get("default", 0) is None:
            del out["default"]
        if len(kept) == 1 and isinstance(kept[0], dict) and not set(kept[0]) & set(out):
            out.update(kept[0])
        else:
            out["anyOf"] = kept
    return out


@cache
def _documents() -> dict[str, Any]:
    return {BASE_URI + filename: without_nulls(load(name)) for name, filename in DOCUMENTS.items()}


def contract_schema(document: str, definition: str | None = None) -> dict[str, Any]:
    """The null-free schema of ``document`` (or of one of its ``$defs``), as a ``$ref``."""
    pointer = f"#/$defs/{definition}" if definition else "#"
    return {"$ref": BASE_URI + DOCUMENTS[document] + pointer}


@cache
def contract_strategy(document: str, definition: str | None = None) -> SearchStrategy[Any]:
    """A strategy for null-free values of ``document`` (or one of its ``$defs``)."""
    node = compile_schema(contract_schema(document, definition), documents=_documents())
    return to_strategy(node)
