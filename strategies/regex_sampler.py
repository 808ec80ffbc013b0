"""Best-effort generation of a string matching a regular expression, from a seeded rng.

Walks the parse tree of Python's own regex parser; look-arounds and conditionals
raise :class:`~strategies.nodes.UnsupportedSchema`. Repeats are kept short.
"""

from __future__ import annotations

import random
import re
import string
from typing import Any

try:  # Python >= 3.11 keeps the parser private
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

from .nodes import UnsupportedSchema

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


def sample_matching(pattern: str, rng: random.Random, where: str) -> str:
    """A short string that fully matches ``pattern`` (so ``re.search`` finds it too)."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        why = f"{pattern!r} is not a valid regular expression ({exc})"
        raise UnsupportedSchema("pattern", where, why) from None
    groups: dict[int, str] = {}
    return "".join(_emit(parsed, rng, groups, pattern, where))


def _emit(items: Any, rng: random.Random, groups: dict[int, str], pattern: str, where: str) -> list[str]:
    out: list[str] = []
    for op, arg in items:
        out.append(_one(op, arg, rng, groups, pattern, where))
    return out


def _one(op: Any, arg: Any, rng: random.Random, groups: dict[int, str], pattern: str, where: str) -> str:
    c = sre_constants
    if op is c.LITERAL:
        return chr(arg)
    if op is c.NOT_LITERAL:
        return rng.choice([ch for ch in _PRINTABLE if ord(ch) != arg])
    if op is c.ANY:
        return rng.choice(_PRINTABLE)
    if op is c.IN:
        return _from_set(arg, rng, pattern, where)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, high, body = arg
        top = low + _MAX_EXTRA_REPEATS if high is c.MAXREPEAT else min(high, low + _MAX_EXTRA_REPEATS)
        count = rng.randint(low, top)
        return "".join("".join(_emit(body, rng, groups, pattern, where)) for _ in range(count))
    if op is c.SUBPATTERN:
        group, _, _, body = arg
        text = "".join(_emit(body, rng, groups, pattern, where))
        if group is not None:
            groups[group] = text
        return text
    if op is c.BRANCH:
        return "".join(_emit(rng.choice(arg[1]), rng, groups, pattern, where))
    if op is c.AT:
        return ""
    if op is c.GROUPREF:
        return groups.get(arg, "")
    if op is getattr(c, "ATOMIC_GROUP", None):
        return "".join(_emit(arg, rng, groups, pattern, where))
    raise UnsupportedSchema("pattern", where, f"{pattern!r} uses {op!s}, which the sampler does not generate")


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
