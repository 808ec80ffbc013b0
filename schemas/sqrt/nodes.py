"""The syntax tree of a SQRT policy: frozen dataclasses that compare by meaning. The spelling of
synonyms (``hard``/``must``, ``|``/``union``, ``@args.tags``/``union of tags from args``) and
source positions are kept for printing and messages but do not take part in equality."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Literal

META_FIELDS = ("tags", "producers", "consumers")
"""The three metadata fields of a value."""

MetaField = Literal["tags", "producers", "consumers"]
Scope = Literal["arg", "result", "session", "context"]
SetOp = Literal["union", "intersect", "minus", "xor"]
AssignOp = Literal["=", "|=", "&=", "-=", "^="]

AUGMENTED_OPS: dict[str, SetOp] = {"|=": "union", "&=": "intersect", "-=": "minus", "^=": "xor"}
"""Each augmented assignment and the set operation it stands for."""


@dataclass(frozen=True)
class Position:
    """Where a node starts (1-based)."""

    line: int = 0
    column: int = 0


# --- numbers, strings, domains -------------------------------------------------------------

@dataclass(frozen=True)
class Number:
    """An integer, a float or ``inf``/``-inf``/``+inf`` (a float)."""

    value: int | float
    text: str = _field(default="", compare=False)


@dataclass(frozen=True)
class StrConst:
    """``"text"``: exactly this string."""

    value: str


@dataclass(frozen=True)
class StrRegex:
    """``r"pattern"``: strings the regular expression matches in full."""

    pattern: str


@dataclass(frozen=True)
class StrWildcard:
    """``w"pattern"``: ``*`` any run of characters, ``?`` one character, the rest literal."""

    pattern: str


StrPattern = StrConst | StrRegex | StrWildcard


@dataclass(frozen=True)
class Range:
    """A range of numbers: ``op`` is ``None`` for one exact value (``low``), else ``..``, ``<..``,
    ``..<`` or ``<..<``; a missing bound is open-ended."""

    low: Number | None
    high: Number | None
    op: str | None


@dataclass(frozen=True)
class BoolDomain:
    """``bool true`` / ``bool false``."""

    value: bool


@dataclass(frozen=True)
class IntDomain:
    """``int <range>``: integers in the range."""

    range: Range


@dataclass(frozen=True)
class FloatDomain:
    """``float <range>``: numbers in the range."""

    range: Range


@dataclass(frozen=True)
class StrDomain:
    """``str <pattern> [length <range>]``."""

    pattern: StrPattern
    length: Range | None = None


@dataclass(frozen=True)
class DatetimeBound:
    """One end of a datetime spec: ``d"ISO 8601"``, a plain ``"string"`` or an epoch number."""

    kind: Literal["datetime", "string", "epoch"]
    text: str


@dataclass(frozen=True)
class DatetimeDomain:
    """``datetime <spec>``: ``op`` is ``None`` for one exact instant (``low``)."""

    low: DatetimeBound | None
    high: DatetimeBound | None
    op: str | None


TypeDomain = BoolDomain | IntDomain | FloatDomain | StrDomain | DatetimeDomain
Element = StrConst | StrRegex | StrWildcard | Number | TypeDomain


# --- value and set operands -----------------------------------------------------------------

@dataclass(frozen=True)
class LiteralValue:
    """A literal value operand: a string, a ``d"..."`` datetime, a number or a boolean."""

    kind: Literal["string", "datetime", "number", "bool"]
    value: str | int | float | bool
    text: str = _field(default="", compare=False)


@dataclass(frozen=True)
class ValueAccess:
    """``name.value``, ``@result.value`` or ``@session.value``."""

    scope: Literal["arg", "result", "session"]
    name: str = ""
    at: Position = _field(default=Position(), compare=False, repr=False)


ValueOperand = ValueAccess | LiteralValue


@dataclass(frozen=True)
class MetaAccess:
    """A metadata set: ``name.field``, ``@result.field``, ``@session.field`` or ``@field`` (the
    block's own: the result in a result block, the session in a session block)."""

    scope: Scope
    field: MetaField
    name: str = ""
    at: Position = _field(default=Position(), compare=False, repr=False)


@dataclass(frozen=True)
class ArgsAggregate:
    """``union``/``intersect of <field> from args``, or ``@args.<field>[.union|.intersect]``."""

    op: Literal["union", "intersect"]
    field: MetaField
    form: str = _field(default="of", compare=False)


@dataclass(frozen=True)
class Ref:
    """A name bound by ``let``, used as a predicate or as a set."""

    name: str
    at: Position = _field(default=Position(), compare=False, repr=False)


@dataclass(frozen=True)
class SetLiteral:
    """``{a, b, …}``; ``{"*"}`` is the universal set."""

    elements: tuple[Element, ...]


@dataclass(frozen=True)
class SetBinary:
    """``left op right``, op by name; ``keyword`` tells whether it was written as a word."""

    op: SetOp
    left: SetExpr
    right: SetExpr
    keyword: bool = _field(default=False, compare=False)


@dataclass(frozen=True)
class SetElementOp:
    """``set with element`` / ``set without element``."""

    op: Literal["with", "without"]
    operand: SetExpr
    element: Element


@dataclass(frozen=True)
class Paren:
    """A parenthesised set expression or predicate (kept so printing keeps the grouping)."""

    inner: SetExpr | Predicate


SetOperand = MetaAccess | ArgsAggregate
SetExpr = SetLiteral | SetBinary | SetElementOp | MetaAccess | ArgsAggregate | Ref | Paren


# --- predicates ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Or:
    left: Predicate
    right: Predicate


@dataclass(frozen=True)
class And:
    left: Predicate
    right: Predicate


@dataclass(frozen=True)
class Not:
    operand: Predicate


@dataclass(frozen=True)
class ValueIn:
    """``value in set``."""

    value: ValueOperand
    set: SetExpr


@dataclass(frozen=True)
class ValueEquals:
    """``value == value``."""

    left: ValueOperand
    right: ValueOperand


@dataclass(frozen=True)
class SetCompare:
    """``A overlaps B``, ``A subset of B``, ``A superset of B``, ``A == B`` (``op`` ``equals``),
    ``A is empty``, ``A is universal`` (``right`` is ``None`` for the last two)."""

    op: Literal["overlaps", "subset", "superset", "equals", "empty", "universal"]
    left: SetOperand
    right: SetExpr | None = None


Predicate = Or | And | Not | ValueIn | ValueEquals | SetCompare | Ref | Paren
Expression = Predicate | SetExpr | TypeDomain


# --- declarations ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Update:
    """``target op expr``: ``target`` is a :class:`MetaAccess` (``@field``, ``@result.field``,
    ``@session.field`` or ``arg.field``)."""

    target: MetaAccess
    op: AssignOp
    expr: SetExpr
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Conditional:
    """``when predicate { updates }``."""

    condition: Predicate
    updates: tuple[Update, ...]
    docs: tuple[str, ...] = ()


Statement = Update | Conditional


@dataclass(frozen=True)
class CheckRule:
    """``must|should allow|deny when <predicate>|always;`` (``condition`` ``None`` is ``always``)."""

    enforcement: Literal["must", "should"]
    outcome: Literal["allow", "deny"]
    condition: Predicate | None
    docs: tuple[str, ...] = ()
    spelling: str = _field(default="", compare=False)
    at: Position = _field(default=Position(), compare=False, repr=False)


@dataclass(frozen=True)
class PriorityDecl:
    """``priority N;``."""

    value: int
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResultBlock:
    """``result { … }``: runs on the tool's result."""

    statements: tuple[Statement, ...]
    docs: tuple[str, ...] = ()


@dataclass(frozen=True)
class SessionBlock:
    """``session before|after { … }``: runs on the session's metadata."""

    timing: Literal["before", "after"]
    statements: tuple[Statement, ...]
    docs: tuple[str, ...] = ()


Member = PriorityDecl | CheckRule | ResultBlock | SessionBlock


@dataclass(frozen=True)
class ToolId:
    """``"name"`` (that tool) or ``r"pattern"`` (every tool the pattern matches in full)."""

    pattern: str
    regex: bool = False


@dataclass(frozen=True)
class ToolDecl:
    """``tool <id> { members }``."""

    tool: ToolId
    members: tuple[Member, ...]
    docs: tuple[str, ...] = ()
    at: Position = _field(default=Position(), compare=False, repr=False)


@dataclass(frozen=True)
class ToolShorthand:
    """``tool <id> [N] -> [result|session [before|after]] @field op expr [when predicate];``;
    ``target`` is ``result``, ``session before`` or ``session after``."""

    tool: ToolId
    priority: int | None
    target: Literal["result", "session before", "session after"]
    update: Update
    condition: Predicate | None = None
    docs: tuple[str, ...] = ()
    target_spelling: str = _field(default="", compare=False)
    at: Position = _field(default=Position(), compare=False, repr=False)


@dataclass(frozen=True)
class LetDecl:
    """``let Name = expression;``."""

    name: str
    expr: Expression
    docs: tuple[str, ...] = ()
    at: Position = _field(default=Position(), compare=False, repr=False)


Declaration = LetDecl | ToolDecl | ToolShorthand


@dataclass(frozen=True)
class Policy:
    """A parsed SQRT program."""

    declarations: tuple[Declaration, ...]
