"""A recursive-descent parser from SQRT text to :class:`~.nodes.Policy`.

It accepts the language of the official grammar (``sequrity.sqrt.parser``) and raises
:class:`~.errors.SqrtSyntaxError` naming the line, the column and what was expected.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NoReturn, TypeVar, cast

from . import nodes as n
from .errors import SqrtSyntaxError
from .lexer import Token, source_line, tokenize, unquote

T = TypeVar("T")

ENFORCEMENTS: dict[str, Literal["must", "should"]] = {
    "must": "must", "hard": "must", "should": "should", "soft": "should"}
DOMAIN_WORDS = ("bool", "int", "float", "str", "datetime")
SET_OP_WORDS: dict[str, n.SetOp] = {"union": "union", "intersect": "intersect", "minus": "minus", "xor": "xor"}
SET_OP_SYMBOLS: dict[str, n.SetOp] = {"|": "union", "&": "intersect", "-": "minus", "^": "xor"}
ASSIGN_OPS = ("=", "|=", "&=", "-=", "^=")
RANGE_OPS = ("<..<", "<..", "..<", "..")
PREFIX_RANGE_OPS = ("..<", "..")
"""Range operators that may open a range with no lower bound (``..50``, ``..<3.14``)."""
SUFFIX_RANGE_OPS = ("<..", "..")
"""Range operators that may close a range with no upper bound (``10..``, ``0<..``)."""


def parse_policy(text: str) -> n.Policy:
    """The syntax tree of the SQRT program ``text``.

    :raises SqrtSyntaxError: when ``text`` is not SQRT (line, column, expected token).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_policy(text=...) expects a str, got {type(text).__name__}")
    parser = _Parser(text)
    try:
        return parser.program()
    except RecursionError:
        token = parser.peek()
        raise SqrtSyntaxError(token.line, token.column, ("less deeply nested parentheses or operators",),
                              token.describe(), source_line(text, token.line)) from None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    # --- token helpers -------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def fail(self, *expected: str) -> NoReturn:
        token = self.peek()
        raise SqrtSyntaxError(token.line, token.column, expected, token.describe(),
                              source_line(self.text, token.line))

    def word(self, text: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind == "WORD" and token.text == text

    def op(self, text: str, offset: int = 0) -> bool:
        token = self.peek(offset)
        return token.kind in ("OP", "RANGE") and token.text == text

    def kind(self, kind: str, offset: int = 0) -> bool:
        return self.peek(offset).kind == kind

    def expect_word(self, text: str) -> Token:
        if not self.word(text):
            self.fail(repr(text))
        return self.advance()

    def expect_op(self, text: str) -> Token:
        if not self.op(text):
            self.fail(repr(text))
        return self.advance()

    def identifier(self) -> str:
        if not self.kind("WORD"):
            self.fail("an identifier")
        return self.advance().text

    def at(self) -> n.Position:
        token = self.peek()
        return n.Position(token.line, token.column)

    def attempt(self, parse: Callable[[], T]) -> tuple[T | None, SqrtSyntaxError | None]:
        start = self.index
        try:
            return parse(), None
        except SqrtSyntaxError as error:
            self.index = start
            return None, error

    def first_of(self, *alternatives: Callable[[], T]) -> T:
        """The first alternative that parses; else the error that got the furthest (what each of
        the alternatives that got as far expected, together)."""
        errors: list[SqrtSyntaxError] = []
        for alternative in alternatives:
            result, error = self.attempt(alternative)
            if error is None:
                return cast(T, result)
            errors.append(error)
        furthest = max((e.line or 0, e.column or 0) for e in errors)
        tied = [e for e in errors if (e.line or 0, e.column or 0) == furthest]
        expected = tuple(dict.fromkeys(word for e in tied for word in e.expected))
        first = tied[0]
        raise SqrtSyntaxError(furthest[0], furthest[1], expected, first.found, first.source_line)

    # --- declarations ----------------------------------------------------------------------
    def docs(self) -> tuple[str, ...]:
        found: list[str] = []
        while self.kind("DOC"):
            found.append(self.advance().text[3:].strip())
        return tuple(found)

    def program(self) -> n.Policy:
        declarations: list[n.Declaration] = []
        while True:
            docs = self.docs()
            if self.kind("EOF") and not docs:
                return n.Policy(tuple(declarations))
            if self.word("let"):
                declarations.append(self.let(docs))
            elif self.word("tool"):
                declarations.append(self.tool(docs))
            else:
                self.fail("'let'", "'tool'")

    def let(self, docs: tuple[str, ...]) -> n.LetDecl:
        at = self.at()
        self.expect_word("let")
        name = self.identifier()
        self.expect_op("=")

        def ending(parse: Callable[[], n.Expression]) -> Callable[[], n.Expression]:
            def run() -> n.Expression:
                expr = parse()
                self.expect_op(";")
                return expr
            return run

        expr = self.first_of(ending(self.type_domain), ending(self.predicate), ending(self.set_expression))
        return n.LetDecl(name, expr, docs, at)

    def tool_id(self) -> n.ToolId:
        if self.kind("STRING"):
            return n.ToolId(unquote(self.advance().text))
        if self.kind("REGEX"):
            return n.ToolId(unquote(self.advance().text), regex=True)
        self.fail('a tool name ("name") or pattern (r"pattern")')

    def tool(self, docs: tuple[str, ...]) -> n.ToolDecl | n.ToolShorthand:
        at = self.at()
        self.expect_word("tool")
        tool = self.tool_id()
        if self.op("{"):
            self.advance()
            members: list[n.Member] = []
            while True:
                member_docs = self.docs()
                if self.op("}") and not member_docs:
                    self.advance()
                    return n.ToolDecl(tool, tuple(members), docs, at)
                members.append(self.member(member_docs))
        priority = None
        if self.op("["):
            self.advance()
            priority = self.integer()
            self.expect_op("]")
        if not self.op("->"):
            self.fail("'{'", "'->'") if priority is None else self.fail("'->'")
        self.advance()
        return self.shorthand(tool, priority, docs, at)

    def integer(self) -> int:
        if not self.kind("INT"):
            self.fail("an integer")
        return int(self.advance().text)

    def member(self, docs: tuple[str, ...]) -> n.Member:
        if self.word("priority"):
            self.advance()
            value = self.integer()
            self.expect_op(";")
            return n.PriorityDecl(value, docs)
        token = self.peek()
        if token.kind == "WORD" and token.text in ENFORCEMENTS:
            return self.check_rule(docs)
        if self.word("result"):
            self.advance()
            return n.ResultBlock(self.block(), docs)
        if self.word("session"):
            self.advance()
            timing = self.peek().text if self.kind("WORD") else ""
            if timing not in ("before", "after"):
                self.fail("'before'", "'after'")
            self.advance()
            return n.SessionBlock(cast("Literal['before', 'after']", timing), self.block(), docs)
        self.fail("'must'", "'should'", "'hard'", "'soft'", "'priority'", "'result'", "'session'", "'}'")

    def check_rule(self, docs: tuple[str, ...]) -> n.CheckRule:
        at = self.at()
        spelling = self.advance().text
        if not (self.word("allow") or self.word("deny")):
            self.fail("'allow'", "'deny'")
        outcome = cast("Literal['allow', 'deny']", self.advance().text)
        condition: n.Predicate | None = None
        if self.word("always"):
            self.advance()
        elif self.word("when"):
            self.advance()
            condition = self.predicate()
        else:
            self.fail("'when'", "'always'")
        self.expect_op(";")
        return n.CheckRule(ENFORCEMENTS[spelling], outcome, condition, docs, spelling, at)

    def block(self) -> tuple[n.Statement, ...]:
        self.expect_op("{")
        statements: list[n.Statement] = []
        while True:
            docs = self.docs()
            if self.op("}") and not docs:
                self.advance()
                return tuple(statements)
            if self.word("when") and not self.op(".", 1):
                self.advance()
                condition = self.predicate()
                self.expect_op("{")
                updates: list[n.Update] = []
                while not self.op("}"):
                    updates.append(self.update(()))
                    self.expect_op(";")
                self.advance()
                statements.append(n.Conditional(condition, tuple(updates), docs))
            else:
                statements.append(self.update(docs))
                self.expect_op(";")

    def update(self, docs: tuple[str, ...]) -> n.Update:
        target = self.update_target()
        return n.Update(target, self.assign_op(), self.set_expression(), docs)

    def assign_op(self) -> n.AssignOp:
        token = self.peek()
        if token.kind != "OP" or token.text not in ASSIGN_OPS:
            self.fail(*(repr(o) for o in ASSIGN_OPS))
        return cast(n.AssignOp, self.advance().text)

    def meta_field(self) -> n.MetaField:
        token = self.peek()
        if token.kind != "WORD" or token.text not in n.META_FIELDS:
            self.fail("'tags'", "'producers'", "'consumers'")
        return cast(n.MetaField, self.advance().text)

    def update_target(self) -> n.MetaAccess:
        at = self.at()
        if self.op("@"):
            self.advance()
            return n.MetaAccess("context", self.meta_field(), "", at)
        if self.kind("ATWORD") and self.peek().text in ("@result", "@session"):
            scope = self.advance().text[1:]
            self.expect_op(".")
            return n.MetaAccess(cast(n.Scope, scope), self.meta_field(), "", at)
        if self.kind("WORD") and self.op(".", 1):
            name = self.advance().text
            self.advance()
            return n.MetaAccess("arg", self.meta_field(), name, at)
        self.fail("an update target (@tags, @result.tags, @session.tags or name.tags)")

    def shorthand(self, tool: n.ToolId, priority: int | None, docs: tuple[str, ...],
                  at: n.Position) -> n.ToolShorthand:
        target: Literal["result", "session before", "session after"] = "result"
        spelling = ""
        if self.word("result"):
            self.advance()
            spelling = "result"
        elif self.word("session"):
            self.advance()
            target, spelling = "session after", "session"
            if self.word("before") or self.word("after"):
                timing = self.advance().text
                target = cast("Literal['session before', 'session after']", f"session {timing}")
                spelling = target
        if not self.op("@"):
            self.fail("'@'") if spelling else self.fail("'@'", "'result'", "'session'")
        update_at = self.at()
        self.advance()
        field = self.meta_field()
        update = n.Update(n.MetaAccess("context", field, "", update_at), self.assign_op(), self.set_expression())
        condition = None
        if self.word("when"):
            self.advance()
            condition = self.predicate()
        self.expect_op(";")
        return n.ToolShorthand(tool, priority, target, update, condition, docs, spelling, at)

    # --- predicates ------------------------------------------------------------------------
    def predicate(self) -> n.Predicate:
        left = self.conjunction()
        while self.word("or"):
            self.advance()
            left = n.Or(left, self.conjunction())
        return left

    def conjunction(self) -> n.Predicate:
        left = self.negation()
        while self.word("and"):
            self.advance()
            left = n.And(left, self.negation())
        return left

    def negation(self) -> n.Predicate:
        if self.word("not") and not (self.op(".", 1) or self.kind("DOTVALUE", 1)):
            def negated() -> n.Predicate:
                self.advance()
                return n.Not(self.negation())
            # ``not`` is also a valid name (``… and not;`` refers to a let called ``not``)
            return self.first_of(negated, self.predicate_atom)
        return self.predicate_atom()

    def predicate_atom(self) -> n.Predicate:
        if self.op("("):
            self.advance()
            inner = self.predicate()
            self.expect_op(")")
            return n.Paren(inner)
        if self.starts_value_operand():
            value = self.value_operand()
            if self.word("in"):
                self.advance()
                return n.ValueIn(value, self.set_expression())
            if self.op("=="):
                self.advance()
                return n.ValueEquals(value, self.value_operand())
            self.fail("'in'", "'=='")
        if self.starts_set_operand():
            return self.set_comparison(self.set_operand())
        if self.kind("WORD"):
            at = self.at()
            return n.Ref(self.advance().text, at)
        self.fail("a predicate")

    def starts_value_operand(self) -> bool:
        token = self.peek()
        if token.kind in ("STRING", "DATETIME", "INT", "FLOAT", "INF"):
            return True
        if token.kind == "WORD" and token.text in ("true", "false", "inf"):
            return self.word("in", 1) or self.op("==", 1)
        return (token.kind == "WORD" or token.text in ("@result", "@session")) and self.kind("DOTVALUE", 1)

    def value_operand(self) -> n.ValueOperand:
        token = self.peek()
        at = self.at()
        if self.kind("DOTVALUE", 1) and (token.kind == "WORD" or token.text in ("@result", "@session")):
            self.advance()
            self.advance()
            if token.kind == "WORD":
                return n.ValueAccess("arg", token.text, at)
            return n.ValueAccess(cast("Literal['result', 'session']", token.text[1:]), "", at)
        if token.kind == "STRING":
            self.advance()
            return n.LiteralValue("string", unquote(token.text), token.text)
        if token.kind == "DATETIME":
            self.advance()
            return n.LiteralValue("datetime", unquote(token.text), token.text)
        if token.kind == "WORD" and token.text in ("true", "false"):
            self.advance()
            return n.LiteralValue("bool", token.text == "true", token.text)
        if token.kind in ("INT", "FLOAT", "INF") or self.word("inf"):
            number = self.number()
            return n.LiteralValue("number", number.value, number.text)
        self.fail("a value (name.value, @result.value, @session.value or a literal)")

    def starts_set_operand(self) -> bool:
        token = self.peek()
        if token.kind == "ATWORD":
            return True
        if token.kind == "OP" and token.text == "@":
            return True
        if token.kind == "WORD" and self.op(".", 1):
            return True
        return token.kind == "WORD" and token.text in ("union", "intersect") and self.word("of", 1)

    def set_operand(self) -> n.SetOperand:
        token = self.peek()
        at = self.at()
        if token.kind == "ATWORD" and token.text == "@args":
            self.advance()
            self.expect_op(".")
            field = self.meta_field()
            if self.op(".") and (self.word("union", 1) or self.word("intersect", 1)):
                self.advance()
                op = cast("Literal['union', 'intersect']", self.advance().text)
                return n.ArgsAggregate(op, field, "@args." + op)
            return n.ArgsAggregate("union", field, "@args")
        if token.kind == "ATWORD":
            self.advance()
            self.expect_op(".")
            return n.MetaAccess(cast(n.Scope, token.text[1:]), self.meta_field(), "", at)
        if token.kind == "OP" and token.text == "@":
            self.advance()
            return n.MetaAccess("context", self.meta_field(), "", at)
        if token.kind == "WORD" and self.op(".", 1):
            self.advance()
            self.advance()
            return n.MetaAccess("arg", self.meta_field(), token.text, at)
        if token.kind == "WORD" and token.text in ("union", "intersect") and self.word("of", 1):
            self.advance()
            self.advance()
            field = self.meta_field()
            self.expect_word("from")
            self.expect_word("args")
            return n.ArgsAggregate(cast("Literal['union', 'intersect']", token.text), field, "of")
        self.fail("a metadata set (name.tags, @result.tags, @session.tags, @tags, @args.tags)")

    def set_comparison(self, left: n.SetOperand) -> n.SetCompare:
        if self.word("overlaps"):
            self.advance()
            return n.SetCompare("overlaps", left, self.set_expression())
        if self.word("subset") or self.word("superset"):
            op = cast("Literal['subset', 'superset']", self.advance().text)
            self.expect_word("of")
            return n.SetCompare(op, left, self.set_expression())
        if self.op("=="):
            self.advance()
            return n.SetCompare("equals", left, self.set_expression())
        if self.word("is"):
            self.advance()
            if not (self.word("empty") or self.word("universal")):
                self.fail("'empty'", "'universal'")
            return n.SetCompare(cast("Literal['empty', 'universal']", self.advance().text), left)
        self.fail("'overlaps'", "'subset of'", "'superset of'", "'=='", "'is empty'", "'is universal'")

    # --- set expressions -------------------------------------------------------------------
    def set_expression(self) -> n.SetExpr:
        return self.set_level(0)

    _LEVELS: tuple[n.SetOp, ...] = ("xor", "minus", "intersect", "union")
    """Binary set operations from the loosest to the tightest binding."""

    def set_level(self, level: int) -> n.SetExpr:
        if level == len(self._LEVELS):
            return self.element_ops()
        op = self._LEVELS[level]
        left = self.set_level(level + 1)
        while True:
            token = self.peek()
            keyword = token.kind == "WORD" and SET_OP_WORDS.get(token.text) == op
            symbol = token.kind == "OP" and SET_OP_SYMBOLS.get(token.text) == op
            if not (keyword or symbol):
                return left
            self.advance()
            left = n.SetBinary(op, left, self.set_level(level + 1), keyword)

    def element_ops(self) -> n.SetExpr:
        operand = self.set_atom()
        while self.word("with") or self.word("without"):
            op = cast("Literal['with', 'without']", self.advance().text)
            operand = n.SetElementOp(op, operand, self.element())
        return operand

    def set_atom(self) -> n.SetExpr:
        if self.op("{"):
            self.advance()
            elements: list[n.Element] = []
            if not self.op("}"):
                elements.append(self.element())
                while self.op(","):
                    self.advance()
                    elements.append(self.element())
            self.expect_op("}")
            return n.SetLiteral(tuple(elements))
        if self.op("("):
            self.advance()
            inner = self.set_expression()
            self.expect_op(")")
            return n.Paren(inner)
        if self.starts_set_operand():
            return self.set_operand()
        if self.kind("WORD"):
            at = self.at()
            return n.Ref(self.advance().text, at)
        self.fail("a set ({...}, a metadata set, a name or '(')")

    def element(self) -> n.Element:
        token = self.peek()
        if token.kind == "STRING":
            self.advance()
            return n.StrConst(unquote(token.text))
        if token.kind == "REGEX":
            self.advance()
            return n.StrRegex(unquote(token.text))
        if token.kind == "WILDCARD":
            self.advance()
            return n.StrWildcard(unquote(token.text))
        if token.kind == "WORD" and token.text in DOMAIN_WORDS:
            return self.type_domain()
        if token.kind in ("INT", "FLOAT", "INF") or self.word("inf"):
            return self.number()
        self.fail("a set element (a string, r\"regex\", w\"wildcard\", a type domain or a number)")

    # --- type domains ----------------------------------------------------------------------
    def number(self) -> n.Number:
        token = self.peek()
        if token.kind == "INT":
            self.advance()
            return n.Number(int(token.text), token.text)
        if token.kind == "FLOAT":
            self.advance()
            return n.Number(float(token.text), token.text)
        if token.kind == "INF" or self.word("inf"):
            self.advance()
            return n.Number(float("-inf") if token.text.startswith("-") else float("inf"), token.text)
        self.fail("a number")

    def starts_number(self) -> bool:
        return self.kind("INT") or self.kind("FLOAT") or self.kind("INF") or self.word("inf")

    def range_spec(self) -> n.Range:
        token = self.peek()
        if token.kind == "RANGE":
            if token.text not in PREFIX_RANGE_OPS:
                self.fail("a number", "'..'", "'..<'")
            self.advance()
            return n.Range(None, self.number(), token.text)
        low = self.number()
        token = self.peek()
        if token.kind != "RANGE":
            return n.Range(low, None, None)
        self.advance()
        if self.starts_number():
            return n.Range(low, self.number(), token.text)
        if token.text not in SUFFIX_RANGE_OPS:
            self.fail("a number")
        return n.Range(low, None, token.text)

    def datetime_bound(self) -> n.DatetimeBound:
        if not self.kind("DATETIME"):
            self.fail('a datetime (d"…")')
        return n.DatetimeBound("datetime", unquote(self.advance().text))

    def datetime_domain(self) -> n.DatetimeDomain:
        token = self.peek()
        if token.kind == "RANGE":
            if token.text not in PREFIX_RANGE_OPS:
                self.fail('a datetime (d"…")', "a string", "a number", "'..'", "'..<'")
            self.advance()
            return n.DatetimeDomain(None, self.datetime_bound(), token.text)
        if token.kind == "STRING":
            self.advance()
            return n.DatetimeDomain(n.DatetimeBound("string", unquote(token.text)), None, None)
        if self.starts_number():
            return n.DatetimeDomain(n.DatetimeBound("epoch", self.number().text), None, None)
        low = self.datetime_bound()
        token = self.peek()
        if token.kind != "RANGE":
            return n.DatetimeDomain(low, None, None)
        self.advance()
        if self.kind("DATETIME"):
            return n.DatetimeDomain(low, self.datetime_bound(), token.text)
        if token.text not in SUFFIX_RANGE_OPS:
            self.fail('a datetime (d"…")')
        return n.DatetimeDomain(low, None, token.text)

    def str_pattern(self) -> n.StrPattern:
        if self.kind("STRING"):
            return n.StrConst(unquote(self.advance().text))
        if self.word("matching"):
            self.advance()
            if not self.kind("REGEX"):
                self.fail('a regex (r"…")')
            return n.StrRegex(unquote(self.advance().text))
        if self.word("like"):
            self.advance()
            if not self.kind("WILDCARD"):
                self.fail('a wildcard (w"…")')
            return n.StrWildcard(unquote(self.advance().text))
        self.fail("a string", "'matching'", "'like'")

    def type_domain(self) -> n.TypeDomain:
        token = self.peek()
        if token.kind != "WORD" or token.text not in DOMAIN_WORDS:
            self.fail(*(repr(w) for w in DOMAIN_WORDS))
        self.advance()
        if token.text == "bool":
            if not (self.word("true") or self.word("false")):
                self.fail("'true'", "'false'")
            return n.BoolDomain(self.advance().text == "true")
        if token.text == "int":
            return n.IntDomain(self.range_spec())
        if token.text == "float":
            return n.FloatDomain(self.range_spec())
        if token.text == "str":
            pattern = self.str_pattern()
            length = None
            if self.word("length"):
                self.advance()
                length = self.range_spec()
            return n.StrDomain(pattern, length)
        return self.datetime_domain()
