"""SQRT policies for given tools: :func:`policies` draws policy text, :func:`policy_trees` the
syntax tree. Every drawn policy parses and builds into a
:class:`~sequrity_contract.schemas.sqrt.PolicySession`: names are bound before use, lets are used
as what they are (predicate or set), patterns are valid regexes and ``session before`` blocks
leave ``@result`` alone."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, Literal

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas.sqrt import Policy, print_policy
from sequrity_contract.schemas.sqrt import nodes as n

from .validation import check_range, check_type, lazy

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = frozenset({
    "let", "tool", "priority", "must", "hard", "should", "soft", "allow", "deny", "when", "always", "result",
    "session", "before", "after", "tags", "producers", "consumers", "and", "or", "not", "in", "overlaps",
    "subset", "superset", "of", "is", "empty", "universal", "union", "intersect", "minus", "xor", "with",
    "without", "from", "args", "bool", "int", "float", "str", "datetime", "matching", "like", "length",
    "true", "false", "inf", "value"})
"""Words SQRT uses; an argument named like one is left out of generated rules."""
_WORDS = st.sampled_from(["pii", "secret", "internal", "public", "trusted", "audit", "reviewed", "*"])
_META: SearchStrategy[n.MetaField] = st.sampled_from(["tags", "producers", "consumers"])
_NUMBERS = st.integers(-1000, 1000).map(lambda v: n.Number(v, str(v)))
_PATTERNS = st.sampled_from([r".*@trustedcorp\.com", r"^[a-z]+$", r"[0-9]{3}-.*", r"(send|get)_.*"])
_WILDCARDS = st.sampled_from(["*.txt", "*@example.com", "user?", "*"])
_DATETIMES = st.sampled_from(["2023-01-01T00:00:00Z", "2024-06-30T12:00:00+02:00", "2025-12-31"])


# Trees as the parser builds them: an operand that binds more loosely than its operator is
# parenthesised (so printing and parsing give the same tree back).
_SET_LEVEL = {"xor": 0, "minus": 1, "intersect": 2, "union": 3}


def _wrap_set(expr: n.SetExpr, level: int) -> n.SetExpr:
    loose = (isinstance(expr, n.SetBinary) and _SET_LEVEL[expr.op] < level) or (
        isinstance(expr, n.SetElementOp) and level > 4)
    return n.Paren(expr) if loose else expr


def _set_binary(op: n.SetOp, left: n.SetExpr, right: n.SetExpr, keyword: bool) -> n.SetBinary:
    level = _SET_LEVEL[op]
    return n.SetBinary(op, _wrap_set(left, level), _wrap_set(right, level + 1), keyword)


def _element_op(op: str, operand: n.SetExpr, element: n.Element) -> n.SetElementOp:
    wrapped = n.Paren(operand) if isinstance(operand, n.SetBinary) else operand
    return n.SetElementOp(op, wrapped, element)  # type: ignore[arg-type]


def _wrap(pred: n.Predicate, loose: tuple[type, ...]) -> n.Predicate:
    return n.Paren(pred) if isinstance(pred, loose) else pred


def _and(left: n.Predicate, right: n.Predicate) -> n.And:
    return n.And(_wrap(left, (n.Or,)), _wrap(right, (n.Or, n.And)))


def _or(left: n.Predicate, right: n.Predicate) -> n.Or:
    return n.Or(left, _wrap(right, (n.Or,)))


def _not(operand: n.Predicate) -> n.Not:
    return n.Not(_wrap(operand, (n.Or, n.And)))


def _arg_names(tool: Any) -> list[str]:
    """The argument names of one tool entry usable in SQRT (identifiers that are not SQRT words)."""
    schema = tool if isinstance(tool, Mapping) else {}
    properties = schema.get("properties", {}) if isinstance(schema.get("properties", {}), Mapping) else {}
    return [p for p in properties if isinstance(p, str) and _IDENTIFIER.fullmatch(p) and p not in _RESERVED]


def _range() -> SearchStrategy[n.Range]:
    def build(values: list[int], op: str | None, shape: str) -> n.Range:
        low, high = sorted(values)
        lo, hi = n.Number(low, str(low)), n.Number(high, str(high))
        if op is None:
            return n.Range(lo, None, None)
        if shape == "to" and op in ("..", "..<"):
            return n.Range(None, hi, op)
        if shape == "from" and op in ("..", "<.."):
            return n.Range(lo, None, op)
        return n.Range(lo, hi, op)
    return st.builds(build, st.lists(st.integers(-100, 100), min_size=2, max_size=2),
                     st.sampled_from([None, "..", "<..", "..<", "<..<"]), st.sampled_from(["both", "to", "from"]))


def _domains() -> SearchStrategy[n.TypeDomain]:
    strings: SearchStrategy[n.StrPattern] = st.one_of(
        _WORDS.map(n.StrConst), _PATTERNS.map(n.StrRegex), _WILDCARDS.map(n.StrWildcard))
    datetime_bound = _DATETIMES.map(lambda t: n.DatetimeBound("datetime", t))
    return st.one_of(
        st.booleans().map(n.BoolDomain),
        _range().map(n.IntDomain),
        _range().map(n.FloatDomain),
        st.builds(n.StrDomain, strings, st.none() | _range()),
        st.builds(lambda low, high, op: n.DatetimeDomain(low, high, op), datetime_bound, datetime_bound,
                  st.sampled_from(["..", "..<", "<..", "<..<"])),
        datetime_bound.map(lambda b: n.DatetimeDomain(b, None, None)),
        st.integers(0, 2_000_000_000).map(lambda v: n.DatetimeDomain(n.DatetimeBound("epoch", str(v)), None, None)),
    )


def _elements() -> SearchStrategy[n.Element]:
    return st.one_of(_WORDS.map(n.StrConst), _PATTERNS.map(n.StrRegex), _WILDCARDS.map(n.StrWildcard),
                     _NUMBERS, _domains())


def _meta_access(args: list[str], scopes: Collection[str]) -> SearchStrategy[n.MetaAccess]:
    options: list[SearchStrategy[n.MetaAccess]] = [
        st.builds(n.MetaAccess, st.sampled_from(sorted(scopes)), _META)]
    if args:
        options.append(st.builds(lambda name, field: n.MetaAccess("arg", field, name), st.sampled_from(args), _META))
    return st.one_of(options)


def _set_operands(args: list[str]) -> SearchStrategy[n.SetOperand]:
    aggregate = st.builds(lambda op, field, form: n.ArgsAggregate(op, field, form if form != "@args" or op == "union"
                                                                  else "@args." + op),
                          st.sampled_from(["union", "intersect"]), _META, st.sampled_from(["of", "@args", "@args.x"]))
    return st.one_of(_meta_access(args, ("result", "session", "context")), aggregate)


def _sets(args: list[str], set_lets: list[str], strings_only: bool, nested: bool = True) -> SearchStrategy[n.SetExpr]:
    literal_elements = _WORDS.map(n.StrConst) if strings_only else _elements()
    literal = st.lists(literal_elements, max_size=3).map(lambda items: n.SetLiteral(tuple(items)))
    base: list[SearchStrategy[n.SetExpr]] = [literal, _set_operands(args)]
    if set_lets and not strings_only:
        base.append(st.sampled_from(set_lets).map(n.Ref))
    words = _WORDS.map(n.StrConst)
    if not nested:
        return st.one_of(base)

    def extend(inner: SearchStrategy[n.SetExpr]) -> SearchStrategy[n.SetExpr]:
        return st.one_of(
            st.builds(_set_binary, st.sampled_from(["union", "intersect", "minus", "xor"]), inner, inner,
                      st.booleans()),
            st.builds(_element_op, st.sampled_from(["with", "without"]), inner, words),
            inner.map(n.Paren))
    return st.recursive(st.one_of(base), extend, max_leaves=3)


def _values(args: list[str]) -> SearchStrategy[n.ValueOperand]:
    literals: SearchStrategy[n.ValueOperand] = st.one_of(
        _WORDS.map(lambda w: n.LiteralValue("string", w)),
        st.integers(-50, 50).map(lambda v: n.LiteralValue("number", v, str(v))),
        st.booleans().map(lambda b: n.LiteralValue("bool", b, "true" if b else "false")),
        _DATETIMES.map(lambda t: n.LiteralValue("datetime", t)))
    access = st.sampled_from([n.ValueAccess("result"), n.ValueAccess("session")]
                             + [n.ValueAccess("arg", a) for a in args])
    return st.one_of(access, literals)


def _predicates(args: list[str], predicate_lets: list[str], set_lets: list[str]) -> SearchStrategy[n.Predicate]:
    sets = _sets(args, set_lets, strings_only=False, nested=False)
    compare = st.builds(n.SetCompare, st.sampled_from(["overlaps", "subset", "superset", "equals"]),
                        _set_operands(args), sets)
    unary = st.builds(n.SetCompare, st.sampled_from(["empty", "universal"]), _set_operands(args))
    values = _values(args)
    base: list[SearchStrategy[n.Predicate]] = [compare, unary, st.builds(n.ValueIn, values, sets),
                                               st.builds(n.ValueEquals, values, values)]
    if predicate_lets:
        base.append(st.sampled_from(predicate_lets).map(n.Ref))

    def extend(inner: SearchStrategy[n.Predicate]) -> SearchStrategy[n.Predicate]:
        return st.one_of(st.builds(_and, inner, inner), st.builds(_or, inner, inner),
                         st.builds(_not, inner), inner.map(n.Paren))
    return st.recursive(st.one_of(base), extend, max_leaves=3)


@st.composite
def _lets(draw: st.DrawFn, args: list[str]) -> list[n.LetDecl]:
    lets: list[n.LetDecl] = []
    predicate_lets: list[str] = []
    set_lets: list[str] = []
    for index in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["predicate", "set", "domain"]))
        name = f"{kind.capitalize()}{index}"
        if kind == "predicate":
            lets.append(n.LetDecl(name, draw(_predicates(args, predicate_lets, set_lets))))
            predicate_lets.append(name)
        else:
            expr = draw(_sets(args, set_lets, False)) if kind == "set" else draw(_domains())
            lets.append(n.LetDecl(name, expr))
            set_lets.append(name)
    return lets


def _docs() -> SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(["Policy for the tool", "Why this rule exists", "Owner: security"]),
                    max_size=2).map(tuple)


@st.composite
def _tool(draw: st.DrawFn, name: str, args: list[str], lets: list[n.LetDecl]) -> n.ToolDecl | n.ToolShorthand:
    predicate_lets = [d.name for d in lets if d.name.startswith("Predicate")]
    set_lets = [d.name for d in lets if not d.name.startswith("Predicate")]
    tool_id = n.ToolId(name) if draw(st.booleans()) else n.ToolId(re.escape(name) + draw(st.sampled_from(["", ".*"])),
                                                                   regex=True)
    predicates = _predicates(args, predicate_lets, set_lets)
    strings = _sets(args, [], strings_only=True, nested=False)

    def update(scopes: Collection[str], docs: SearchStrategy[tuple[str, ...]]) -> SearchStrategy[n.Update]:
        return st.builds(n.Update, _meta_access(args, scopes), st.sampled_from(["=", "|=", "&=", "-=", "^="]),
                         strings, docs)

    def statements(scopes: Collection[str]) -> SearchStrategy[tuple[n.Statement, ...]]:
        inner = st.lists(update(scopes, st.just(())), max_size=2).map(tuple)  # no doc comments inside a when
        conditional = st.builds(n.Conditional, predicates, inner, _docs())
        return st.lists(st.one_of(update(scopes, _docs()), conditional), max_size=2).map(tuple)

    if draw(st.booleans()):
        target: Literal["result", "session before", "session after"] = draw(
            st.sampled_from(["result", "session before", "session after"]))
        spelling = draw(st.sampled_from({"result": ["", "result"], "session before": ["session before"],
                                         "session after": ["session", "session after"]}[target]))
        op: n.AssignOp = draw(st.sampled_from(["=", "|=", "&=", "-=", "^="]))
        the_update = n.Update(n.MetaAccess("context", draw(_META)), op, draw(strings))
        return n.ToolShorthand(tool_id, draw(st.none() | st.integers(0, 100)), target, the_update,
                               draw(st.none() | predicates), draw(_docs()), spelling)
    rule = st.builds(lambda enforcement, spelling, outcome, condition, docs: n.CheckRule(
        enforcement, outcome, condition, docs, spelling[enforcement]),
        st.sampled_from(["must", "should"]), st.sampled_from([{"must": "must", "should": "should"},
                                                              {"must": "hard", "should": "soft"}]),
        st.sampled_from(["allow", "deny"]), st.none() | predicates, _docs())
    member = st.one_of(
        rule, rule,
        st.builds(n.PriorityDecl, st.integers(0, 100), _docs()),
        st.builds(n.ResultBlock, statements(("result", "session", "context")), _docs()),
        st.builds(n.SessionBlock, st.just("after"), statements(("result", "session", "context")), _docs()),
        st.builds(n.SessionBlock, st.just("before"), statements(("session", "context")), _docs()))
    return n.ToolDecl(tool_id, tuple(draw(st.lists(member, max_size=3))), draw(_docs()))


@st.composite
def _policy(draw: st.DrawFn, tools: dict[str, list[str]], max_tools: int) -> Policy:
    all_args = sorted({a for names in tools.values() for a in names})
    lets = draw(_lets(all_args))
    chosen = draw(st.lists(st.sampled_from(sorted(tools)), min_size=1, max_size=max_tools))
    declarations: list[n.Declaration] = list(lets)
    for name in chosen:
        declarations.append(draw(_tool(name, tools[name], lets)))
    return Policy(tuple(declarations))


def _tool_table(tools: Any) -> dict[str, list[str]]:
    if isinstance(tools, Mapping):
        table = {name: _arg_names(schema) for name, schema in tools.items()}
    else:
        check_type((list, tuple, set, frozenset), tools, "tools")
        table = {name: [] for name in tools}
    if not table or not all(isinstance(name, str) and name for name in table):
        from .errors import InvalidStrategyArgument
        raise InvalidStrategyArgument(f"tools={tools!r}: expected tool names, or a mapping of tool names to input "
                                      "schemas, with at least one tool")
    return table


@lazy
def policy_trees(tools: Collection[str] | Mapping[str, Mapping[str, Any]], *,
                 max_tools: int = 3) -> SearchStrategy[Policy]:
    """Parsed SQRT policies (:class:`~sequrity_contract.schemas.sqrt.Policy`) for ``tools``: a
    collection of tool names, or a mapping of names to input schemas (their ``properties`` become
    the arguments rules read). Up to ``max_tools`` tool declarations after up to two lets."""
    check_range(max_tools, "max_tools", low=1, high=32)
    return _policy(_tool_table(tools), max_tools)


@lazy
def policies(tools: Collection[str] | Mapping[str, Mapping[str, Any]], *, max_tools: int = 3) -> SearchStrategy[str]:
    """SQRT policy text for ``tools`` (see :func:`policy_trees`), as an ``X-Policy`` header's
    ``codes.code`` carries it."""
    check_range(max_tools, "max_tools", low=1, high=32)
    return _policy(_tool_table(tools), max_tools).map(print_policy)
