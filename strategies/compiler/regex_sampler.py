"""Best-effort generation of a string matching a regular expression, from a seeded rng.

Walks the parse tree of Python's own regex parser; look-arounds and conditionals
raise :class:`~sequrity_contract.strategies.compiler.nodes.UnsupportedSchema`. Repeats are kept short, and the
string and its repetitions are bounded by ``max_length``.
"""

from __future__ import annotations

import random
import re
import string
from re import _constants as sre_constants
from re import _parser as sre_parse  # private since Python 3.11
from typing import Any

from .nodes import UnsupportedSchema
from .size_budget import DEFAULT_MAX_SIZE, too_large

_MAX_EXTRA_REPEATS = 3
_PRINTABLE = string.ascii_letters + string.digits + " -_.,"
_CATEGORIES: dict[Any, str] = {
    sre_constants.CATEGORY_DIGIT: string.digits,
    sre_constants.CATEGORY_NOT_DIGIT: string.ascii_letters + " _-",
    sre_constants.CATEGORY_SPACE: " \t\n",
    sre_constants.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits + "_-",
    sre_constants.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_constants.CATEGORY_NOT_WORD: " -.,:;!?",
}


def sample_matching(pattern: str, rng: random.Random, where: str, *, max_length: int = DEFAULT_MAX_SIZE) -> str:
    """A short string that fully matches ``pattern`` (so ``re.search`` finds it too).

    At most ``max_length`` characters and as many repetitions are produced: a pattern that
    needs more (``a{100000000}``) raises :class:`~sequrity_contract.strategies.compiler.size_budget.SchemaTooLarge`
    naming ``pattern`` at ``where``.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        why = f"{pattern!r} is not a valid regular expression ({exc})"
        raise UnsupportedSchema("pattern", where, why) from None
    return _Writer(pattern, rng, where, max_length).emit(parsed)


class _Writer:
    """One walk of a parsed pattern, counting the characters and repetitions it spends."""

    def __init__(self, pattern: str, rng: random.Random, where: str, max_length: int) -> None:
        self.pattern = pattern
        self.rng = rng
        self.where = where
        self.max_length = max_length
        self.chars_left = max_length
        self.repeats_left = max_length
        self.groups: dict[int, str] = {}

    def emit(self, items: Any) -> str:
        return "".join(self.one(op, arg) for op, arg in items)

    def take(self, text: str) -> str:
        if len(text) > self.chars_left:
            needed = self.max_length - self.chars_left + len(text)
            raise too_large("pattern", self.where, needed, self.max_length, self.max_length)
        self.chars_left -= len(text)
        return text

    def one(self, op: Any, arg: Any) -> str:
        c = sre_constants
        rng = self.rng
        if op is c.LITERAL:
            return self.take(chr(arg))
        if op is c.NOT_LITERAL:
            return self.take(rng.choice([ch for ch in _PRINTABLE if ord(ch) != arg]))
        if op is c.ANY:
            return self.take(rng.choice(_PRINTABLE))
        if op is c.IN:
            return self.take(_from_set(arg, rng, self.pattern, self.where))
        if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            return self.repeat(*arg)
        if op is c.SUBPATTERN:
            group, _, _, body = arg
            text = self.emit(body)
            if group is not None:
                self.groups[group] = text
            return text
        if op is c.BRANCH:
            return self.emit(rng.choice(arg[1]))
        if op is c.AT:
            return ""
        if op is c.GROUPREF:
            return self.take(self.groups.get(arg, ""))
        if op is getattr(c, "ATOMIC_GROUP", None):
            return self.emit(arg)
        why = f"{self.pattern!r} uses {op!s}, which the sampler does not generate"
        raise UnsupportedSchema("pattern", self.where, why)

    def repeat(self, low: int, high: int, body: Any) -> str:
        shortest = int(body.getwidth()[0])
        if low > self.repeats_left or low * shortest > self.chars_left:
            needed = max(low, low * shortest)
            raise too_large("pattern", self.where, needed, min(self.repeats_left, self.chars_left), self.max_length)
        top = low + _MAX_EXTRA_REPEATS if high is sre_constants.MAXREPEAT else min(high, low + _MAX_EXTRA_REPEATS)
        count = self.rng.randint(low, top)
        if shortest:  # optional repetitions only while there is room for them
            count = max(low, min(count, self.chars_left // shortest))
        count = min(count, self.repeats_left)
        self.repeats_left -= count
        return "".join(self.emit(body) for _ in range(count))


def _from_set(items: list[tuple[Any, Any]], rng: random.Random, pattern: str, where: str) -> str:
    c = sre_constants
    allowed: set[str] = set()
    negate = False
    for op, arg in items:
        if op is c.NEGATE:
            negate = True
        elif op is c.LITERAL:
            allowed.add(chr(arg))
        elif op is c.RANGE:
            lo, hi = arg
            allowed.update(chr(x) for x in range(lo, min(hi, lo + 200) + 1))
        elif op is c.CATEGORY:
            allowed.update(_CATEGORIES.get(arg, ""))
        else:
            raise UnsupportedSchema("pattern", where, f"{pattern!r} uses {op!s} in a character set")
    choices = [ch for ch in _PRINTABLE if ch not in allowed] if negate else sorted(allowed)
    if not choices:
        raise UnsupportedSchema("pattern", where, f"{pattern!r} has a character set the sampler cannot fill")
    return rng.choice(choices)
