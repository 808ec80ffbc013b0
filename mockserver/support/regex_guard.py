"""Guards for the user regexes of stub ``where`` predicates (``{"path": ..., "matches": REGEX}``).

Stub regexes run on the server's event loop, and Python's backtracking engine can take
minutes on a short value (``(a+)+$`` against ``"a" * 30 + "!"``), stalling every request.
:func:`regex_risk` refuses, when the stub is registered, the shapes that backtrack badly:

- a variable quantifier (``*``, ``+``, ``?``, ``{m,n}``) or an alternation (``|``) inside a
  repeated group: ``(a+)+``, ``(aa?)*``, ``(a|ab)+`` (exponential); a fixed count
  (``(\\d{3}-)+``) or a character class (``[ab]+``) is fine;
- more than one quantifier that repeats many times (``*``, ``+``, ``{m,}``, ``{m,n}``):
  ``\\s*\\s*$`` (polynomial); ``search`` finds the pattern anywhere, so a leading or
  trailing ``.*`` is never needed;
- more than 16 combinations of optional parts and alternatives (each ``?`` doubles them, an
  alternation of ``n`` branches multiplies them by ``n``), or more than 1024 in a pattern
  without such a quantifier; and backreferences.

:func:`search_bounded` then searches only the first :data:`MATCHES_MAX_LENGTH` characters of
the value (as if it were cut there: ``$`` matches at the cut), so an accepted pattern takes
at most tens of milliseconds (about 70 ms measured for the worst shapes on a 2-core machine).
"""

from __future__ import annotations

import re
from re import _constants as sre_constants
from re import _parser as sre_parse  # private since Python 3.11
from typing import Any

MATCHES_MAX_LENGTH = 1024
"""A ``matches`` predicate searches this many leading characters of the value, no more."""

_REPEATS = tuple(op for op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                               getattr(sre_constants, "POSSESSIVE_REPEAT", None)) if op is not None)


def search_bounded(pattern: str, value: str) -> bool:
    """Whether ``pattern`` is found in the first :data:`MATCHES_MAX_LENGTH` characters of ``value``."""
    return re.search(pattern, value[:MATCHES_MAX_LENGTH]) is not None


_MAX_MANY = 1
_MAX_COMBINATIONS = 16
_MAX_COMBINATIONS_WITHOUT_MANY = 1024


class _Tally:
    """What a walk of a parsed pattern found: repeats, choice points, and the first problem."""

    def __init__(self) -> None:
        self.many = 0
        self.combinations = 1
        self.problem: str | None = None

    def refuse(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem


def regex_risk(pattern: str) -> str | None:
    """Why ``pattern`` could backtrack for a long time (see the module docstring), or None.
    ``pattern`` must compile."""
    tally = _Tally()
    _scan(sre_parse.parse(pattern), False, tally)
    if tally.problem is None and tally.many > _MAX_MANY:
        tally.refuse(f"{tally.many} quantifiers that repeat many times (at most {_MAX_MANY})")
    most = _MAX_COMBINATIONS if tally.many else _MAX_COMBINATIONS_WITHOUT_MANY
    if tally.problem is None and tally.combinations > most:
        tally.refuse(f"{tally.combinations} combinations of optional parts and alternatives (at most {most})")
    return tally.problem


def _scan(items: Any, repeated: bool, tally: _Tally) -> None:
    for op, arg in items:
        _scan_one(op, arg, repeated, tally)


def _scan_one(op: Any, arg: Any, repeated: bool, tally: _Tally) -> None:
    c = sre_constants
    if op in _REPEATS:
        low, high, body = arg
        if high != low:
            if repeated:
                tally.refuse(f"a quantifier {_quantifier(low, high)} inside a repeated group")
            if high == 1:
                tally.combinations *= 2
            else:
                tally.many += 1
        _scan(body, repeated or high > 1, tally)
    elif op is c.SUBPATTERN:
        _scan(arg[3], repeated, tally)
    elif op is c.BRANCH:
        if repeated:
            tally.refuse("an alternation (|) inside a repeated group")
        tally.combinations *= len(arg[1])
        for branch in arg[1]:
            _scan(branch, repeated, tally)
    elif op is getattr(c, "ATOMIC_GROUP", None):
        _scan(arg, repeated, tally)
    elif op in (c.ASSERT, c.ASSERT_NOT):
        _scan(arg[1], repeated, tally)
    elif op in (c.GROUPREF, c.GROUPREF_EXISTS, getattr(c, "GROUPREF_IGNORE", None)):
        tally.refuse("a backreference to a group")


def _quantifier(low: int, high: int) -> str:
    if high is sre_constants.MAXREPEAT:
        return {0: "*", 1: "+"}.get(low, f"{{{low},}}")
    return "?" if (low, high) == (0, 1) else f"{{{low},{high}}}"
