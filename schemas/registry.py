"""The contract's JSON Schema documents: loading them, resolving their references,
and validating instances with cached, compiled validators."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, relevance
from referencing import Registry, Resource

from .violations import Violation, json_path

BASE_URI = "https://sequrity-contract.dev/schemas/"

#: Document names and the files that hold them.
DOCUMENTS: dict[str, str] = {
    "request": "request.json",
    "response": "response.json",
    "event": "event.json",
    "error": "error.json",
    "x-features": "x-features.json",
    "x-policy": "x-policy.json",
    "x-config": "x-config.json",
    "chat.request": "chat-request.json",
    "chat.response": "chat-response.json",
    "chat.chunk": "chat-chunk.json",
}

#: Documents registered at run time (:func:`register_document`): name -> schema.
_REGISTERED: dict[str, dict[str, Any]] = {}


def _unknown(name: object) -> KeyError:
    return KeyError(f"unknown schema name={name!r}; expected one of: {', '.join(names())}")


@cache
def _raw(filename: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("documents", filename).read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _event_definitions() -> dict[str, str]:
    mapping = _raw(DOCUMENTS["event"])["discriminator"]["mapping"]
    return {event_type: ref.rsplit("/", 1)[-1] for event_type, ref in mapping.items()}


#: Stream event types of messages and the definition that describes each one (read from the
#: event document's discriminator: the document is the one place that lists them).
EVENT_DEFINITIONS: dict[str, str] = _event_definitions()

#: Every name :func:`load` and :func:`validate` accept for the package's own documents.
NAMES: tuple[str, ...] = (*DOCUMENTS, *(f"event.{t}" for t in EVENT_DEFINITIONS))


def names() -> tuple[str, ...]:
    """Every name :func:`load` and :func:`validate` accept now: :data:`NAMES` and registered documents."""
    return (*NAMES, *_REGISTERED)


def register_document(name: str, schema: dict[str, Any]) -> None:
    """Make ``schema`` a document called ``name`` (for an endpoint of one's own); its ``$id``, when
    given, makes it a target of ``$ref`` from other documents. Refuses a taken name or an invalid schema."""
    if not isinstance(name, str) or not name or name in NAMES or name in _REGISTERED:
        raise ValueError(f"name={name!r}: expected a new document name (taken: {', '.join(names())})")
    Draft202012Validator.check_schema(schema)
    _REGISTERED[name] = copy.deepcopy(schema)
    registry.cache_clear()
    validator.cache_clear()
    fast_verdict.cache_clear()
    _part_validator.cache_clear()


def unregister_document(name: str) -> None:
    """Forget the registered document ``name`` (for tests that register their own)."""
    if _REGISTERED.pop(name, None) is not None:
        registry.cache_clear()
        validator.cache_clear()
        fast_verdict.cache_clear()


@cache
def registry() -> Registry:
    """A ``referencing`` registry holding every document under its ``$id``."""
    own = [(BASE_URI + filename, Resource.from_contents(_raw(filename))) for filename in DOCUMENTS.values()]
    registered = [(schema["$id"], Resource.from_contents(schema)) for schema in _REGISTERED.values() if "$id" in schema]
    return Registry().with_resources([*own, *registered])


def _schema(name: str) -> dict[str, Any]:
    if name in DOCUMENTS:
        return _raw(DOCUMENTS[name])
    if name in _REGISTERED:
        return _REGISTERED[name]
    if name.startswith("event.") and name[6:] in EVENT_DEFINITIONS:
        return {"$ref": f"{BASE_URI}event.json#/$defs/{EVENT_DEFINITIONS[name[6:]]}"}
    raise _unknown(name)


def load(name: str) -> dict[str, Any]:
    """Return (a copy of) the JSON Schema document called ``name`` (see :data:`NAMES`)."""
    if not isinstance(name, str):
        raise _unknown(name)
    return copy.deepcopy(_schema(name))


@cache
def fast_verdict(name: str) -> Callable[[Any], bool]:
    """A compiled ``is_valid`` for ``name`` from ``jsonschema_rs`` (Rust, about a hundred times faster
    than ``jsonschema`` on a request body). It decides validity only; :func:`validate` words the
    errors with ``jsonschema``. The two agree on every document
    (``tests/schemas/test_schema_fast_verdict.py``)."""
    own = [(BASE_URI + filename, _raw(filename)) for filename in DOCUMENTS.values()]
    registered = [(schema["$id"], schema) for schema in _REGISTERED.values() if "$id" in schema]
    rust_registry = jsonschema_rs.Registry([*own, *registered])
    return jsonschema_rs.validator_for(_schema(name), registry=rust_registry).is_valid


def _verdict(name: str, instance: Any, from_json: bool) -> bool:
    fast = fast_verdict(name) if from_json else None
    if fast is not None:
        try:
            return fast(instance)
        except (ValueError, OverflowError):  # a value Rust cannot take (e.g. an integer over 64 bits)
            pass
    return validator(name).is_valid(instance)


@cache
def validator(name: str) -> Draft202012Validator:
    """The compiled, cached validator for ``name``."""
    if not isinstance(name, str):
        raise _unknown(name)
    return Draft202012Validator(_schema(name), registry=registry())


def is_valid(name: str, instance: Any, *, from_json: bool = False) -> bool:
    """True when ``instance`` satisfies the schema ``name``; cheaper than :func:`validate`.

    ``from_json=True`` says the instance was parsed from JSON text (dicts, lists, strings, numbers,
    booleans, None only): the compiled Rust validator (:func:`fast_verdict`) may then decide. Python
    values JSON has no type for (a tuple, a set) are judged by ``jsonschema``'s rules otherwise."""
    if not isinstance(name, str):
        raise _unknown(name)
    try:
        return _verdict(name, instance, from_json)
    except RecursionError:
        return False


def validate(name: str, instance: Any, *, from_json: bool = False) -> list[Violation]:
    """Validate ``instance`` against the schema ``name``.

    Returns one :class:`Violation` per failing top-level clause (empty when valid), each
    naming the JSON path, the offending value and what was expected. Never raises for
    a bad instance, however malformed. ``from_json``: as for :func:`is_valid`.
    """
    checker = validator(name)
    try:
        if _verdict(name, instance, from_json):
            return []
        errors = list(checker.iter_errors(instance))
    except RecursionError:
        return [Violation("schema:depth", json_path(_deepest_branch(instance)),
                          "a value nested less deeply (the deepest branch starts here)")]
    return [_violation(_refine(error)) for error in sorted(errors, key=_document_order)]


def document_uri(name: str) -> str | None:
    """The URI the document ``name`` lives at (its ``$id``; a package document's file under
    :data:`BASE_URI`), against which its relative ``$ref`` resolve; None for a registered document
    without ``$id``."""
    if name in DOCUMENTS:
        return BASE_URI + DOCUMENTS[name]
    uri = _schema(name).get("$id")
    return uri if isinstance(uri, str) else None


@cache
def _part_validator(name: str, pointer: str) -> Draft202012Validator:
    uri = document_uri(name) or BASE_URI + name
    return Draft202012Validator({"$ref": f"{uri}#{pointer}"}, registry=registry())


def validate_at(name: str, pointer: str, instance: Any) -> list[Violation]:
    """Validate ``instance`` against the part of the document ``name`` at the JSON pointer
    ``pointer`` (e.g. ``/$defs/FunctionToolParam``), worded as :func:`validate` words its violations
    (paths from the instance's root)."""
    try:
        errors = list(_part_validator(name, pointer).iter_errors(instance))
    except RecursionError:
        return [Violation("schema:depth", json_path(_deepest_branch(instance)),
                          "a value nested less deeply (the deepest branch starts here)")]
    return [_violation(_refine(error)) for error in sorted(errors, key=_document_order)]


def _children(node: Any) -> list[tuple[Any, Any]]:
    if isinstance(node, dict):
        return [(k if isinstance(k, str | int) else repr(k), v) for k, v in node.items()]
    if isinstance(node, list | tuple):
        return list(enumerate(node))
    return []


def _depth(value: Any) -> int:
    """How deeply ``value`` nests (iteratively: it may be too deep for recursion, or cyclic)."""
    deepest, seen, stack = 0, set(), [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = _children(node)
        if children and id(node) not in seen:
            seen.add(id(node))
            stack.extend((child, depth + 1) for _, child in children)
    return deepest


def _deepest_branch(instance: Any, steps: int = 3) -> list[str | int]:
    """The first ``steps`` keys along the most deeply nested branch of ``instance``."""
    path: list[str | int] = []
    node = instance
    for _ in range(steps):
        children = _children(node)
        if not children:
            break
        key, node = max(children, key=lambda item: _depth(item[1]))
        path.append(key)
    return path


def _document_order(error: ValidationError) -> tuple[str, ...]:
    return tuple(f"{p:08d}" if isinstance(p, int) else p for p in error.absolute_path)


def _refine(error: ValidationError) -> ValidationError:
    """Descend from a union's error to the error that explains it best.

    A discriminated union (``oneOf`` with a ``discriminator``) is explained by the branch
    its tag selects, or by the tag itself when it is missing or unknown.
    """
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "oneOf" and "discriminator" in schema and isinstance(error.instance, dict):
        tag_name = schema["discriminator"]["propertyName"]
        mapping = schema["discriminator"]["mapping"]
        tag = error.instance.get(tag_name)
        if not isinstance(tag, str) or tag not in mapping:
            return ValidationError(
                f"one of {sorted(mapping)} as the {tag_name!r} tag",
                validator="discriminator",
                path=[*error.absolute_path, tag_name],
                instance=error.instance.get(tag_name, _ABSENT),
            )
        branch = next(i for i, sub in enumerate(schema["oneOf"]) if sub.get("$ref") == mapping[tag])
        chosen = [e for e in error.context if e.schema_path and e.schema_path[0] == branch]
        if chosen:
            return _refine(_most_relevant(chosen))
    if error.validator in ("anyOf", "oneOf") and error.context:
        return _refine_union(error)
    return error


def _most_relevant(errors: list[ValidationError]) -> ValidationError:
    """The error jsonschema ranks most relevant, without its descent into sub-errors
    (:func:`_refine` descends, discriminator-aware)."""
    return max(errors, key=relevance)


def _refine_union(error: ValidationError) -> ValidationError:
    """Explain a failed ``anyOf``/``oneOf`` by the branches whose type fits the value.

    Branches refused only for their type (``string`` when the value is a list) say
    little; when every branch is refused for its type, the error lists the types.
    """
    by_branch: dict[str | int, list[ValidationError]] = {}
    for sub in error.context:
        by_branch.setdefault(sub.schema_path[0], []).append(sub)
    fitting = [
        errors for errors in by_branch.values()
        if not any(e.validator == "type" and not e.relative_path for e in errors)
    ]
    # A branch whose own "type" tag differs from the value's is the wrong branch too.
    tagged = [errors for errors in fitting
              if not any(e.validator == "const" and list(e.relative_path) == ["type"] for e in errors)]
    candidates = tagged or fitting
    if candidates:
        branch = max(candidates, key=lambda errors: max(relevance(e) for e in errors))
        return _refine(min(branch, key=_document_order))
    types: list[str] = []
    for errors in by_branch.values():
        for e in errors:
            if e.validator == "type" and not e.relative_path:
                value = _value_of(e)
                types.extend([value] if isinstance(value, str) else value)
    return ValidationError("type", validator="type", validator_value=sorted(set(types)),
                           path=error.absolute_path, instance=error.instance)


def _value_of(error: ValidationError) -> Any:
    """The value the failed keyword has in the schema (jsonschema sets it on every error it reports)."""
    return error.validator_value


class _Absent:
    pass


_ABSENT = _Absent()


def _violation(error: ValidationError) -> Violation:
    path = list(error.absolute_path)
    keyword = str(error.validator)
    value: Any = error.instance
    if keyword == "discriminator":
        expected = error.message
        value = error.instance
    elif keyword == "required":
        missing = _missing_property(error)
        path.append(missing)
        expected = f"the required property {missing!r}"
        return Violation(f"schema:{keyword}", json_path(path), expected)
    elif keyword == "type":
        expected = f"a value of type {_types(error.validator_value)}"
    elif keyword in ("enum", "const"):
        allowed = _value_of(error) if keyword == "enum" else [_value_of(error)]
        expected = "one of " + ", ".join(json.dumps(v) for v in allowed)
    elif keyword == "additionalProperties":
        expected = "no properties beyond those the schema defines (" + error.message + ")"
    elif keyword == "oneOf":
        expected = "exactly one matching alternative, but more than one matched"
    else:
        expected = f"{keyword} {json.dumps(error.validator_value, default=str)}"
    if isinstance(value, _Absent):
        return Violation(f"schema:{keyword}", json_path(path), expected)
    return Violation(f"schema:{keyword}", json_path(path), expected, value)


def _missing_property(error: ValidationError) -> str:
    instance = error.instance if isinstance(error.instance, dict) else {}
    missing = [prop for prop in _value_of(error) if prop not in instance]
    # jsonschema reports each missing property in its own error: "'<name>' is a required property"
    for prop in missing:
        if error.message.startswith(repr(prop)):
            return str(prop)
    if missing:
        return str(missing[0])
    return str(_value_of(error)[0])


def _types(value: Any) -> str:
    return value if isinstance(value, str) else " or ".join(value)
