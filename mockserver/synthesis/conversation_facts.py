"""What a conversation states, in no endpoint's format: its turns, and the facts read from their text.

A synthesizer feeds a :class:`Conversation` its turns in order (:meth:`~Conversation.said` for the
user's text, :meth:`~Conversation.called` for a tool call of the assistant,
:meth:`~Conversation.answered` for a tool result). The **request** is the latest text the user said;
the tool results after it are the agent loop working on that request.

:attr:`Conversation.facts` reads, on first use, the values the conversation states, kind by kind
(:data:`KINDS`), from the request first, then from the tool results since the request (latest
first), then from the user's earlier texts (latest first):

- ``email`` (``hr@gmail.com``) and ``url`` (``https://…``), taken out of the text before the rest is read;
- ``quoted``: text between single, double or curly quotes (``'applicant-829'``);
- ``datetime`` (ISO 8601 with a time) and ``date``: ISO dates and written dates with a year
  (``May 3, 2025``, ``3 May 2025``), all as ``YYYY-MM-DD``;
- ``flight``: two-character airline codes and one to four digits (``BA117``);
- ``identifier``: tokens that mix letters and digits, parts joined by ``_``, ``-`` or ``.``
  (``applicant-829``, ``A12``, ``order_77``);
- ``number``: integers and decimals standing alone (``1,200`` is 1200), as ``int``/``float``;
- ``name``: runs of capitalised words (``London``, ``New York``, ``Jane Doe``) but for common words
  that open a sentence (``Please``, ``What``, ``Load``…) and month and day names.

Each fact keeps the word just before it and just after it (lower case), which
:mod:`.tool_arguments` uses to match a fact to a parameter ("from Paris", "3 nights"). Work is
bounded: each text is read up to :data:`MAX_TEXT_CHARS` characters, at most :data:`MAX_TEXTS` texts,
each gives at most :data:`MAX_FACTS_PER_KIND` facts of one kind, and at most that many of each kind
are kept. Patterns that need a digit, an ``@``, ``://`` or a quote are not tried on text without one, and
the facts of a text are remembered (:data:`REMEMBERED_TEXTS` texts, least recently used dropped), as
agent loops send the same turns again and again.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

MAX_TEXT_CHARS = 4000
"""Characters of one text that are read for facts."""
MAX_TEXTS = 8
"""Texts read for facts: the request, then the latest tool results and earlier user texts."""
MAX_FACTS_PER_KIND = 16
"""Facts of one kind that are kept (the first ones, in the order above)."""
REMEMBERED_TEXTS = 512
"""Texts whose facts are remembered."""
KINDS = ("email", "url", "quoted", "datetime", "date", "flight", "identifier", "number", "name")
"""The kinds of facts, in the order they are read."""

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}")
_URL = re.compile(r"https?://[^\s'\"<>()\[\]{}]{1,500}")
_QUOTED = re.compile(r"(?<!\w)'([^'\n]{1,200}?)'(?!\w)|\"([^\"\n]{1,200}?)\"|\u201c([^\u201d\n]{1,200}?)\u201d"
                     r"|\u2018([^\u2019\n]{1,200}?)\u2019(?!\w)")
_DATETIME = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?"
                       r"(Z|[+-]\d{2}:\d{2})?")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTHS = {name: number for number, names in enumerate(
    [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")], start=1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_MONTH_FIRST = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_FLIGHT = re.compile(r"\b(?:[A-Z]{2}|[A-Z]\d|\d[A-Z])\d{1,4}\b")
_IDENTIFIER = re.compile(r"(?<![\w@.-])(?=[\w.-]{0,80}\d)(?=[\w.-]{0,80}[A-Za-z])[A-Za-z0-9]+(?:[_.-][A-Za-z0-9]+)*"
                         r"(?![\w@])")
_NUMBER = re.compile(r"(?<![\w.-])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\w-]|\.\d)")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:(?:of|de|del|da|la|le|van|von|upon) )?[A-Z][a-z]+)*\b")
_Convert = Callable[[re.Match[str]], str | int | float | None]
_WORD = re.compile(r"[A-Za-z0-9]+")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\d{4}")
_QUOTE = re.compile("['\"\u201c\u2018]")
_COMMON = frozenset(
    [
        "a", "an", "the", "i", "you", "we", "they", "he", "she", "it", "me", "my", "our", "your", "this", "that",
        "these", "those", "what", "which", "who", "whom", "whose", "where", "when", "why", "how", "please", "could",
        "can", "would", "will", "shall", "should", "may", "might", "must", "do", "does", "did", "is", "are", "was",
        "were", "be", "hi", "hello", "hey", "dear", "thanks", "thank", "yes", "no", "ok", "okay", "and", "or",
        "but", "if", "then", "so", "also", "now", "just", "let", "lets", "get", "give", "show", "tell", "find",
        "look", "check", "load", "send", "book", "make", "create", "add", "set", "update", "delete", "remove",
        "schedule", "search", "list", "call", "email", "write", "read", "open", "fetch", "use", "run", "buy",
        "order", "pay", "cancel", "reserve", "mail", "forward", "reply", "share", "save", "post", "upload",
        "download", "there", "here", "today", "tomorrow", "yesterday", "tonight"
    ])
_CALENDAR = frozenset([*_MONTHS, "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])


@dataclass(frozen=True)
class Fact:
    """One value a conversation states: its kind (:data:`KINDS`), the value, and the words around it."""

    kind: str
    value: str | int | float
    before: str = ""
    """The word just before the value, lower case ("" at the start of a text)."""
    after: str = ""
    """The word just after the value, lower case ("" at the end of a text)."""

    @cached_property
    def words(self) -> frozenset[str]:
        """The lower-case words of the value (its first 200 characters) and of its neighbours, for
        matching parameter names."""
        return frozenset(_WORD.findall(str(self.value)[:200].lower())) | {self.before, self.after}


@dataclass
class Facts:
    """The facts of a conversation by kind, in reading order, and the texts they were read from."""

    by_kind: dict[str, list[Fact]] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    request: str = ""
    """The request's text (as far as it is read)."""
    latest_result: str | None = None
    """The text of the latest tool result since the request, if there is one."""

    def of(self, kind: str) -> list[Fact]:
        """The facts of ``kind`` (empty for an unknown kind)."""
        return self.by_kind.get(kind, [])


class Conversation:
    """The turns of one conversation, fed in order by a synthesizer."""

    def __init__(self) -> None:
        self._turns: list[tuple[str, str, str]] = []  # (kind, call id or "", text or tool name)
        self._names: dict[str, str] = {}

    def said(self, text: str) -> None:
        """The user said ``text`` (ignored when it is blank)."""
        if text.strip():
            self._turns.append(("said", "", text))
            self.__dict__.pop("facts", None)  # read again on next use

    def called(self, call_id: str, name: str) -> None:
        """The assistant called tool ``name`` as ``call_id``."""
        self._names[call_id] = name
        self._turns.append(("called", call_id, name))
        self.__dict__.pop("facts", None)  # read again on next use

    def answered(self, call_id: str, text: str) -> None:
        """The result of call ``call_id`` is ``text``."""
        self._turns.append(("answered", call_id, text))
        self.__dict__.pop("facts", None)  # read again on next use

    def _since_request(self) -> list[tuple[str, str, str]]:
        starts = [i for i, turn in enumerate(self._turns) if turn[0] == "said"]
        return self._turns[starts[-1] + 1:] if starts else self._turns

    @property
    def request(self) -> str:
        """The latest text the user said ("" when there is none)."""
        return next((text for kind, _, text in reversed(self._turns) if kind == "said"), "")

    @property
    def answered_since_request(self) -> list[str]:
        """The names of the tools whose calls have results after the request, in order."""
        return [self._names[call_id] for kind, call_id, _ in self._since_request()
                if kind == "answered" and call_id in self._names]

    @cached_property
    def facts(self) -> Facts:
        """The facts the conversation states (read once, on first use)."""
        results = [text for kind, _, text in self._since_request() if kind == "answered"]
        earlier = [text for kind, _, text in self._turns if kind == "said"][:-1]
        request = self.request[:MAX_TEXT_CHARS]
        facts = Facts(request=request, latest_result=results[-1][:MAX_TEXT_CHARS] if results else None)
        for text in [request, *reversed(results), *reversed(earlier)][:MAX_TEXTS]:
            for fact in facts_of(text[:MAX_TEXT_CHARS]):
                kept = facts.by_kind[fact.kind]
                if len(kept) < MAX_FACTS_PER_KIND and fact not in kept:
                    kept.append(fact)
        return facts


@lru_cache(maxsize=REMEMBERED_TEXTS)
def facts_of(text: str) -> tuple[Fact, ...]:
    """The facts of one text, kind by kind in :data:`KINDS` order (see the module docstring)."""
    found: list[Fact] = []
    masked = text

    def take(pattern: re.Pattern[str], kind: str, convert: _Convert, *, mask: bool = True) -> None:
        nonlocal masked
        kept: list[str] = []
        end = 0
        for match in pattern.finditer(masked):
            value = convert(match)
            if value is None:
                continue
            found.append(Fact(kind, value, _word_before(masked, match.start()), _word_after(masked, match.end())))
            kept += [masked[end:match.start()], " " * (match.end() - match.start())]
            end = match.end()
            if len(kept) >= 2 * MAX_FACTS_PER_KIND:  # enough of this kind from this text
                break
        if mask and kept:  # the values read are blanked out, so no later kind reads them again
            masked = "".join([*kept, masked[end:]])

    if "@" in text:
        take(_EMAIL, "email", lambda m: m.group(0))
    if "://" in text:
        take(_URL, "url", lambda m: m.group(0).rstrip(".,;:!?"))
    if _QUOTE.search(text):
        take(_QUOTED, "quoted", lambda m: next(g for g in m.groups() if g is not None).strip() or None, mask=False)
    if _DIGIT.search(masked):  # every kind below but names holds a digit
        if "-" in masked:
            take(_DATETIME, "datetime", _iso_datetime, mask=False)
            take(_DATETIME, "date", lambda m: _iso_date(m.group(1), m.group(2), m.group(3)))
            take(_ISO_DATE, "date", lambda m: _iso_date(m.group(1), m.group(2), m.group(3)))
        if _YEAR.search(masked):
            take(_MONTH_FIRST, "date", lambda m: _iso_date(m.group(3), _MONTHS[m.group(1).lower()], m.group(2)))
            take(_DAY_FIRST, "date", lambda m: _iso_date(m.group(3), _MONTHS[m.group(2).lower()], m.group(1)))
        take(_FLIGHT, "flight", lambda m: m.group(0), mask=False)
        take(_IDENTIFIER, "identifier", lambda m: m.group(0))
        take(_NUMBER, "number", _number)
    take(_NAME, "name", _name, mask=False)
    return tuple(found)


def _word_before(text: str, start: int) -> str:
    words = _WORD.findall(text[max(0, start - 40):start])
    return words[-1].lower() if words else ""


def _word_after(text: str, end: int) -> str:
    match = _WORD.search(text[end:end + 40])
    return match.group(0).lower() if match else ""


def _iso_date(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _iso_datetime(match: re.Match[str]) -> str | None:
    year, month, day, hour, minute, second, zone = match.groups()
    if _iso_date(year, month, day) is None or int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return None
    return f"{year}-{month}-{day}T{hour}:{minute}:{second or '00'}{zone or 'Z'}"


def _number(match: re.Match[str]) -> int | float:
    digits = match.group(0).replace(",", "")
    return float(digits) if "." in digits else int(digits)


def _name(match: re.Match[str]) -> str | None:
    words = match.group(0).split(" ")
    while words and (words[0].lower() in _COMMON or words[0].lower() in _CALENDAR):
        words.pop(0)
    return " ".join(words) or None
