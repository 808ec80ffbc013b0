"""The policy an ``X-Policy`` header asks for: its SQRT code, compiled once per text, and its presets.

A header holds SQRT when ``codes.language`` is ``sqrt`` (the default) and ``codes.code`` is not
blank; the rule :func:`policy_code_is_sqrt` of the ``x-policy`` document requires such code to
parse and compile. Cedar code is accepted by the header document and not run (docs/contract.md §12).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from ..headers import HEADER_DOCUMENTS, POLICY_HEADER
from ..rules import Context, rule
from ..violations import Violation
from .compiled import CompiledPolicy
from .errors import SqrtError, SqrtSyntaxError
from .session import PolicyPresets

CODE_PATH = "$.codes.code"
"""Where an ``X-Policy`` header holds its code (error messages name it)."""


def policy_code(header: Mapping[str, Any] | None) -> str | None:
    """The SQRT text of a parsed ``X-Policy`` header, or None when it holds none."""
    codes = (header or {}).get("codes") or {}
    code = codes.get("code")
    if (codes.get("language") or "sqrt") != "sqrt" or not isinstance(code, str) or not code.strip():
        return None
    return code


def policy_presets(header: Mapping[str, Any] | None) -> PolicyPresets:
    """The presets of a parsed ``X-Policy`` header (the service's defaults where it sets none)."""
    return PolicyPresets.from_json((header or {}).get("presets") or {})


def decides_calls(header: Mapping[str, Any] | None) -> bool:
    """Whether a header's policy can deny a call: it holds SQRT code, or its presets deny by default."""
    return header is not None and (policy_code(header) is not None or not policy_presets(header).default_allow)


@functools.lru_cache(maxsize=256)
def compiled_policy(code: str) -> CompiledPolicy:
    """``code`` parsed and compiled (once per distinct text); raises :class:`~.errors.SqrtError`."""
    return CompiledPolicy.build(code)


@functools.lru_cache(maxsize=256)
def published_parser_stop(code: str) -> tuple[int, int, str] | None:
    """Where the published parser (``sequrity.sqrt.parser``, the ``clients`` extra) refuses ``code``:
    line, column and the first line of its message; None when it accepts or is not installed."""
    try:
        from sequrity.sqrt import parser
    except ImportError:
        return None
    error = parser.parse(code).error
    if error is None:
        return None
    return int(error.line), int(error.column), str(error).splitlines()[0]


@rule(HEADER_DOCUMENTS[POLICY_HEADER])
def policy_code_is_sqrt(header: dict[str, Any], context: Context) -> Iterator[Violation]:
    """codes.code, when it is SQRT, parses and compiles (its lets bound, its updates in place), and
    the published parser accepts it when installed."""
    code = policy_code(header)
    if code is None:
        return
    try:
        compiled_policy(code)
    except SqrtSyntaxError as error:
        wanted = error.expected[0] if len(error.expected) == 1 else "one of " + ", ".join(error.expected)
        yield Violation("policy_code_is_sqrt", CODE_PATH, f"SQRT; at line {error.line}, column {error.column} the "
                                                          f"parser expected {wanted} and found {error.found}")
        return
    except SqrtError as error:
        yield Violation("policy_code_is_sqrt", CODE_PATH, f"SQRT that compiles: {error}")
        return
    stop = published_parser_stop(code)
    if stop is not None:
        line, column, message = stop
        yield Violation("policy_code_is_sqrt", CODE_PATH, f"SQRT the published parser reads; it stops at line {line}, "
                                                          f"column {column}: {message}")
