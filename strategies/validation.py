"""Argument checking for the public strategies: one place, messages that read ``arg=value``.

Every public strategy is wrapped by :func:`lazy`: calling it only records the call; the
arguments are checked (raising :class:`hypothesis.errors.InvalidArgument`) and the real
strategy is built when it is first drawn from, and its repr echoes the user's call.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import Any, TypeVar

from hypothesis.strategies._internal.utils import defines_strategy

from sequrity_contract import schemas

from .errors import InvalidStrategyArgument

F = TypeVar("F", bound=Callable[..., Any])


def lazy(function: F) -> F:
    """Make ``function`` a lazily evaluated strategy definition (hypothesis ``defines_strategy``)."""
    return defines_strategy()(function)


def check_type(expected: type | tuple[type, ...], value: Any, name: str) -> None:
    """Raise unless ``value`` is an instance of ``expected`` (bools are not integers here)."""
    kinds = expected if isinstance(expected, tuple) else (expected,)
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        names = " or ".join(k.__name__ for k in kinds)
        got = type(value).__name__
        raise InvalidStrategyArgument(f"{name}={value!r}: expected a value of type {names}, got {got}")


def check_choice(value: Any, allowed: Collection[Any], name: str) -> None:
    """Raise unless ``value`` is one of ``allowed``."""
    if value not in allowed:
        listed = ", ".join(repr(a) for a in allowed)
        raise InvalidStrategyArgument(f"{name}={value!r}: expected one of {listed}")


def check_range(value: Any, name: str, *, low: int, high: int | None = None) -> None:
    """Raise unless ``value`` is an integer in ``[low, high]``."""
    check_type(int, value, name)
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise InvalidStrategyArgument(f"{name}={value!r}: expected an integer {bound}")


def check_keywords(given: dict[str, Any], known: Collection[str], function: str) -> None:
    """Raise for a keyword argument ``function`` does not accept."""
    for key in given:
        if key not in known:
            raise InvalidStrategyArgument(f"{key}={given[key]!r}: {function}() accepts no constraint {key!r}; "
                                  f"expected one of {', '.join(sorted(known))}")


def check_document(value: Any, name: str, document: str, what: str) -> None:
    """Raise unless ``value`` is a dict valid against the schema ``document`` (``what`` says what
    it should be, e.g. ``a valid request``); the message names the first violation."""
    check_type(dict, value, name)
    violations = schemas.check(document, value)
    if violations:
        raise InvalidStrategyArgument(f"{name}=...: expected {what}, but {violations[0]}")


def check_session_id(value: Any) -> None:
    """Raise unless ``session_id`` is None or a UUID string."""
    if value is None:
        return
    check_type(str, value, "session_id")
    try:
        uuid.UUID(value)
    except ValueError:
        raise InvalidStrategyArgument(f"session_id={value!r}: expected a UUID string") from None


def check_exchanges(min_exchanges: Any, max_exchanges: Any) -> None:
    """Raise unless both are integers in ``[0, 20]`` and ``max_exchanges >= min_exchanges``."""
    check_range(min_exchanges, "min_exchanges", low=0, high=20)
    check_range(max_exchanges, "max_exchanges", low=0, high=20)
    if max_exchanges < min_exchanges:
        raise InvalidStrategyArgument(f"max_exchanges={max_exchanges!r}: expected >= min_exchanges={min_exchanges!r}")
