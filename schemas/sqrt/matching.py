"""Whether a value matches a set element: exact strings, regexes and wildcards (matched in full),
numbers, and the type domains ``bool``, ``int``, ``float``, ``str`` and ``datetime``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache

from . import nodes as n
from .errors import SqrtEvaluationError


@lru_cache(maxsize=256)
def compile_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled; raises :class:`SqrtEvaluationError` when it is not a regex."""
    try:
        return re.compile(pattern)
    except re.error as error:
        raise SqrtEvaluationError(f"r{pattern!r} is not a valid regular expression ({error})") from None


def wildcard_matches(pattern: str, value: str) -> bool:
    """Whether ``value`` matches the wildcard ``pattern`` in full: ``*`` any run of characters, ``?``
    one character, the rest literal. Greedy with one resumption point (the last ``*``): at most
    ``len(pattern) * len(value)`` steps, never the exponential backtracking of a regex."""
    p = v = 0
    star, resume = -1, 0
    while v < len(value):
        if p < len(pattern) and pattern[p] != "*" and (pattern[p] == "?" or pattern[p] == value[v]):
            p, v = p + 1, v + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, resume = p, v
            p += 1
        elif star >= 0:
            resume += 1
            p, v = star + 1, resume
        else:
            return False
    return all(c == "*" for c in pattern[p:])


def is_number(value: object) -> bool:
    """An ``int`` or ``float`` that is not a ``bool``."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def in_range(value: float, spec: n.Range) -> bool:
    """Whether ``value`` lies in ``spec`` (``<`` marks an excluded end)."""
    if spec.op is None:
        return spec.low is not None and value == spec.low.value
    if spec.low is not None and (value <= spec.low.value if spec.op.startswith("<") else value < spec.low.value):
        return False
    return not (spec.high is not None
                and (value >= spec.high.value if spec.op.endswith("<") else value > spec.high.value))


def to_datetime(value: object) -> datetime | None:
    """``value`` as an aware datetime (naive means UTC): a datetime, an ISO 8601 string or epoch
    seconds; ``None`` when it is none of these."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    elif is_number(value):
        try:
            return datetime.fromtimestamp(float(value), UTC)  # type: ignore[arg-type]
        except (OverflowError, OSError, ValueError):
            return None
    else:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _bound(bound: n.DatetimeBound) -> datetime:
    moment = to_datetime(float(bound.text) if bound.kind == "epoch" else bound.text)
    if moment is None:
        raise SqrtEvaluationError(f"{bound.text!r} is not an ISO 8601 datetime")
    return moment


def _in_datetime_domain(value: object, domain: n.DatetimeDomain) -> bool:
    moment = to_datetime(value)
    if moment is None:
        return False
    if domain.op is None:
        return domain.low is not None and moment == _bound(domain.low)
    if domain.low is not None:
        low = _bound(domain.low)
        if moment < low or (domain.op.startswith("<") and moment == low):
            return False
    if domain.high is not None:
        high = _bound(domain.high)
        if moment > high or (domain.op.endswith("<") and moment == high):
            return False
    return True


def matches(element: n.Element, value: object) -> bool:
    """Whether ``value`` is in the set ``element`` stands for."""
    if isinstance(element, n.StrConst):
        return isinstance(value, str) and value == element.value
    if isinstance(element, n.StrRegex):
        return isinstance(value, str) and compile_regex(element.pattern).fullmatch(value) is not None
    if isinstance(element, n.StrWildcard):
        return isinstance(value, str) and wildcard_matches(element.pattern, value)
    if isinstance(element, n.Number):
        return is_number(value) and value == element.value
    if isinstance(element, n.BoolDomain):
        return isinstance(value, bool) and value == element.value
    if isinstance(element, n.IntDomain):
        return isinstance(value, int) and not isinstance(value, bool) and in_range(value, element.range)
    if isinstance(element, n.FloatDomain):
        return is_number(value) and in_range(value, element.range)  # type: ignore[arg-type]
    if isinstance(element, n.StrDomain):
        return (isinstance(value, str) and matches(element.pattern, value)
                and (element.length is None or in_range(len(value), element.length)))
    return _in_datetime_domain(value, element)


def values_equal(left: object, right: object) -> bool:
    """``==`` between two values: numbers by value (never a bool), datetimes as instants."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, datetime) or isinstance(right, datetime):
        return to_datetime(left) is not None and to_datetime(left) == to_datetime(right)
    return left == right
