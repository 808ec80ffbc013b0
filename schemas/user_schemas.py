"""Validation against JSON Schemas that users supply: tool ``input_schema`` and
``output_config.format.schema``. Compiled validators are cached by schema content.

:func:`user_schema_violations` words what is wrong (``jsonschema``); :func:`user_schema_checker`
gives a compiled yes/no check for values the toolkit made itself (``jsonschema_rs``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

from .registry import _refine, _violation
from .violations import Violation


@lru_cache(maxsize=512)
def _compiled(schema_json: str) -> Validator | Violation:
    schema = json.loads(schema_json)
    cls = validator_for(schema, default=Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        return Violation("user_schema", "$", f"a valid JSON Schema ({exc.message})", schema)
    return cls(schema)


def user_schema_violations(schema: dict[str, Any], instance: Any) -> list[Violation]:
    """Violations of ``instance`` against the user's ``schema`` (an invalid schema is one violation)."""
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return [Violation("user_schema", "$", "a JSON-serialisable JSON Schema", repr(schema))]
    compiled = _compiled(key)
    if isinstance(compiled, Violation):
        return [compiled]
    try:
        if compiled.is_valid(instance):
            return []
        return [_violation(_refine(e)) for e in compiled.iter_errors(instance)]
    except RecursionError:
        return [Violation("schema:depth", "$", "a document nested less deeply")]
    except Exception as exc:  # a user schema can reference what cannot be resolved
        return [Violation("user_schema", "$", f"a schema that can be evaluated ({exc})")]


@lru_cache(maxsize=512)
def _checker(schema_json: str) -> Callable[[Any], bool]:
    compiled = _compiled(schema_json)
    if isinstance(compiled, Violation):
        return lambda instance: False
    try:
        fast = jsonschema_rs.validator_for(json.loads(schema_json)).is_valid
    except Exception:  # a schema the Rust validator does not take: the Python one decides
        fast = None
    if fast is not None:
        def check(instance: Any) -> bool:
            try:
                return bool(fast(instance))
            except (ValueError, OverflowError, RecursionError):
                return not user_schema_violations(json.loads(schema_json), instance)
        return check
    return lambda instance: not user_schema_violations(json.loads(schema_json), instance)


def user_schema_checker(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """A compiled check of values against the user's ``schema`` (False for every value when the
    schema is not a valid JSON Schema), for values parsed from or bound for JSON."""
    try:
        key = json.dumps(schema, sort_keys=True)
    except (TypeError, ValueError):
        return lambda instance: False
    return _checker(key)
