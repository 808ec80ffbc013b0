"""SQRT text from a syntax tree: :func:`print_policy` is the inverse of
:func:`~.parser.parse_policy` (``parse_policy(print_policy(p)) == p``)."""

from __future__ import annotations

from . import nodes as n
from .lexer import quote

_PREFIX = {n.StrConst: "", n.StrRegex: "r", n.StrWildcard: "w"}
_SYMBOLS = {"union": "|", "intersect": "&", "minus": "-", "xor": "^"}
_COMPARE = {"overlaps": "overlaps", "subset": "subset of", "superset": "superset of", "equals": "=="}


def print_policy(policy: n.Policy) -> str:
    """The SQRT text of ``policy``, one declaration per paragraph."""
    return "\n\n".join(print_declaration(d) for d in policy.declarations) + "\n"


def _docs(docs: tuple[str, ...], indent: str = "") -> str:
    return "".join(f"{indent}/// {line}\n" for line in docs)


def print_declaration(declaration: n.Declaration) -> str:
    """One ``let`` or ``tool`` declaration with its doc comments."""
    docs = _docs(declaration.docs)
    if isinstance(declaration, n.LetDecl):
        return f"{docs}let {declaration.name} = {print_expression(declaration.expr)};"
    tool = _tool_id(declaration.tool)
    if isinstance(declaration, n.ToolShorthand):
        priority = f" [{declaration.priority}]" if declaration.priority is not None else ""
        target = (declaration.target_spelling or declaration.target) + " "
        if declaration.target == "result" and not declaration.target_spelling:
            target = ""
        condition = f" when {print_predicate(declaration.condition)}" if declaration.condition else ""
        return f"{docs}tool {tool}{priority} -> {target}{print_update(declaration.update)}{condition};"
    members = "".join(_member(m) for m in declaration.members)
    return f"{docs}tool {tool} {{\n{members}}}"


def _tool_id(tool: n.ToolId) -> str:
    return quote(tool.pattern, "r" if tool.regex else "")


def _member(member: n.Member) -> str:
    docs = _docs(member.docs, "    ")
    if isinstance(member, n.PriorityDecl):
        return f"{docs}    priority {member.value};\n"
    if isinstance(member, n.CheckRule):
        return f"{docs}    {print_rule(member)}\n"
    head = "result" if isinstance(member, n.ResultBlock) else f"session {member.timing}"
    body = "".join(_statement(s) for s in member.statements)
    return f"{docs}    {head} {{\n{body}    }}\n"


def print_rule(rule: n.CheckRule) -> str:
    """``must deny when …;`` as written (``hard``/``soft`` kept)."""
    condition = f"when {print_predicate(rule.condition)}" if rule.condition is not None else "always"
    return f"{rule.spelling or rule.enforcement} {rule.outcome} {condition};"


def _statement(statement: n.Statement) -> str:
    docs = _docs(statement.docs, "        ")
    if isinstance(statement, n.Update):
        return f"{docs}        {print_update(statement)};\n"
    inner = "".join(f"            {print_update(u)};\n" for u in statement.updates)
    return f"{docs}        when {print_predicate(statement.condition)} {{\n{inner}        }}\n"


def print_update(update: n.Update) -> str:
    """``target op expression``."""
    return f"{_meta(update.target)} {update.op} {print_set(update.expr)}"


def print_expression(expr: n.Expression) -> str:
    """A ``let``'s right-hand side: a predicate, a set or a type domain."""
    if isinstance(expr, n.BoolDomain | n.IntDomain | n.FloatDomain | n.StrDomain | n.DatetimeDomain):
        return print_element(expr)
    if isinstance(expr, n.Or | n.And | n.Not | n.ValueIn | n.ValueEquals | n.SetCompare):
        return print_predicate(expr)
    if isinstance(expr, n.Paren) and _is_predicate(expr.inner):
        return print_predicate(expr)
    return print_set(expr)


def _is_predicate(node: object) -> bool:
    if isinstance(node, n.Paren):
        return _is_predicate(node.inner)
    return isinstance(node, n.Or | n.And | n.Not | n.ValueIn | n.ValueEquals | n.SetCompare)


def print_predicate(pred: n.Predicate) -> str:
    """A predicate, parenthesised where precedence needs it (``not`` > ``and`` > ``or``)."""
    if isinstance(pred, n.Or):
        return f"{print_predicate(pred.left)} or {_tighter(pred.right, (n.Or,))}"
    if isinstance(pred, n.And):
        return f"{_tighter(pred.left, (n.Or,))} and {_tighter(pred.right, (n.Or, n.And))}"
    if isinstance(pred, n.Not):
        return f"not {_tighter(pred.operand, (n.Or, n.And))}"
    if isinstance(pred, n.Paren):
        return f"({print_predicate(pred.inner)})"  # type: ignore[arg-type]
    if isinstance(pred, n.Ref):
        return pred.name
    if isinstance(pred, n.ValueIn):
        return f"{_value(pred.value)} in {print_set(pred.set)}"
    if isinstance(pred, n.ValueEquals):
        return f"{_value(pred.left)} == {_value(pred.right)}"
    left = print_set(pred.left)
    if pred.right is None:
        return f"{left} is {pred.op}"
    return f"{left} {_COMPARE[pred.op]} {print_set(pred.right)}"


def _tighter(pred: n.Predicate, loose: tuple[type, ...]) -> str:
    text = print_predicate(pred)
    return f"({text})" if isinstance(pred, loose) else text


def _value(value: n.ValueOperand) -> str:
    if isinstance(value, n.ValueAccess):
        return f"{value.name}.value" if value.scope == "arg" else f"@{value.scope}.value"
    if value.text:
        return value.text
    if value.kind == "string":
        return quote(str(value.value))
    if value.kind == "datetime":
        return quote(str(value.value), "d")
    if value.kind == "bool":
        return "true" if value.value else "false"
    return _number(n.Number(value.value))  # type: ignore[arg-type]


def _meta(access: n.MetaAccess) -> str:
    if access.scope == "arg":
        return f"{access.name}.{access.field}"
    if access.scope == "context":
        return f"@{access.field}"
    return f"@{access.scope}.{access.field}"


_LEVEL = {"xor": 0, "minus": 1, "intersect": 2, "union": 3}


def print_set(expr: n.SetExpr) -> str:
    """A set expression, parenthesised where precedence needs it."""
    if isinstance(expr, n.SetBinary):
        level = _LEVEL[expr.op]
        op = expr.op if expr.keyword else _SYMBOLS[expr.op]
        return f"{_set_at(expr.left, level)} {op} {_set_at(expr.right, level + 1)}"
    if isinstance(expr, n.SetElementOp):
        return f"{_set_at(expr.operand, 4)} {expr.op} {print_element(expr.element)}"
    if isinstance(expr, n.SetLiteral):
        return "{" + ", ".join(print_element(e) for e in expr.elements) + "}"
    if isinstance(expr, n.MetaAccess):
        return _meta(expr)
    if isinstance(expr, n.ArgsAggregate):
        if expr.form == "of":
            return f"{expr.op} of {expr.field} from args"
        return f"@args.{expr.field}" + (f".{expr.op}" if expr.form != "@args" or expr.op != "union" else "")
    if isinstance(expr, n.Ref):
        return expr.name
    return f"({print_set(expr.inner)})"  # type: ignore[arg-type]


def _set_at(expr: n.SetExpr, level: int) -> str:
    """``expr`` as an operand that binds at least as tightly as ``level``."""
    text = print_set(expr)
    if isinstance(expr, n.SetBinary) and _LEVEL[expr.op] < level:
        return f"({text})"
    if isinstance(expr, n.SetElementOp) and level > 4:
        return f"({text})"
    return text


def _number(number: n.Number) -> str:
    if number.text:
        return number.text
    if number.value == float("inf"):
        return "inf"
    if number.value == float("-inf"):
        return "-inf"
    return repr(number.value)


def _range(spec: n.Range) -> str:
    low = _number(spec.low) if spec.low is not None else ""
    high = _number(spec.high) if spec.high is not None else ""
    return f"{low}{spec.op or ''}{high}"


def _datetime_bound(bound: n.DatetimeBound | None) -> str:
    if bound is None:
        return ""
    if bound.kind == "epoch":
        return bound.text
    return quote(bound.text, "d" if bound.kind == "datetime" else "")


def print_element(element: n.Element) -> str:
    """A set element or type domain."""
    if isinstance(element, n.StrConst | n.StrRegex | n.StrWildcard):
        text = element.value if isinstance(element, n.StrConst) else element.pattern
        return quote(text, _PREFIX[type(element)])
    if isinstance(element, n.Number):
        return _number(element)
    if isinstance(element, n.BoolDomain):
        return f"bool {'true' if element.value else 'false'}"
    if isinstance(element, n.IntDomain):
        return f"int {_range(element.range)}"
    if isinstance(element, n.FloatDomain):
        return f"float {_range(element.range)}"
    if isinstance(element, n.StrDomain):
        pattern = element.pattern
        if isinstance(pattern, n.StrRegex):
            text = "matching " + print_element(pattern)
        elif isinstance(pattern, n.StrWildcard):
            text = "like " + print_element(pattern)
        else:
            text = print_element(pattern)
        length = f" length {_range(element.length)}" if element.length is not None else ""
        return f"str {text}{length}"
    return f"datetime {_datetime_bound(element.low)}{element.op or ''}{_datetime_bound(element.high)}"
