"""The interpreter's language: the Python constructs a lang-graph program may use, checked before
anything runs.

Programs generated from a LangGraph ``StateGraph`` use a small part of Python; :func:`parse`
accepts exactly that part and refuses the rest (naming the construct and its line), so a program
is judged whole, untaken branches included:

- statements: assignment to a name, a subscript (``state[key] = value``) or, in a ``for``, a tuple
  of names; a call on its own (``state[key].extend(value)``); ``for … in …`` (no ``else``);
  ``if``/``elif``/``else``; ``pass``
- expressions: names; constants (strings, numbers, booleans, ``None``); list, tuple and dict
  displays; subscripts (no slices); comparisons ``==``, ``!=``, ``in``, ``not in``; ``and``,
  ``or``, ``not``
- calls: ``isinstance(value, T)`` with ``T`` one of :data:`TYPE_NAMES` (or a tuple of them); the
  methods of :data:`METHODS`; and the request's tools, with keyword arguments only
  (``a_result = a(state=state)``), which become the program's external calls
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Collection

from .errors import ProgramSyntaxError, UnsupportedConstruct

TYPE_NAMES: dict[str, type | tuple[type, ...]] = {
    "dict": dict, "list": list, "str": str, "int": int, "float": float, "bool": bool,
}
"""The type names ``isinstance`` takes, and the JSON values each one matches."""

METHODS: dict[str, type] = {"get": dict, "items": dict, "extend": list}
"""The methods a program may call, and the type of value each belongs to."""

BUILTINS = ("isinstance",)
"""The functions the interpreter knows; every other called name must be one of the request's tools."""

_COMPARISONS = (ast.Eq, ast.NotEq, ast.In, ast.NotIn)
_CONSTANTS = (str, int, float, bool, type(None))

_NAMES: dict[type[ast.AST], str] = {
    ast.While: "a while loop", ast.FunctionDef: "a function definition",
    ast.AsyncFunctionDef: "an async function definition", ast.ClassDef: "a class definition",
    ast.Lambda: "a lambda", ast.Import: "an import", ast.ImportFrom: "an import",
    ast.Return: "a return statement", ast.Break: "break", ast.Continue: "continue",
    ast.Try: "a try statement", ast.With: "a with statement", ast.Raise: "a raise statement",
    ast.Delete: "a del statement", ast.Global: "a global statement", ast.Nonlocal: "a nonlocal statement",
    ast.AugAssign: "an augmented assignment (+= and the like)", ast.AnnAssign: "an annotated assignment",
    ast.BinOp: "an arithmetic operator", ast.IfExp: "a conditional expression (x if c else y)",
    ast.ListComp: "a list comprehension", ast.DictComp: "a dict comprehension",
    ast.SetComp: "a set comprehension", ast.GeneratorExp: "a generator expression",
    ast.Set: "a set display", ast.JoinedStr: "an f-string", ast.Slice: "a slice",
    ast.Starred: "a starred expression", ast.NamedExpr: "an assignment expression (:=)",
    ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield from", ast.Assert: "an assert statement",
    ast.Match: "a match statement", ast.AsyncFor: "an async for loop", ast.AsyncWith: "an async with statement",
    ast.Attribute: "attribute access", ast.Subscript: "a subscript", ast.Call: "a call's result",
    ast.Compare: "a comparison", ast.BoolOp: "a boolean operation", ast.List: "a list display",
    ast.Tuple: "a tuple", ast.Dict: "a dict display", ast.Name: "a name",
}

SUPPORTED = ("assignment, for … in …, if/elif/else, pass, names, constants, list/tuple/dict displays, "
             "subscripts, == != in not-in, and/or/not, isinstance, .get/.items/.extend and calls of the "
             "request's tools with keyword arguments")
"""The language in one line, for error messages."""


def describe(node: ast.AST) -> str:
    """A reader's name for ``node``'s construct."""
    if isinstance(node, ast.Compare):
        return "a comparison operator " + ", ".join(type(op).__name__ for op in node.ops)
    if isinstance(node, ast.UnaryOp):
        return f"the unary operator {type(node.op).__name__}"
    if isinstance(node, ast.Constant):
        return f"a {type(node.value).__name__} constant"
    return _NAMES.get(type(node), f"the construct {type(node).__name__}")


_PARSING = threading.Lock()
"""Held around :func:`ast.parse`: programs run in worker threads, and CPython 3.11 keeps the depth
count of its syntax-tree conversion per interpreter, not per thread, so two parses at once can fail
with ``SystemError: AST constructor recursion depth mismatch``."""


def parse(source: str, tools: Collection[str]) -> ast.Module:
    """The program ``source`` as a syntax tree, once every construct in it is one the interpreter
    runs and every function it calls is a builtin or one of ``tools``."""
    try:
        with _PARSING:
            module = ast.parse(source, mode="exec")
    except SyntaxError as error:
        raise ProgramSyntaxError(error.lineno or 0, f"not valid Python: {error.msg}") from None
    except ValueError as error:  # a null byte
        raise ProgramSyntaxError(0, f"not valid Python: {error}") from None
    except (RecursionError, MemoryError):
        raise ProgramSyntaxError(0, "the program nests too deeply for the parser (expressions or "
                                    "if/elif chains); expected a flatter program") from None
    try:
        _Checker(frozenset(tools)).statements(module.body)
    except RecursionError:
        raise UnsupportedConstruct(0, "the program nests expressions too deeply") from None
    return module


def _refuse(node: ast.AST, what: str | None = None) -> UnsupportedConstruct:
    return UnsupportedConstruct(getattr(node, "lineno", 0),
                                f"{what or describe(node)} is not supported; the interpreter runs {SUPPORTED}")


class _Checker:
    def __init__(self, tools: frozenset[str]) -> None:
        self.tools = tools

    def statements(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self.target(target, tuples=False)
            self.expression(node.value)
        elif isinstance(node, ast.Expr):
            if not isinstance(node.value, ast.Call):
                raise _refuse(node, "an expression whose value is unused (other than a call)")
            self.expression(node.value)
        elif isinstance(node, ast.For):
            if node.orelse:
                raise _refuse(node, "a for loop with an else clause")
            self.target(node.target, tuples=True)
            self.expression(node.iter)
            self.statements(node.body)
        elif isinstance(node, ast.If):
            self.expression(node.test)
            self.statements(node.body)
            self.statements(node.orelse)
        elif not isinstance(node, ast.Pass):
            raise _refuse(node)

    def target(self, node: ast.expr, *, tuples: bool) -> None:
        if isinstance(node, ast.Name):
            return
        if isinstance(node, ast.Subscript):
            self.subscript(node)
        elif tuples and isinstance(node, ast.Tuple) and all(isinstance(e, ast.Name) for e in node.elts):
            return
        else:
            raise _refuse(node, f"assigning to {describe(node)}")

    def subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.slice, ast.Slice):
            raise _refuse(node.slice)
        self.expression(node.value)
        self.expression(node.slice)

    def expression(self, node: ast.expr) -> None:
        if isinstance(node, ast.Name):
            return
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, _CONSTANTS):
                raise _refuse(node)
        elif isinstance(node, ast.List | ast.Tuple):
            for element in node.elts:
                self.expression(element)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    raise _refuse(value, "dict unpacking (**)")
                self.expression(key)
                self.expression(value)
        elif isinstance(node, ast.Subscript):
            self.subscript(node)
        elif isinstance(node, ast.Compare):
            if not all(isinstance(op, _COMPARISONS) for op in node.ops):
                raise _refuse(node)
            for operand in (node.left, *node.comparators):
                self.expression(operand)
        elif isinstance(node, ast.BoolOp):
            for operand in node.values:
                self.expression(operand)
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.Not):
                raise _refuse(node)
            self.expression(node.operand)
        elif isinstance(node, ast.Call):
            self.call(node)
        else:
            raise _refuse(node)

    def call(self, node: ast.Call) -> None:
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise _refuse(node, "argument unpacking (* or **)")
        func = node.func
        if isinstance(func, ast.Attribute):
            if func.attr not in METHODS:
                raise _refuse(func, f"the method .{func.attr}() (methods: "
                                    f"{', '.join('.' + m + '()' for m in METHODS)})")
            if node.keywords:
                raise _refuse(node, f".{func.attr}() with keyword arguments")
            self.expression(func.value)
        elif isinstance(func, ast.Name) and func.id == "isinstance":
            if len(node.args) != 2 or node.keywords:
                raise _refuse(node, "isinstance with other than two positional arguments")
            self.expression(node.args[0])
            self.type_names(node.args[1])
            return
        elif isinstance(func, ast.Name):
            if func.id not in self.tools:
                known = ", ".join(sorted(self.tools)) or "none"
                raise UnsupportedConstruct(node.lineno, f"the program calls {func.id}(), which is neither one of "
                                                        f"the request's tools ({known}) nor a builtin the "
                                                        f"interpreter knows ({', '.join(BUILTINS)})")
            if node.args:
                raise _refuse(node, f"positional arguments in the call of the tool {func.id}() (tools take "
                                    f"keyword arguments, e.g. {func.id}(state=state))")
        else:
            raise _refuse(node, f"calling {describe(func)}")
        for argument in node.args:
            self.expression(argument)
        for keyword in node.keywords:
            self.expression(keyword.value)

    def type_names(self, node: ast.expr) -> None:
        names = node.elts if isinstance(node, ast.Tuple) else [node]
        for name in names:
            if not isinstance(name, ast.Name) or name.id not in TYPE_NAMES:
                raise _refuse(name, f"{describe(name) if not isinstance(name, ast.Name) else name.id} as the "
                                    f"type of isinstance (types: {', '.join(TYPE_NAMES)})")
