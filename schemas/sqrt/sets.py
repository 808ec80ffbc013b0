"""Sets as SQRT computes with them: strings (finite, or every string but some — the universal set
``{"*"}`` is the latter with no exceptions) plus pattern elements (regexes, wildcards, numbers,
type domains) that a value may match."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from . import nodes as n
from .errors import SqrtEvaluationError
from .matching import matches

UNIVERSAL_MARK = "*"
"""The element that stands for every string."""


@dataclass(frozen=True)
class SqrtSet:
    """A set: with ``cofinite`` false, ``members`` and whatever ``patterns`` match; with
    ``cofinite`` true, every string except ``members`` (no patterns then)."""

    members: frozenset[str] = frozenset()
    patterns: tuple[n.Element, ...] = field(default=())
    cofinite: bool = False

    @classmethod
    def of(cls, strings: Iterable[str]) -> SqrtSet:
        """The set of ``strings``; ``"*"`` among them makes it universal."""
        items = frozenset(strings)
        return UNIVERSAL if UNIVERSAL_MARK in items else cls(items)

    @classmethod
    def from_elements(cls, elements: Iterable[n.Element]) -> SqrtSet:
        """The set a literal ``{…}`` stands for."""
        strings: set[str] = set()
        patterns: list[n.Element] = []
        for element in elements:
            if isinstance(element, n.StrConst):
                strings.add(element.value)
            elif element not in patterns:
                patterns.append(element)
        if UNIVERSAL_MARK in strings:
            return UNIVERSAL
        return cls(frozenset(strings), tuple(patterns))

    # --- questions ----------------------------------------------------------------------------
    def contains(self, value: object) -> bool:
        """Whether ``value`` is in the set."""
        if self.cofinite:
            return not (isinstance(value, str) and value in self.members)
        if isinstance(value, str) and value in self.members:
            return True
        return any(matches(p, value) for p in self.patterns)

    def is_empty(self) -> bool:
        return not self.cofinite and not self.members and not self.patterns

    def is_universal(self) -> bool:
        return self.cofinite and not self.members

    def overlaps(self, other: SqrtSet) -> bool:
        """Whether the two share an element (a pattern against a cofinite set is taken to)."""
        if not self.cofinite:
            if any(other.contains(m) for m in self.members):
                return True
            return bool(self.patterns) and (other.cofinite or any(self.contains(m) for m in other.members)
                                            or any(p in other.patterns for p in self.patterns))
        if not other.cofinite:
            return other.overlaps(self)
        return True

    def subset_of(self, other: SqrtSet) -> bool:
        """Whether every element of this set is in ``other``."""
        if self.cofinite:
            return other.cofinite and other.members <= self.members
        if not all(other.contains(m) for m in self.members):
            return False
        return all(p in other.patterns or (other.cofinite and not any(matches(p, x) for x in other.members))
                   for p in self.patterns)

    def equals(self, other: SqrtSet) -> bool:
        return self.subset_of(other) and other.subset_of(self)

    # --- operations ---------------------------------------------------------------------------
    def _strings_only(self, what: str) -> None:
        if self.patterns:
            raise SqrtEvaluationError(f"cannot compute {what} of a set that holds patterns or domains")

    def complement(self) -> SqrtSet:
        self._strings_only("the complement")
        return SqrtSet(self.members, (), not self.cofinite)

    def union(self, other: SqrtSet) -> SqrtSet:
        if self.cofinite and other.cofinite:
            return SqrtSet(self.members & other.members, (), True)
        if self.cofinite or other.cofinite:
            co, fin = (self, other) if self.cofinite else (other, self)
            return SqrtSet(frozenset(m for m in co.members if not fin.contains(m)), (), True)
        patterns = self.patterns + tuple(p for p in other.patterns if p not in self.patterns)
        return SqrtSet(self.members | other.members, patterns)

    def intersect(self, other: SqrtSet) -> SqrtSet:
        if self.cofinite and other.cofinite:
            return SqrtSet(self.members | other.members, (), True)
        if self.cofinite or other.cofinite:
            co, fin = (self, other) if self.cofinite else (other, self)
            if fin.patterns and co.members:
                fin._strings_only("an intersection with a cofinite set")
            return SqrtSet(fin.members - co.members, fin.patterns)
        if self.patterns and other.patterns:
            shared = tuple(p for p in self.patterns if p in other.patterns)
            if len(shared) != len(self.patterns) or len(shared) != len(other.patterns):
                raise SqrtEvaluationError("cannot intersect two sets that both hold different patterns")
        else:
            shared = ()
        members = {m for m in self.members if other.contains(m)} | {m for m in other.members if self.contains(m)}
        return SqrtSet(frozenset(members), shared)

    def minus(self, other: SqrtSet) -> SqrtSet:
        if other.cofinite:
            return self.intersect(SqrtSet(other.members))
        if self.cofinite:
            other._strings_only("a difference from a cofinite set")
            return SqrtSet(self.members | other.members, (), True)
        other_patterns = tuple(p for p in other.patterns if p not in self.patterns)
        if self.patterns and other_patterns:
            raise SqrtEvaluationError("cannot subtract patterns from a set that holds patterns")
        patterns = tuple(p for p in self.patterns if p not in other.patterns)
        return SqrtSet(frozenset(m for m in self.members if not other.contains(m)), patterns)

    def xor(self, other: SqrtSet) -> SqrtSet:
        return self.minus(other).union(other.minus(self))

    def with_element(self, element: n.Element) -> SqrtSet:
        return self.union(SqrtSet.from_elements([element]))

    def without_element(self, element: n.Element) -> SqrtSet:
        if isinstance(element, n.StrConst) or not self.cofinite:
            removed = SqrtSet.from_elements([element])
            if not self.cofinite and not isinstance(element, n.StrConst):
                return SqrtSet(frozenset(m for m in self.members if not matches(element, m)),
                               tuple(p for p in self.patterns if p != element))
            return self.minus(removed)
        raise SqrtEvaluationError("cannot remove a pattern from a cofinite set")

    def check_metadata(self) -> None:
        """Refuse a set a metadata field cannot hold (one with patterns or domains)."""
        self._strings_only("a metadata field")

    def strings(self) -> list[str]:
        """The set as metadata holds it: sorted strings, ``["*"]`` for the universal set."""
        self._strings_only("the metadata form")
        if self.cofinite:
            if self.members:
                raise SqrtEvaluationError(
                    f"a metadata set cannot be 'every string except {sorted(self.members)}'")
            return [UNIVERSAL_MARK]
        return sorted(self.members)


EMPTY = SqrtSet()
"""``{}``."""
UNIVERSAL = SqrtSet(frozenset(), (), True)
"""``{"*"}``."""
