"""Text that stands for bytes, and JSON files that keep it: how journals, cassettes and reports hold
any byte a client (or an upstream) sent.

Header names and values, and a body that is not UTF-8, are kept as text decoded from UTF-8 with
``surrogateescape`` (as aiohttp decodes request headers): every byte that is not part of valid UTF-8
becomes one lone surrogate, U+DC80 to U+DCFF (byte ``0xff`` is ``"\\udcff"``). :func:`bytes_of` gives
the exact bytes back.

In a JSON file those surrogates are written as ``\\udcXX`` escapes, and everything else as UTF-8
text (:func:`json_chunks`, :func:`dumps`): ``json.loads`` reads the escapes back as the same
surrogates, so reading the file and encoding with ``surrogateescape`` restores the exact bytes:

>>> text = text_of(b"caf\\xc3\\xa9 \\xff")
>>> dumps({"X-Note": text})
'{"X-Note": "café \\\\udcff"}'
>>> bytes_of(json.loads(dumps({"X-Note": text}))["X-Note"])
b'caf\\xc3\\xa9 \\xff'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

#: Any UTF-16 surrogate code point; in text from :func:`text_of`, only U+DC80-U+DCFF occur.
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_of(raw: bytes) -> str:
    """``raw`` as text: UTF-8, each undecodable byte kept as a lone surrogate (U+DC80-U+DCFF)."""
    return raw.decode("utf-8", "surrogateescape")


def bytes_of(text: str) -> bytes:
    """The bytes ``text`` (from :func:`text_of`) stands for; a :class:`UnicodeEncodeError` for a
    surrogate outside U+DC80-U+DCFF, which stands for no byte."""
    return text.encode("utf-8", "surrogateescape")


def stands_for_bytes(text: str) -> bool:
    """True when every character of ``text`` is Unicode text or a byte's surrogate (see :func:`bytes_of`)."""
    try:
        bytes_of(text)
    except UnicodeEncodeError:
        return False
    return True


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_chunks(value: Any, *, indent: int | None = None, default: Callable[[Any], Any] | None = None
                ) -> Iterator[str]:
    """``value`` as JSON text in pieces (to write a large document without holding it twice): UTF-8
    text as is, lone surrogates as ``\\udcXX`` escapes; ``NaN`` and infinities refused
    (:class:`ValueError`). A JSON string is always one piece, so no escape is ever split."""
    encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False, indent=indent, default=default)
    for chunk in encoder.iterencode(value):
        yield _SURROGATE.sub(_escape, chunk)


def dumps(value: Any, *, indent: int | None = None, default: Callable[[Any], Any] | None = None,
          compact: bool = False) -> str:
    """``value`` as one JSON text (see :func:`json_chunks`); ``compact``: without spaces after ``,`` and ``:``."""
    if indent is None:  # the C encoder: one piece
        separators = (",", ":") if compact else None
        text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=default, separators=separators)
        return _SURROGATE.sub(_escape, text)
    return "".join(json_chunks(value, indent=indent, default=default))
