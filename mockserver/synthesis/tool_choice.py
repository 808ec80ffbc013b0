"""Which tools a synthesized answer calls: the ones the user's request implies, one step per turn.

Every synthesizer reads its request's ``tool_choice`` into a :class:`ToolChoice` and asks
:func:`choose_tools`. Rules:

- ``none`` calls nothing; ``tool`` (a named tool) calls that tool.
- **Implied tools.** A tool is implied by the request (the latest user text) when the request
  mentions one of the words of its name that no other offered tool's name has (``load``,
  ``applicant`` or ``profile`` for ``load_applicant_profile`` next to ``send_email``), or every
  word of its name, or at least two words of its description that no other tool's description
  has. Words are compared in lower case with a plain English ending (``-s``, ``-es``, ``-ies``,
  ``-ed``, ``-ing``) taken off, and generic words (``get``, ``tool``, ``the``…) do not count.
  Implied tools are ordered by where the request first mentions them.
- When the request implies tools, the first of them whose call has no result since the request is
  called, alone (one step per turn; ``auto`` and ``any`` alike). When every implied tool has its
  result, ``auto`` answers with text (so agent loops end) and ``any`` calls as below.
- When the request implies none (or ``any`` after all implied tools): ``auto`` calls nothing once
  the conversation ends with tool results; otherwise one offered tool is drawn with the seed, or
  two distinct ones about a third of the time when parallel calls are allowed.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from .conversation_facts import MAX_TEXT_CHARS, Conversation

Mode = Literal["auto", "none", "any", "tool"]

GENERIC_WORDS = frozenset(
    [
        "a", "an", "the", "to", "of", "for", "by", "with", "and", "or", "in", "on", "at", "from", "into", "is",
        "it", "its", "this", "that", "get", "set", "fetch", "do", "run", "call", "use", "make", "tool", "tools",
        "api", "fn", "func", "function", "functions", "method", "action", "given", "returns", "return", "using",
        "provided", "specified", "user", "users", "value", "values", "data", "info", "information", "current",
        "some", "any", "all", "each", "other", "more", "which", "when", "will", "your", "their", "them", "they",
        "also", "such", "based", "only", "than", "then", "like"
    ])
"""Words that imply no tool, in a tool's name or description."""
_MODES: dict[str, Mode] = {"auto": "auto", "none": "none", "any": "any", "required": "any", "tool": "tool",
                           "function": "tool"}
_WORD = re.compile(r"[a-z0-9]+")
_PART = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@dataclass(frozen=True)
class ToolChoice:
    """A request's ``tool_choice`` in no endpoint's format."""

    mode: Mode = "auto"
    """``auto``, ``none``, ``any`` (a call is required) or ``tool`` (the tool :attr:`name`)."""
    name: str | None = None
    parallel: bool = True
    """Whether two calls may be made at once."""

    @classmethod
    def of(cls, mode: str, name: str | None = None, *, parallel: bool = True) -> ToolChoice:
        """The choice an endpoint's mode names: ``required`` is ``any``, ``function`` is ``tool``, and
        an unknown mode is ``auto``."""
        return cls(_MODES.get(mode, "auto"), name, parallel)


def choose_tools(tools: Sequence[dict[str, Any]], choice: ToolChoice, conversation: Conversation,
                 rng: random.Random, *, after_tool: bool) -> tuple[bool, list[dict[str, Any]]]:
    """Whether a call is forced, and the tools to call (see the module docstring). ``tools`` are
    the offered tools as dicts with ``name`` and optionally ``description``; ``after_tool`` says
    the conversation ends with tool results."""
    distinct = list({str(t["name"]): t for t in reversed(tools)}.values())[::-1]
    if not distinct or choice.mode == "none":
        return False, []
    if choice.mode == "tool":
        return True, [t for t in distinct if t["name"] == choice.name][:1]
    implied = implied_tools(distinct, conversation.request)
    if implied:
        done = set(conversation.answered_since_request)
        pending = [t for t in implied if t["name"] not in done]
        if pending:
            return choice.mode == "any", pending[:1]
        if choice.mode == "auto":
            return False, []
    elif choice.mode == "auto" and after_tool:
        return False, []
    parallel = len(distinct) > 1 and choice.parallel
    count = 2 if parallel and rng.random() < 0.3 else 1
    return choice.mode == "any", rng.sample(distinct, count)


def implied_tools(tools: Sequence[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """The tools ``text`` implies, in the order it first mentions them."""
    first = _first_mentions(text[:MAX_TEXT_CHARS])
    if not first:
        return []
    signals = _signals(tuple((str(t["name"]), str(t.get("description") or "")[:MAX_TEXT_CHARS]) for t in tools))
    implied: list[tuple[int, int]] = []
    for index, (distinct_name, name, distinct_description) in enumerate(signals):
        hits = [first[w] for w in distinct_name if w in first]
        if not hits and name and all(w in first for w in name):
            hits = [first[w] for w in name]
        if not hits:
            described = [first[w] for w in distinct_description if w in first]
            hits = described if len(described) >= 2 else []
        if hits:
            implied.append((min(hits), index))
    return [tools[index] for _, index in sorted(implied)]


@lru_cache(maxsize=256)
def _first_mentions(text: str) -> dict[str, int]:
    """Where ``text`` first mentions each stem (read only: remembered for the next request)."""
    words = _WORD.findall(text.lower())
    return dict(zip(map(stem, reversed(words)), range(len(words) - 1, -1, -1), strict=True))  # first mention wins


@lru_cache(maxsize=256)
def _signals(tools: tuple[tuple[str, str], ...]
             ) -> list[tuple[frozenset[str], frozenset[str], frozenset[str]]]:
    """For each (name, description): the name's words no other name has, all its name's words, and
    its description's words no other description has (stems, generic words left out)."""
    names = [_words(_PART.findall(name)) for name, _ in tools]
    descriptions = [_words(_WORD.findall(description.lower()), 4) for _, description in tools]
    name_counts = Counter(w for words in names for w in words)
    description_counts = Counter(w for words in descriptions for w in words)
    return [(frozenset(w for w in name if name_counts[w] == 1), name,
             frozenset(w for w in description if description_counts[w] == 1))
            for name, description in zip(names, descriptions, strict=True)]


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """``word`` (lower case) without a plain English ending: ``emails`` → ``email``, ``loading`` → ``load``."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 4 and word.endswith(("sses", "shes", "ches", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(words: Iterable[str], min_length: int = 2) -> frozenset[str]:
    lowered = (w.lower() for w in words)
    return frozenset(stem(w) for w in lowered if len(w) >= min_length and w not in GENERIC_WORDS)
