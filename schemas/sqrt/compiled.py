"""A parsed policy made ready to run: its ``let`` bindings checked (defined once, no cycles, every
name used is bound) and its tool policies indexed by the tools they cover, highest priority first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass
from typing import Literal

from . import nodes as n
from .errors import SqrtPolicyError
from .matching import compile_regex
from .parser import parse_policy

Phase = Literal["session before", "result", "session after"]


@dataclass(frozen=True)
class ToolPolicy:
    """One ``tool`` declaration, its place in the program and its priority (0 unless given)."""

    declaration: n.ToolDecl | n.ToolShorthand
    index: int
    priority: int

    def covers(self, tool: str) -> bool:
        """Whether the declaration applies to ``tool`` (a pattern must match the whole name)."""
        tool_id = self.declaration.tool
        if tool_id.regex:
            return compile_regex(tool_id.pattern).fullmatch(tool) is not None
        return tool_id.pattern == tool

    def rules(self) -> list[n.CheckRule]:
        if isinstance(self.declaration, n.ToolShorthand):
            return []
        return [m for m in self.declaration.members if isinstance(m, n.CheckRule)]

    def blocks(self, phase: Phase) -> Iterator[tuple[tuple[n.Statement, ...], Literal["result", "session"]]]:
        """The statements to run in ``phase``, in program order, and the block kind they run in."""
        declaration = self.declaration
        if isinstance(declaration, n.ToolShorthand):
            if declaration.target == phase:
                statement: n.Statement = declaration.update
                if declaration.condition is not None:
                    statement = n.Conditional(declaration.condition, (declaration.update,))
                yield (statement,), "result" if phase == "result" else "session"
            return
        for member in declaration.members:
            if isinstance(member, n.ResultBlock) and phase == "result":
                yield member.statements, "result"
            elif isinstance(member, n.SessionBlock) and phase == f"session {member.timing}":
                yield member.statements, "session"


def _priority(declaration: n.ToolDecl | n.ToolShorthand) -> int:
    if isinstance(declaration, n.ToolShorthand):
        return declaration.priority or 0
    values = [m.value for m in declaration.members if isinstance(m, n.PriorityDecl)]
    return values[-1] if values else 0


def _walk(node: object) -> Iterator[object]:
    yield node
    if isinstance(node, tuple):
        for item in node:
            yield from _walk(item)
    elif is_dataclass(node):
        for item in fields(node):
            if item.compare:
                yield from _walk(getattr(node, item.name))


@dataclass(frozen=True)
class CompiledPolicy:
    """A checked policy: ``lets`` by name and ``tools`` in program order."""

    policy: n.Policy
    lets: dict[str, n.LetDecl]
    tools: tuple[ToolPolicy, ...]

    @classmethod
    def build(cls, policy: n.Policy | str) -> CompiledPolicy:
        """Check and index ``policy`` (SQRT text is parsed first).

        :raises SqrtSyntaxError: text that does not parse.
        :raises SqrtPolicyError: a name bound twice, used unbound or bound in a cycle; a tool
            pattern that is not a regex; an update of ``@result`` in a ``session before`` block.
        """
        if isinstance(policy, str):
            policy = parse_policy(policy)
        lets: dict[str, n.LetDecl] = {}
        tools: list[ToolPolicy] = []
        for index, declaration in enumerate(policy.declarations):
            if isinstance(declaration, n.LetDecl):
                if declaration.name in lets:
                    raise SqrtPolicyError(f"{declaration.name!r} is bound by let twice",
                                          declaration.at.line, declaration.at.column)
                lets[declaration.name] = declaration
            else:
                if declaration.tool.regex:
                    try:
                        re.compile(declaration.tool.pattern)
                    except re.error as error:
                        raise SqrtPolicyError(f"tool pattern r{declaration.tool.pattern!r} is not a regex: {error}",
                                              declaration.at.line, declaration.at.column) from None
                tools.append(ToolPolicy(declaration, index, _priority(declaration)))
        compiled = cls(policy, lets, tuple(tools))
        compiled._check_names()
        compiled._check_session_before()
        return compiled

    def _check_names(self) -> None:
        for node in _walk(self.policy):
            if isinstance(node, n.Ref) and node.name not in self.lets:
                raise SqrtPolicyError(f"{node.name!r} is not defined by a let", node.at.line, node.at.column)
        uses = {name: [node for node in _walk(d.expr) if isinstance(node, n.Ref)] for name, d in self.lets.items()}
        done: set[str] = set()
        for start in self.lets:
            # depth-first, iterative, each let visited once: a let on the current path is a cycle
            path: list[str] = []
            stack: list[tuple[str, int]] = [(start, 0)]
            while stack:
                name, position = stack.pop()
                if position == 0:
                    if name in done:
                        continue
                    path.append(name)
                refs = uses[name]
                if position < len(refs):
                    stack.append((name, position + 1))
                    ref = refs[position]
                    if ref.name in path:
                        cycle = [*path[path.index(ref.name):], ref.name]
                        raise SqrtPolicyError("let bindings refer to each other in a cycle: " + " -> ".join(cycle),
                                              ref.at.line, ref.at.column)
                    stack.append((ref.name, 0))
                else:
                    path.pop()
                    done.add(name)

    def _check_session_before(self) -> None:
        for tool in self.tools:
            for statements, _ in tool.blocks("session before"):
                for node in _walk(statements):
                    if isinstance(node, n.Update) and node.target.scope == "result":
                        raise SqrtPolicyError("a session before block runs before the tool has a result: "
                                              "it cannot update @result", node.target.at.line,
                                              node.target.at.column)

    def policies_for(self, tool: str) -> list[ToolPolicy]:
        """The tool policies that cover ``tool``: highest priority first, then program order."""
        return sorted((t for t in self.tools if t.covers(tool)), key=lambda t: (-t.priority, t.index))
