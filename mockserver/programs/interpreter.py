"""Running a program statelessly: :func:`run` replays it from the start, answering its external
calls (calls of the request's tools) with the results already known, in order.

The first call without a result ends the run as :class:`Pending` (the call to make next, its
arguments the values of that moment); a program that runs to its end gives :class:`Finished` with
the value of ``final_return_value`` (None when the program never sets it). Values are JSON values
(dicts, lists, strings, numbers, booleans, None) with Python's semantics: ``state = initial_state``
makes both names the same dict. A call's arguments and results are copies, so nothing the
program does later changes what a tool was given.

The run is bounded (:class:`Limits`): statements executed, wall time (checked before each
statement), items in one list, and the size of the values one operation walks (a comparison, ``in``,
the copy a tool is given or the final value), so that no single statement can outrun the time bound
by much. The run is synchronous: the server runs it off its event loop (see
:mod:`sequrity_contract.mockserver.synthesis.lang_graph`).
"""

from __future__ import annotations

import ast
import json
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import HistoryMismatch, LimitExceeded, ProgramError, ProgramFailed, ToolFailed
from .language import METHODS, TYPE_NAMES, parse


@dataclass(frozen=True)
class Limits:
    """The bounds of one run; the error of a run past one names it."""

    max_steps: int = 10_000
    """Statements executed (each loop iteration's count again)."""
    max_seconds: float = 2.0
    """Wall time of the run."""
    max_list_items: int = 100_000
    """Items one list may hold after ``.extend``."""
    max_value_items: int = 200_000
    """JSON values (every dict, list and scalar, each reference to a shared one counted again) one
    operation may walk: either side of ``==``/``!=``, the list ``in`` searches, the arguments
    of an external call, a tool's result, the final value."""


DEFAULT_LIMITS = Limits()
"""The bounds of a run that names none."""


@dataclass(frozen=True)
class Result:
    """What one external call returned: its ``value``, or an ``error`` text when the tool failed.
    ``name``, when known, is the tool that was called (checked against the program's call)."""

    value: Any = None
    name: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Call:
    """An external call of the program: the tool ``name``, its keyword ``arguments``, the ``line``
    of the call and its ``index`` among the program's external calls (0-based)."""

    name: str
    arguments: dict[str, Any]
    line: int
    index: int


@dataclass(frozen=True)
class Pending:
    """The run stopped at ``call``, which has no result yet."""

    call: Call
    steps: int


@dataclass(frozen=True)
class Finished:
    """The program ran to its end; ``value`` is its ``final_return_value``."""

    value: Any
    calls: int
    steps: int


Outcome = Pending | Finished

FINAL_VARIABLE = "final_return_value"


def run(source: str, variables: Mapping[str, Any], results: Sequence[Result], tools: Collection[str],
        limits: Limits = DEFAULT_LIMITS) -> Outcome:
    """Replay the program ``source`` with ``variables`` defined (copies of them) and ``results`` as
    the results of its first external calls, in order; every function it calls is a builtin or
    one of ``tools``. Raises a :class:`~.errors.ProgramError` naming the line for a program the
    interpreter refuses or cannot finish."""
    module = parse(source, tools)
    machine = _Machine({}, results, limits)
    try:
        machine.variables.update({name: _copy(value, 0, limits.max_value_items) for name, value in variables.items()})
        machine.statements(module.body)
    except _Stop as stop:
        return Pending(stop.call, machine.steps)
    except ProgramError:
        raise
    except RecursionError:
        raise ProgramFailed(machine.line, "the program's values nest too deeply to evaluate") from None
    if machine.calls < len(results):
        raise HistoryMismatch(0, f"the conversation holds {len(results)} tool results, but the program makes "
                                 f"only {machine.calls} external calls: the results do not belong to this program")
    try:
        value = _copy(machine.variables.get(FINAL_VARIABLE), machine.line, limits.max_value_items)
    except RecursionError:
        raise ProgramFailed(machine.line, "the final value nests too deeply to send") from None
    return Finished(value, machine.calls, machine.steps)


class _Stop(Exception):
    """A signal inside this module: the run reached a call without a result."""

    def __init__(self, call: Call) -> None:
        self.call = call


def _walkable(value: Any, limit: int) -> bool:
    """Whether ``value`` holds at most ``limit`` JSON values, counted as a walk of it (a comparison, a
    copy) visits them: a list or dict referred to twice counts twice. Stops as soon as it knows."""
    pending, count = [value], 0
    while pending:
        item = pending.pop()
        count += 1
        if count > limit:
            return False
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            if count + len(item) > limit:
                return False
            pending.extend(item)
    return True


def _refers_to_itself(value: Any) -> bool:
    """Whether a list or dict in ``value`` holds itself, at any depth (each list and dict visited once)."""
    on_path_or_done: dict[int, bool] = {}  # id -> True while on the path from the root, False once left
    pending: list[tuple[Any, bool]] = [(value, False)]
    while pending:
        item, leaving = pending.pop()
        if not isinstance(item, dict | list):
            continue
        if leaving:
            on_path_or_done[id(item)] = False
            continue
        seen = on_path_or_done.get(id(item))
        if seen:
            return True
        if seen is None:
            on_path_or_done[id(item)] = True
            pending.append((item, True))
            pending.extend((child, False) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _too_large(value: Any, line: int, what: str, limit: int) -> ProgramError:
    """The error for ``value`` that holds more than ``limit`` JSON values: a cycle, or a bound passed."""
    if _refers_to_itself(value):
        return ProgramFailed(line, f"{what} refers to itself (a cycle), which JSON cannot carry")
    return LimitExceeded(line, f"{what} holds more than max_value_items={limit} JSON values (a list or dict "
                               "referred to twice counts twice)")


def _copy(value: Any, line: int, limit: int = DEFAULT_LIMITS.max_value_items) -> Any:
    """A deep copy of a JSON value (the copy a tool is given, or a result the program receives)."""
    if not _walkable(value, limit):
        raise _too_large(value, line, "a value to copy", limit)
    try:
        return json.loads(json.dumps(value))
    except (ValueError, TypeError):
        raise ProgramFailed(line, "a value refers to itself (a cycle), which JSON cannot carry") from None


def _type(value: Any) -> str:
    return "None" if value is None else type(value).__name__


@dataclass
class _Machine:
    variables: dict[str, Any]
    results: Sequence[Result]
    limits: Limits
    steps: int = 0
    calls: int = 0
    line: int = 0
    deadline: float = field(default=0.0)

    def __post_init__(self) -> None:
        self.deadline = time.monotonic() + self.limits.max_seconds

    # -- statements ---------------------------------------------------------------------------

    def statements(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.step(statement)
            try:
                self.statement(statement)
            except (TypeError, ValueError, KeyError, IndexError) as error:  # a safety net: Python's own checks
                raise ProgramFailed(self.line, f"{type(error).__name__}: {error}") from None

    def step(self, node: ast.stmt) -> None:
        self.line = node.lineno
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise LimitExceeded(self.line, f"the program ran more than max_steps={self.limits.max_steps} "
                                           "statements (loop iterations count again)")
        if time.monotonic() > self.deadline:
            raise LimitExceeded(self.line, f"the program ran longer than max_seconds={self.limits.max_seconds}")

    def statement(self, node: ast.stmt) -> None:
        if isinstance(node, ast.Assign):
            value = self.expression(node.value)
            for target in node.targets:
                self.assign(target, value)
        elif isinstance(node, ast.Expr):
            self.expression(node.value)
        elif isinstance(node, ast.For):
            for item in self.iterate(self.expression(node.iter)):
                self.assign(node.target, item)
                self.statements(node.body)
        elif isinstance(node, ast.If):
            self.statements(node.body if self.expression(node.test) else node.orelse)
        # ast.Pass: nothing (the checker let no other statement through)

    def iterate(self, value: Any) -> Iterator[Any]:
        if not isinstance(value, dict | list | str):
            raise ProgramFailed(self.line, f"cannot iterate over a {_type(value)}: expected a list, a dict "
                                           "or d.items()")
        yield from list(value)  # a snapshot: changing the value inside the loop changes not the loop

    def assign(self, target: ast.expr, value: Any) -> None:
        if isinstance(target, ast.Name):
            self.variables[target.id] = value
        elif isinstance(target, ast.Tuple):
            names = [element.id for element in target.elts if isinstance(element, ast.Name)]
            if not isinstance(value, list | tuple) or len(value) != len(names):
                raise ProgramFailed(self.line, f"cannot unpack a {_type(value)} into {len(names)} names "
                                               f"({', '.join(names)})")
            for name, item in zip(names, value, strict=True):
                self.variables[name] = item
        elif isinstance(target, ast.Subscript):
            container, key = self.expression(target.value), self.expression(target.slice)
            if isinstance(container, dict):
                if not isinstance(key, str):
                    raise ProgramFailed(self.line, f"a dict key must be a string (JSON objects have string keys), "
                                                   f"not a {_type(key)}")
                container[key] = value
            elif isinstance(container, list):
                container[self.index(container, key)] = value
            else:
                raise ProgramFailed(self.line, f"cannot assign an item of a {_type(container)}: expected a dict "
                                               "or a list")

    # -- expressions --------------------------------------------------------------------------

    def expression(self, node: ast.expr) -> Any:
        handler = _EXPRESSIONS.get(type(node))
        if handler is None:  # the checker let no other expression through
            raise ProgramFailed(self.line, f"cannot evaluate {type(node).__name__}")
        return handler(self, node)

    def name(self, node: ast.Name) -> Any:
        try:
            return self.variables[node.id]
        except KeyError:
            raise ProgramFailed(self.line, f"the name {node.id!r} is not defined (defined: "
                                           f"{', '.join(sorted(self.variables)) or 'none'})") from None

    def subscript(self, node: ast.Subscript) -> Any:
        container, key = self.expression(node.value), self.expression(node.slice)
        if isinstance(container, dict):
            if not isinstance(key, str) or key not in container:
                keys = ", ".join(repr(k) for k in list(container)[:10]) or "none"
                raise ProgramFailed(self.line, f"KeyError: the dict has no key {key!r} (its keys: {keys})")
            return container[key]
        if isinstance(container, list):
            return container[self.index(container, key)]
        raise ProgramFailed(self.line, f"cannot subscript a {_type(container)}: expected a dict or a list")

    def index(self, container: list[Any], key: Any) -> int:
        if not isinstance(key, int) or isinstance(key, bool) or not -len(container) <= key < len(container):
            raise ProgramFailed(self.line, f"IndexError: {key!r} is not an index of a list of {len(container)} items")
        return key

    def walkable(self, value: Any, what: str) -> None:
        """A :class:`LimitExceeded` when walking ``value`` (for ``what``) would pass ``max_value_items``."""
        if isinstance(value, dict | list) and not _walkable(value, self.limits.max_value_items):
            raise _too_large(value, self.line, what, self.limits.max_value_items)

    def compare(self, node: ast.Compare) -> bool:
        left = self.expression(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.expression(comparator)
            if isinstance(op, ast.Eq | ast.NotEq):
                self.walkable(left, "a value compared")
                self.walkable(right, "a value compared")
            elif isinstance(right, list):
                self.walkable(right, "the list 'in' searches")
            if isinstance(op, ast.In | ast.NotIn):
                outcome = self.contains(left, right) == isinstance(op, ast.In)
            else:
                outcome = (left == right) == isinstance(op, ast.Eq)
            if not outcome:
                return False
            left = right
        return True

    def contains(self, item: Any, container: Any) -> bool:
        if isinstance(container, list):
            return item in container
        if isinstance(container, dict) and not isinstance(item, dict | list):
            return item in container
        if isinstance(container, str) and isinstance(item, str):
            return item in container
        raise ProgramFailed(self.line, f"'in' cannot look for a {_type(item)} in a {_type(container)}: expected "
                                       "a dict (for a key), a list, or a string (for a string)")

    def bool_op(self, node: ast.BoolOp) -> Any:
        value: Any = None
        for operand in node.values:
            value = self.expression(operand)
            if bool(value) == isinstance(node.op, ast.Or):
                return value
        return value

    def call(self, node: ast.Call) -> Any:
        func = node.func
        if isinstance(func, ast.Attribute):
            return self.method(func.attr, self.expression(func.value), [self.expression(a) for a in node.args])
        assert isinstance(func, ast.Name)  # the checker let no other callee through
        if func.id == "isinstance":
            value = self.expression(node.args[0])
            types = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
            return any(isinstance(value, TYPE_NAMES[t.id]) for t in types if isinstance(t, ast.Name))
        arguments = {k.arg: self.expression(k.value) for k in node.keywords if k.arg is not None}
        return self.external(func.id, arguments)

    def method(self, name: str, receiver: Any, arguments: list[Any]) -> Any:
        owner = METHODS[name]
        if not isinstance(receiver, owner):
            raise ProgramFailed(self.line, f".{name}() is a method of a {owner.__name__}; the value is a "
                                           f"{_type(receiver)}")
        if name == "get" and isinstance(receiver, dict) and 1 <= len(arguments) <= 2:
            return receiver.get(arguments[0], arguments[1] if len(arguments) == 2 else None)
        if name == "items" and isinstance(receiver, dict) and not arguments:
            return [[key, value] for key, value in receiver.items()]
        if name == "extend" and isinstance(receiver, list) and len(arguments) == 1:
            items = arguments[0]
            if not isinstance(items, list | dict | str):
                raise ProgramFailed(self.line, f".extend() takes a list, not a {_type(items)}")
            if len(receiver) + len(items) > self.limits.max_list_items:
                raise LimitExceeded(self.line, f"a list would hold more than max_list_items="
                                               f"{self.limits.max_list_items} items")
            receiver.extend(list(items))
            return None
        counts = {"get": "one or two arguments", "items": "no arguments", "extend": "one argument"}
        raise ProgramFailed(self.line, f".{name}() takes {counts[name]}, not {len(arguments)}")

    def external(self, name: str, arguments: dict[str, Any]) -> Any:
        index = self.calls
        call = Call(name, _copy(arguments, self.line, self.limits.max_value_items), self.line, index)
        if index >= len(self.results):
            raise _Stop(call)
        self.calls += 1
        result = self.results[index]
        if result.name is not None and result.name != name:
            raise HistoryMismatch(self.line, f"external call #{index + 1} of the program is {name}(), but the "
                                             f"conversation's result #{index + 1} answers {result.name}()")
        if result.error is not None:
            raise ToolFailed(self.line, f"the tool {name}() (external call #{index + 1}) failed: {result.error}")
        return _copy(result.value, self.line, self.limits.max_value_items)


_EXPRESSIONS: dict[type[ast.expr], Callable[[_Machine, Any], Any]] = {
    ast.Name: _Machine.name,
    ast.Constant: lambda machine, node: node.value,
    ast.List: lambda machine, node: [machine.expression(e) for e in node.elts],
    ast.Tuple: lambda machine, node: [machine.expression(e) for e in node.elts],
    ast.Dict: lambda machine, node: _dict_display(machine, node),
    ast.Subscript: _Machine.subscript,
    ast.Compare: _Machine.compare,
    ast.BoolOp: _Machine.bool_op,
    ast.UnaryOp: lambda machine, node: not machine.expression(node.operand),
    ast.Call: _Machine.call,
}


def _dict_display(machine: _Machine, node: ast.Dict) -> dict[str, Any]:
    """The value of a dict display (keys must be strings, as in JSON)."""
    built: dict[str, Any] = {}
    for key_node, value_node in zip(node.keys, node.values, strict=True):
        key = machine.expression(key_node) if key_node is not None else None
        if not isinstance(key, str):
            raise ProgramFailed(machine.line, f"a dict key must be a string (JSON objects have string keys), "
                                              f"not a {_type(key)}")
        built[key] = machine.expression(value_node)
    return built
