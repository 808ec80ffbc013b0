"""Type checks of JSON values that Python's own would get wrong (``True`` is an ``int``; NaN is a float)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def is_int(value: Any) -> bool:
    """True for an integer that is not a boolean."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """True for an integer or float that is neither a boolean nor NaN."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


Check = Callable[[Any], str | None]
"""Returns what was expected when a value is wrong, else None."""


def int_at_least(low: int) -> Check:
    """A check for an integer >= ``low``."""
    return lambda v: None if is_int(v) and v >= low else f"an integer >= {low}"


def number_between(low: float, high: float, unit: str = "") -> Check:
    """A check for a number from ``low`` to ``high`` (``unit``: e.g. ``" of seconds"``)."""
    return lambda v: None if is_number(v) and low <= v <= high else f"a number{unit} from {low:g} to {high:g}"


def boolean(value: Any) -> str | None:
    """A check for true or false."""
    return None if isinstance(value, bool) else "true or false"


def text(value: Any) -> str | None:
    """A check for a non-empty string."""
    return None if isinstance(value, str) and value else "a non-empty string"
