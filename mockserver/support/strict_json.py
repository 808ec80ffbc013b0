"""Strict JSON parsing for what clients send: UTF-8 only, no ``NaN``/``Infinity``, no lone UTF-16
surrogate escapes, and a bounded nesting depth (Python's recursion limit).

Bytes must be UTF-8 (RFC 8259 §8.1): a byte sequence that is not, such as an encoded surrogate
(``ED A0 80``), is refused with its offset. Text that carries bytes decoded with
``surrogateescape`` (aiohttp's way with header bytes that are not UTF-8) is refused likewise.

:func:`loads_strict` raises :class:`InvalidJson`, whose message says what was expected
and what was found; callers prefix it with the place (``request body``, a header...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..errors import MockServerError

orjson_loads: Callable[[bytes | bytearray | memoryview | str], Any] | None
try:
    from orjson import loads as orjson_loads
except ImportError:  # the standard library parses alone
    orjson_loads = None

#: A character that stands for a byte that was not UTF-8 (``surrogateescape``) or a lone surrogate.
#: Every ASCII digit as ``0`` and every other byte as a space: a run of 19 digits is then a plain
#: substring search (a regular expression would backtrack at every digit).
_DIGITS_ONLY = bytes(48 if 48 <= byte <= 57 else 32 for byte in range(256))
_LONG_DIGIT_RUN = b"0" * 19


def _has_long_number(data: bytes | str) -> bool:
    """Whether ``data`` holds a run of 19 or more ASCII digits (an integer orjson would make a float)."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    return _LONG_DIGIT_RUN in raw.translate(_DIGITS_ONLY)


_SURROGATE_CHARACTER = re.compile("[\ud800-\udfff]")
#: A ``\\uD800``-``\\uDFFF`` escape: a UTF-16 surrogate, valid Unicode only as a proper pair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class InvalidJson(MockServerError, ValueError):
    """Text that is not strict JSON: the message says what was expected and what was found;
    :attr:`got` is the found part alone (for callers that state their own expectation)."""

    def __init__(self, message: str, got: str) -> None:
        super().__init__(message)
        self.got = got


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _text(data: bytes | str) -> str:
    """``data`` as text; :class:`InvalidJson` when bytes are not UTF-8, or text holds bytes that were not."""
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")  # a leading byte order mark is ignored (RFC 8259 §8.1)
        except UnicodeDecodeError as exc:
            got = f"the byte 0x{data[exc.start]:02x} at offset {exc.start}, which is not UTF-8 there"
            raise InvalidJson(f"expected UTF-8 text, got {got}", got) from None
    found = _SURROGATE_CHARACTER.search(data)
    if found is not None:
        char = ord(found.group())
        what = f"the byte 0x{char - 0xDC00:02x}" if 0xDC80 <= char <= 0xDCFF else f"the lone surrogate U+{char:04X}"
        got = f"{what} at offset {found.start()}, which is not UTF-8 text"
        raise InvalidJson(f"expected UTF-8 text, got {got}", got)
    return data


def loads_strict(data: bytes | str) -> Any:
    """``data`` parsed as strict JSON; :class:`InvalidJson` when it is not.

    With ``orjson`` installed (the ``fast`` extra) a document it accepts is taken from it: it
    accepts only what is valid here too (UTF-8, no NaN, no lone surrogates) and gives the same
    values, but for integers beyond 64 bits (it makes them floats): a document with a run of 19 or
    more digits, like anything orjson refuses, takes the path below, which also words the errors."""
    if orjson_loads is not None and not _has_long_number(data):  # orjson makes big integers floats
        try:
            return orjson_loads(data)
        except ValueError:  # orjson.JSONDecodeError: let the strict path decide and word it
            pass
    text = _text(data)
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise InvalidJson("expected JSON nested less deeply", "JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError
        raise InvalidJson(f"expected valid JSON, got a parse error: {exc}", f"a parse error: {exc}") from None
    if _SURROGATE_ESCAPE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode()
        except UnicodeEncodeError as exc:
            got = f"a lone UTF-16 surrogate escape ({exc.object[exc.start]!r})"
            raise InvalidJson(f"expected valid Unicode, got {got}; send surrogates only as high+low pairs",
                              got) from None
    return value
