"""Type checks of JSON values that Python's own would get wrong (``True`` is an ``int``; NaN is a float)."""

from __future__ import annotations

from typing import Any


def is_int(value: Any) -> bool:
    """True for an integer that is not a boolean."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    """True for an integer or float that is neither a boolean nor NaN."""
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value
