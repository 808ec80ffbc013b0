"""Matching a request against recorded ones: JSON paths, :func:`difference` and matchers.

A request is compared in its recorded form, a dict ``{"method", "path", "headers", "body"}``
(see :mod:`sequrity_contract.mockserver.modes.cassette`). By default two requests match when the method, the route
and the normalized body are equal; ``ignore`` lists JSON paths left out of the comparison
(``metadata.user_id``, ``messages[*].content``). A custom :data:`Matcher` adds a clause of
its own. :func:`difference` lists what differs, in order, and serves both the matching and
the "closest recorded request" error message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sequrity_contract.schemas.violations import json_path, short_repr

from ..support.jsonpath import MISSING, Step
from ..support.jsonpath import parse_path as parse_path  # re-exported: cassette and modes read paths here

PathPart = Step

Matcher = Callable[[dict[str, Any], dict[str, Any]], "Difference | str | None"]
"""``matcher(recorded, actual)``: None when the two requests match as far as this matcher
cares, else a :class:`Difference` or a sentence saying how they differ."""

def _keys(document: Any, head: PathPart) -> list[Any]:
    """The keys (or indexes) step ``head`` reaches in ``document`` (only existing values)."""
    if head is None:
        return list(document) if isinstance(document, dict) else list(range(len(document))) if isinstance(
            document, list) else []
    if isinstance(document, dict):
        return [head] if isinstance(head, str) and head in document else []
    if isinstance(document, list):
        return [head] if isinstance(head, int) and head < len(document) else []
    return []


def _locations(document: Any, path: Sequence[PathPart]) -> Iterable[tuple[Any, str | int]]:
    """The (container, key) pairs ``path`` reaches in ``document`` (only existing values)."""
    if not path:
        return
    head, rest = path[0], path[1:]
    for key in _keys(document, head):
        if rest:
            yield from _locations(document[key], rest)
        else:
            yield document, key


def _copied_along(document: Any, path: Sequence[PathPart]) -> Any:
    """``document`` with every container ``path`` passes through copied (shallowly), the rest shared:
    the values at ``path`` can then be changed without touching ``document``. (Recursion as deep as
    the path, never as the document: a body nested hundreds of levels costs nothing more.)"""
    if not path or not isinstance(document, dict | list):
        return document
    copied: Any = dict(document) if isinstance(document, dict) else list(document)
    for key in _keys(copied, path[0]):
        copied[key] = _copied_along(copied[key], path[1:])
    return copied


def without_paths(document: Any, paths: Iterable[Sequence[PathPart]]) -> Any:
    """A copy of ``document`` with the values at ``paths`` removed (list items set to None); the
    parts no path reaches are shared with ``document``."""
    for path in paths:
        document = _copied_along(document, path)
        for container, key in list(_locations(document, path)):
            if isinstance(container, dict):
                container.pop(key, None)
            else:
                container[key] = None
    return document


def replace_paths(document: Any, paths: Iterable[Sequence[PathPart]], value: Any) -> Any:
    """A copy of ``document`` with every existing value at ``paths`` replaced by ``value``; the parts
    no path reaches are shared with ``document``."""
    for path in paths:
        document = _copied_along(document, path)
        for container, key in list(_locations(document, path)):
            container[key] = value
    return document


@dataclass(frozen=True)
class Difference:
    """One way a request differs from a recorded one: ``where`` (``method``, ``route``, a JSON
    path into the body, a header, or a custom matcher's name), the recorded and the actual value."""

    where: str
    recorded: Any = MISSING
    actual: Any = MISSING
    note: str | None = None

    def describe(self) -> str:
        """``$.messages[0].content: recorded "hi", got "hello"`` (or the matcher's own sentence)."""
        if self.note is not None:
            return f"{self.where}: {self.note}"
        recorded = "nothing" if self.recorded is MISSING else short_repr(self.recorded)
        actual = "nothing" if self.actual is MISSING else short_repr(self.actual)
        return f"{self.where}: recorded {recorded}, got {actual}"


def _same_scalar(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return type(a) is type(b) and a == b


def json_difference(recorded: Any, actual: Any, path: tuple[str | int, ...] = ()) -> list[Difference]:
    """Every place two JSON values differ, in document order (recorded keys first). Without
    recursion: any nesting the server accepts can be compared."""
    out: list[Difference] = []
    stack: list[tuple[Any, Any, tuple[str | int, ...]]] = [(recorded, actual, path)]
    while stack:
        left, right, where = stack.pop()
        if isinstance(left, dict) and isinstance(right, dict):
            keys = [*left, *(k for k in right if k not in left)]
            stack.extend((left.get(k, MISSING), right.get(k, MISSING), (*where, k)) for k in reversed(keys))
        elif isinstance(left, list) and isinstance(right, list):
            stack.extend((left[i] if i < len(left) else MISSING, right[i] if i < len(right) else MISSING, (*where, i))
                         for i in reversed(range(max(len(left), len(right)))))
        elif left is MISSING and right is MISSING:
            continue
        elif left is MISSING or right is MISSING or not _same_scalar(left, right):
            out.append(Difference(json_path(where), left, right))
    return out


def _matcher_name(matcher: Matcher) -> str:
    return getattr(matcher, "__name__", type(matcher).__name__)


def difference(recorded: dict[str, Any], actual: dict[str, Any], *,
               ignore: Iterable[Sequence[PathPart]] = (), matchers: Sequence[Matcher] = ()) -> list[Difference]:
    """How ``actual`` differs from the ``recorded`` request: method, route, then the body (minus
    the ``ignore`` paths) by JSON path, then each custom matcher's verdict. Empty: they match."""
    out: list[Difference] = []
    if recorded.get("method") != actual.get("method"):
        out.append(Difference("method", recorded.get("method"), actual.get("method")))
    if recorded.get("path") != actual.get("path"):
        out.append(Difference("route", recorded.get("path"), actual.get("path")))
    ignore = list(ignore)
    out += json_difference(without_paths(recorded.get("body"), ignore), without_paths(actual.get("body"), ignore))
    for matcher in matchers:
        verdict = matcher(recorded, actual)
        if verdict is None:
            continue
        if isinstance(verdict, Difference):
            out.append(verdict)
        else:
            out.append(Difference(f"matcher {_matcher_name(matcher)}", note=str(verdict)))
    return out


def closest(actual: dict[str, Any], recorded: Sequence[dict[str, Any]], *,
            ignore: Iterable[Sequence[PathPart]] = (), matchers: Sequence[Matcher] = ()
            ) -> tuple[int, list[Difference]] | None:
    """The index of the recorded request nearest to ``actual`` and how they differ (a different
    method or route weighs more than any body difference); None when nothing is recorded."""
    ignore = list(ignore)
    best: tuple[tuple[int, int, int], int, list[Difference]] | None = None
    for index, candidate in enumerate(recorded):
        found = difference(candidate, actual, ignore=ignore, matchers=matchers)
        score = (sum(d.where == "method" for d in found), sum(d.where == "route" for d in found), len(found))
        if best is None or score < best[0]:
            best = (score, index, found)
    return None if best is None else (best[1], best[2])
