"""Strict JSON parsing for what clients send: no ``NaN``/``Infinity``, no lone UTF-16
surrogate escapes, and a bounded nesting depth (Python's recursion limit).

:func:`loads_strict` raises :class:`InvalidJson`, whose message says what was expected
and what was found; callers prefix it with the place (``request body``, a header...).
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import MockServerError

#: A ``\\uD800``-``\\uDFFF`` escape: a UTF-16 surrogate, valid Unicode only as a proper pair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE_ESCAPE_BYTES = re.compile(_SURROGATE_ESCAPE.pattern.encode())


class InvalidJson(MockServerError, ValueError):
    """Text that is not strict JSON: the message says what was expected and what was found;
    :attr:`got` is the found part alone (for callers that state their own expectation)."""

    def __init__(self, message: str, got: str) -> None:
        super().__init__(message)
        self.got = got


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_strict(data: bytes | str) -> Any:
    """``data`` parsed as strict JSON; :class:`InvalidJson` when it is not."""
    try:
        value = json.loads(data, parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidJson("expected JSON nested less deeply", "JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InvalidJson(f"expected valid JSON, got a parse error: {exc}", f"a parse error: {exc}") from None
    escapes = _SURROGATE_ESCAPE.search(data) if isinstance(data, str) else _SURROGATE_ESCAPE_BYTES.search(data)
    if escapes:
        try:
            json.dumps(value, ensure_ascii=False).encode()
        except UnicodeEncodeError as exc:
            got = f"a lone UTF-16 surrogate escape ({exc.object[exc.start]!r})"
            raise InvalidJson(f"expected valid Unicode, got {got}; send surrogates only as high+low pairs",
                              got) from None
    return value
