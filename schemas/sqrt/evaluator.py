"""Evaluating predicates, set expressions and updates against one tool call: its arguments, the
result (once there is one), the session's metadata and the policy's ``let`` bindings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from . import nodes as n
from .errors import SqrtEvaluationError
from .matching import to_datetime, values_equal
from .sets import SqrtSet
from .values import Metadata, ValueWithMeta

PREDICATE_NODES = (n.Or, n.And, n.Not, n.ValueIn, n.ValueEquals, n.SetCompare)
DOMAIN_NODES = (n.BoolDomain, n.IntDomain, n.FloatDomain, n.StrDomain, n.DatetimeDomain)
MISSING = ValueWithMeta(None)
"""What an argument the call does not have reads as: no value, default metadata."""


@dataclass
class Context:
    """The state one rule or block sees; updates change it in place."""

    args: dict[str, ValueWithMeta]
    session: Metadata
    lets: Mapping[str, n.LetDecl]
    result: ValueWithMeta | None = None
    block: Literal["result", "session"] = "session"
    """What ``@tags`` (and the other bare fields) name: the result's or the session's."""
    cache: dict[tuple[str, str], object] = field(default_factory=dict)
    """Let values already computed in this state (cleared by every update), so a let used many
    times is evaluated once."""


def is_predicate(expr: object, lets: Mapping[str, n.LetDecl], seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``expr`` (a ``let`` right-hand side) is a predicate rather than a set or a domain."""
    if isinstance(expr, n.Paren):
        return is_predicate(expr.inner, lets, seen)
    if isinstance(expr, n.Ref):
        bound = lets.get(expr.name)
        return bound is not None and expr.name not in seen and is_predicate(bound.expr, lets, seen | {expr.name})
    return isinstance(expr, PREDICATE_NODES)


def _let(ref: n.Ref, ctx: Context) -> n.LetDecl:
    bound = ctx.lets.get(ref.name)
    if bound is None:
        raise SqrtEvaluationError(f"{ref.name!r} is not defined by a let", ref.at.line, ref.at.column)
    return bound


def holds(pred: n.Predicate, ctx: Context) -> bool:
    """Whether ``pred`` is true in ``ctx``."""
    if isinstance(pred, n.Or):
        return holds(pred.left, ctx) or holds(pred.right, ctx)
    if isinstance(pred, n.And):
        return holds(pred.left, ctx) and holds(pred.right, ctx)
    if isinstance(pred, n.Not):
        return not holds(pred.operand, ctx)
    if isinstance(pred, n.Paren):
        return holds(pred.inner, ctx)  # type: ignore[arg-type]
    if isinstance(pred, n.Ref):
        key = (pred.name, ctx.block)
        if key not in ctx.cache:
            bound = _let(pred, ctx)
            if not is_predicate(bound.expr, ctx.lets):
                raise SqrtEvaluationError(f"let {pred.name!r} is a set or a domain, used as a predicate",
                                          pred.at.line, pred.at.column)
            ctx.cache[key] = holds(bound.expr, ctx)  # type: ignore[arg-type]
        return ctx.cache[key] is True
    if isinstance(pred, n.ValueIn):
        return evaluate_set(pred.set, ctx).contains(value_of(pred.value, ctx))
    if isinstance(pred, n.ValueEquals):
        return values_equal(value_of(pred.left, ctx), value_of(pred.right, ctx))
    left = evaluate_set(pred.left, ctx)
    if pred.op == "empty":
        return left.is_empty()
    if pred.op == "universal":
        return left.is_universal()
    assert pred.right is not None
    right = evaluate_set(pred.right, ctx)
    if pred.op == "overlaps":
        return left.overlaps(right)
    if pred.op == "subset":
        return left.subset_of(right)
    if pred.op == "superset":
        return right.subset_of(left)
    return left.equals(right)


def value_of(operand: n.ValueOperand, ctx: Context) -> object:
    """The value an operand reads: an argument's, the result's (``None`` before there is one),
    the session's (always ``None``: a session has metadata only) or a literal."""
    if isinstance(operand, n.LiteralValue):
        if operand.kind == "datetime":
            moment = to_datetime(operand.value)
            if moment is None:
                raise SqrtEvaluationError(f"{operand.text} is not an ISO 8601 datetime")
            return moment
        return operand.value
    if operand.scope == "arg":
        return ctx.args.get(operand.name, MISSING).value
    if operand.scope == "result":
        return ctx.result.value if ctx.result is not None else None
    return None


def meta_of(access: n.MetaAccess, ctx: Context) -> Metadata:
    """The metadata an access names (``@field`` by the block it is in)."""
    scope = ctx.block if access.scope == "context" else access.scope
    if scope == "arg":
        return ctx.args.get(access.name, MISSING).meta
    if scope == "result":
        return ctx.result.meta if ctx.result is not None else Metadata()
    return ctx.session


def evaluate_set(expr: n.SetExpr, ctx: Context) -> SqrtSet:
    """The set ``expr`` stands for in ``ctx``."""
    if isinstance(expr, n.SetLiteral):
        return SqrtSet.from_elements(expr.elements)
    if isinstance(expr, n.MetaAccess):
        return meta_of(expr, ctx).get(expr.field)
    if isinstance(expr, n.ArgsAggregate):
        sets = [arg.meta.get(expr.field) for arg in ctx.args.values()]
        if expr.op == "union":
            combined = SqrtSet()
            for item in sets:
                combined = combined.union(item)
            return combined
        combined = SqrtSet.of(["*"])
        for item in sets:
            combined = combined.intersect(item)
        return combined
    if isinstance(expr, n.SetBinary):
        left, right = evaluate_set(expr.left, ctx), evaluate_set(expr.right, ctx)
        return getattr(left, expr.op)(right)  # type: ignore[no-any-return]
    if isinstance(expr, n.SetElementOp):
        operand = evaluate_set(expr.operand, ctx)
        return operand.with_element(expr.element) if expr.op == "with" else operand.without_element(expr.element)
    if isinstance(expr, n.Paren):
        return evaluate_set(expr.inner, ctx)  # type: ignore[arg-type]
    key = ("set " + expr.name, ctx.block)
    cached = ctx.cache.get(key)
    if isinstance(cached, SqrtSet):
        return cached
    bound = _let(expr, ctx)
    if isinstance(bound.expr, DOMAIN_NODES):
        value = SqrtSet.from_elements([bound.expr])
    elif is_predicate(bound.expr, ctx.lets):
        raise SqrtEvaluationError(f"let {expr.name!r} is a predicate, used as a set", expr.at.line, expr.at.column)
    else:
        value = evaluate_set(bound.expr, ctx)  # type: ignore[arg-type]
    ctx.cache[key] = value
    return value


def apply_update(update: n.Update, ctx: Context) -> None:
    """Carry out ``target op expr`` on ``ctx`` (``a |= b`` is ``a = a | b``, and so on)."""
    value = evaluate_set(update.expr, ctx)
    target = update.target
    if update.op != "=":
        current = evaluate_set(target, ctx)
        value = getattr(current, n.AUGMENTED_OPS[update.op])(value)
    value.check_metadata()
    ctx.cache.clear()
    scope = ctx.block if target.scope == "context" else target.scope
    if scope == "arg":
        old = ctx.args.get(target.name, MISSING)
        ctx.args[target.name] = ValueWithMeta(old.value, old.meta.set(target.field, value))
    elif scope == "result":
        if ctx.result is None:
            raise SqrtEvaluationError("@result is updated before the tool has a result",
                                      target.at.line, target.at.column)
        ctx.result = ValueWithMeta(ctx.result.value, ctx.result.meta.set(target.field, value))
    else:
        ctx.session = ctx.session.set(target.field, value)


def run_statements(statements: tuple[n.Statement, ...], ctx: Context) -> None:
    """Run a block's statements in order; a ``when`` runs its updates when its predicate holds."""
    for statement in statements:
        if isinstance(statement, n.Update):
            apply_update(statement, ctx)
        elif holds(statement.condition, ctx):
            for update in statement.updates:
                apply_update(update, ctx)
