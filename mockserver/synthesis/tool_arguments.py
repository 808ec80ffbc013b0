"""A tool call's arguments from what the conversation states, the rest sampled from its schema.

:func:`tool_arguments` samples a value from the tool's input schema (:func:`~.values.schema_value`,
seeded) and then, for each top-level property in the schema's order, tries the values the
conversation states (:mod:`.conversation_facts`) as that property's value: a candidate is kept
only when the whole input is still valid against the schema, so the answer is always valid and, for
a seed and a conversation, always the same. What no candidate fills keeps its sampled value.

Candidates for one property, first match wins:

1. ``enum``: the members the request mentions (as words, any case), in the order mentioned.
2. ``format``: ``email`` ← email addresses, ``uri``/``url``/``iri`` ← URLs, ``date`` ← dates,
   ``date-time`` ← date-times, then dates at midnight UTC, ``uuid`` ← identifiers.
3. The parameter's name, split into words (``flight_number``, ``toAddress``), against
   :data:`NAME_RULES` in order: e.g. ``body``/``content``/``message`` ← the latest tool result
   since the request (then a quoted string); ``subject``/``title``/``query`` ← a quoted string;
   ``flight`` ← flight numbers; ``url``/``link`` ← URLs; ``email``/``recipient``/``cc`` ← email
   addresses; ``date``/``day`` ← dates; ``time``/``timestamp`` ← date-times;
   ``origin``/``departure`` ← names after "from"; ``destination``/``arrival`` ← names after "to";
   ``city``/``location``/``place`` ← names, those after "in", "at", "to", "from" or "near" first;
   ``to`` ← email addresses, then names after "to"; ``from``/``sender`` ← email addresses, then
   names after "from"; ``id``/``key``/``code``/``reference`` ← identifiers, quoted strings,
   numbers; ``name``/``person``/``author`` ← names, quoted strings; ``count``/``limit``/``nights``
   and other quantities ← numbers.
4. Otherwise, by type: a string with a ``pattern`` ← any stated string that matches it; a number or
   integer ← numbers next to one of the parameter's words ("3 nights"), then, when required, any
   number; a required string ← a quoted string.

Within a kind, facts that share a word with the parameter's name (``applicant-829`` for
``applicant_id``; "from Paris" for ``from_city``) come first, then the order of
:mod:`.conversation_facts` (the request first). A value another property already took comes last.
Arrays take the list of their items' candidates. A required ``body``-like string with no result and
no quoted string takes the request's text. Numbers become ``int`` for integer properties and text
for string properties. Work is bounded: :data:`MAX_PROPERTIES` properties,
:data:`MAX_CANDIDATES` candidates each. Properties of nested objects are left as sampled.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from .conversation_facts import MAX_TEXT_CHARS, Conversation, Fact, Facts
from .values import schema_value_and_check

MAX_PROPERTIES = 32
"""Top-level properties of one input schema that are filled from the conversation."""
MAX_CANDIDATES = 6
"""Candidate values tried for one property."""
MAX_ENUM_MEMBERS = 256
"""Members of one enum looked for in the request."""
MAX_ARRAY_ITEMS = 8
"""Items of an array property filled from the conversation."""

NAME_RULES: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = tuple(
    (frozenset(words.split()), tuple(sources.split())) for words, sources in (
        ("body content contents text message msg summary note notes details comment payload report "
         "html markdown description", "result quoted"),
        ("subject title topic heading caption query q search keyword keywords term terms prompt question",
         "quoted"),
        ("flight", "flight identifier"),
        ("url uri urls link links website href site homepage webpage endpoint", "url"),
        ("email emails mail recipient recipients cc bcc addressee reply", "email"),
        ("date dates day dob birthday deadline checkin checkout", "date"),
        ("time datetime timestamp when", "datetime midnight"),
        ("origin source departure depart", "origin"),
        ("destination dest arrival arrive", "destination"),
        ("city location place country town region where address area venue airport state", "place"),
        ("to", "email destination"),
        ("from sender", "email origin"),
        ("count limit amount quantity qty age year price total size max min page top days nights guests "
         "people passengers seats hours minutes budget rating duration n k", "number"),
        ("id ids identifier key code ref reference sku uuid handle account number no num", "identifier quoted number"),
        ("name names person who author contact customer user username first last full employee owner",
         "name quoted"),
    ))
"""Parameter-name words and the sources of their candidates, in the order the rules are tried."""

FORMAT_SOURCES: dict[str, tuple[str, ...]] = {
    "email": ("email",), "idn-email": ("email",), "uri": ("url",), "url": ("url",), "iri": ("url",),
    "uri-reference": ("url",), "date": ("date",), "date-time": ("datetime", "midnight"),
    "uuid": ("identifier",),
}
"""The sources of a string ``format``'s candidates."""

_PLACE_WORDS = frozenset({"in", "at", "to", "from", "near", "for", "of"})
_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_STRING_KINDS: tuple[str, ...] = ("identifier", "quoted", "flight", "email", "url", "date", "datetime", "name",
                                  "number")


def tool_arguments(schema: Any, conversation: Conversation, rng: random.Random) -> Any:
    """A value valid against ``schema`` (a tool's input schema), its top-level properties filled from
    what ``conversation`` states where they can be (see the module docstring); raises
    :class:`~.values.NoValue` when the schema admits no value."""
    value, is_valid = schema_value_and_check(schema, rng)
    properties = schema.get("properties") if isinstance(schema, dict) else None
    if not isinstance(value, dict) or not isinstance(properties, dict) or not properties:
        return value
    required = set(schema.get("required") or []) if isinstance(schema.get("required"), list) else set()
    taken: set[str] = set()
    for name, prop in list(properties.items())[:MAX_PROPERTIES]:
        if not isinstance(prop, dict):
            continue
        candidates = _candidates(name, prop, conversation, name in required)
        candidates.sort(key=lambda candidate: repr(candidate) in taken)  # stable: untaken first
        for candidate in candidates[:MAX_CANDIDATES]:
            trial = {**value, name: candidate}
            if is_valid(trial):
                value = trial
                taken.add(repr(candidate))
                break
    return value


def name_words(name: str) -> frozenset[str]:
    """The lower-case words of a parameter's name (``flightNumber``, ``applicant_id``, ``URL``)."""
    return frozenset(part.lower() for part in _PART.findall(name))


def _candidates(name: str, prop: dict[str, Any], conversation: Conversation, required: bool) -> list[Any]:
    types = _types(prop)
    if "array" in types and isinstance(prop.get("items"), dict):
        items = _candidates(name, prop["items"], conversation, required)
        distinct: list[Any] = []
        for item in items:
            if repr(item) not in map(repr, distinct) and len(distinct) < MAX_ARRAY_ITEMS:
                distinct.append(item)
        return [distinct, distinct[:1]] if distinct else []
    if isinstance(prop.get("enum"), list):
        return _mentioned(prop["enum"], conversation.request[:MAX_TEXT_CHARS])
    fmt = prop.get("format")
    words, sources = _plan(name, fmt if isinstance(fmt, str) else None, isinstance(prop.get("pattern"), str),
                           types, required)
    if not sources:
        return []
    facts = conversation.facts
    values: list[Any] = []
    for source in sources:
        values.extend(_from_source(source, facts, words, prop))
    return [converted for converted in (_convert(v, types) for v in values) if converted is not None]


def _types(prop: dict[str, Any]) -> frozenset[str]:
    declared = prop.get("type")
    if isinstance(declared, str):
        return frozenset({declared})
    if isinstance(declared, list):
        return frozenset(t for t in declared if isinstance(t, str))
    return frozenset()


@lru_cache(maxsize=1024)
def _plan(name: str, fmt: str | None, has_pattern: bool, types: frozenset[str], required: bool
          ) -> tuple[frozenset[str], tuple[str, ...]]:
    """The words of a property's name and the sources of its candidates, in order."""
    words = name_words(name)
    if fmt in FORMAT_SOURCES:
        return words, FORMAT_SOURCES[fmt]
    for rule_words, sources in NAME_RULES:
        if words & rule_words:
            return words, (*sources, "request") if required and sources[0] == "result" else sources
    if has_pattern:
        return words, _STRING_KINDS
    if types & {"integer", "number"}:
        return words, ("neighbour_number", "number") if required else ("neighbour_number",)
    if required and (not types or "string" in types):
        return words, ("quoted",)
    return words, ()


def _from_source(source: str, facts: Facts, words: frozenset[str], prop: dict[str, Any]) -> list[Any]:
    if source == "result":
        text = facts.latest_result
        limit = prop.get("maxLength")
        cut = [text[:limit]] if text is not None and isinstance(limit, int) and 0 < limit < len(text) else []
        return [text, *cut] if text is not None else []
    if source == "request":
        return [facts.request] if facts.request.strip() else []
    if source == "midnight":
        return [f"{fact.value}T00:00:00Z" for fact in facts.of("date")]
    if source == "neighbour_number":
        return [fact.value for fact in facts.of("number") if {fact.before, fact.after} & words]
    if source in ("origin", "destination", "place"):
        near = {"origin": {"from"}, "destination": {"to"}, "place": _PLACE_WORDS}[source]
        names = facts.of("name")
        return [f.value for f in _first(names, lambda f: f.before in near)]
    return [fact.value for fact in _first(facts.of(source), lambda f: bool(f.words & words))]


def _first(facts: Iterable[Fact], preferred: Callable[[Fact], bool]) -> list[Fact]:
    """``facts`` with the ``preferred`` ones first, each group in its order."""
    listed = list(facts)
    return [f for f in listed if preferred(f)] + [f for f in listed if not preferred(f)]


def _mentioned(members: list[Any], text: str) -> list[Any]:
    """The enum members ``text`` mentions (as words, any case), in the order it mentions them."""
    spellable = tuple((type(member), member) for member in members[:MAX_ENUM_MEMBERS]
                      if not isinstance(member, bool) and isinstance(member, str | int | float) and str(member) != "")
    return list(_mentioned_spellable(spellable, text))


@lru_cache(maxsize=1024)
def _mentioned_spellable(members: tuple[tuple[type, str | int | float], ...], text: str) -> tuple[Any, ...]:
    """:func:`_mentioned` of members that can be spelled, each with its type (so ``1`` and ``1.0``
    are remembered apart)."""
    lowered = text.lower()
    found: list[tuple[int, Any]] = []
    for _, member in members:
        spelled = str(member).lower()
        start = lowered.find(spelled)
        while start >= 0:  # a mention is the member between non-word characters
            end = start + len(spelled)
            inside = (start and _is_word_character(lowered[start - 1])) or (
                end < len(lowered) and _is_word_character(lowered[end]))
            if not inside:
                found.append((start, member))
                break
            start = lowered.find(spelled, start + 1)
    return tuple(member for _, member in sorted(found, key=lambda pair: pair[0]))


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _convert(value: Any, types: frozenset[str]) -> Any:
    """``value`` as a value of one of ``types`` (any type when empty), or None when it has none."""
    if not types:
        return value
    if isinstance(value, int | float):
        if "integer" in types and float(value).is_integer():
            return int(value)
        if "number" in types:
            return value
        return str(value) if "string" in types else None
    if isinstance(value, str) and "string" in types:
        return value
    return None
