"""What a broken contract clause looks like: :class:`Violation`, and how JSON paths are written."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_MAX_VALUE_CHARS = 120


def json_path(parts: Iterable[str | int]) -> str:
    """Write a path of keys and indexes as a JSON path: ``$.messages[0].content``."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.match(part):
            out.append(f".{part}")
        else:
            out.append(f"[{json.dumps(part)}]")
    return "".join(out)


def short_repr(value: Any) -> str:
    """A one-line JSON rendering of ``value``, cut to a readable length."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr, sort_keys=True)
    except (ValueError, RecursionError):  # circular or absurdly deep
        text = repr(type(value))
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()


@dataclass(frozen=True)
class Violation:
    """One broken clause of the contract.

    ``rule`` names the clause (``schema:<keyword>`` for a JSON Schema keyword,
    otherwise a semantic rule such as ``alternating_roles``), ``path`` is the JSON
    path of the offending value, ``expected`` says what would be right.
    """

    rule: str
    path: str
    expected: str
    value: Any = field(default=_MISSING, compare=False)

    @property
    def has_value(self) -> bool:
        """False when the offending field is absent (a missing required property)."""
        return self.value is not _MISSING

    @property
    def message(self) -> str:
        """``<path>: expected <what>, got <value>`` — the sentence error bodies carry."""
        got = f", got {short_repr(self.value)}" if self.has_value else ""
        return f"{self.path}: expected {self.expected}{got}"

    def rebased(self, rule: str, prefix: str) -> Violation:
        """The same violation under another rule, its path nested below the JSON path ``prefix``."""
        return Violation(rule, prefix + self.path[1:], self.expected, self.value)

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready form for reports and journals."""
        out: dict[str, Any] = {"rule": self.rule, "path": self.path, "expected": self.expected}
        if self.has_value:
            out["value"] = short_repr(self.value)
        out["message"] = self.message
        return out

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


class ContractError(Exception):
    """The base of every error :mod:`sequrity_contract.schemas` raises: catch it to catch them all."""


class ContractViolationError(ContractError, ValueError):
    """Raised by helpers that refuse an instance outright; carries the violations."""

    def __init__(self, what: str, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations[:10])
        more = f"\n  (+{len(violations) - 10} more)" if len(violations) > 10 else ""
        super().__init__(f"{what} breaks the contract:\n{lines}{more}")
