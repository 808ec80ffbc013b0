"""The clause registry: every conformance clause is a named plain function.

A clause is ``async def name(env, example) -> None`` that raises
:class:`~sequrity_contract.contract_tests.conformance.failures.ClauseFailure` when the client breaks the
contract. :func:`clause` registers it in :data:`CLAUSES` with the hypothesis strategy of
its examples; requirement decorators (:func:`requires_sessions`, :func:`requires_retries`,
:func:`requires_dialect`, :func:`requires_fault_support`) say when it applies, so the
clause body never branches on the adapter. A duplicate name is refused, and
:meth:`ClauseRegistry.select` rejects unknown names.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import MESSAGES

from ..errors import ContractTestsError

if TYPE_CHECKING:
    from .environment import ConformanceEnv

__all__ = [
    "CLAUSES",
    "Clause",
    "ClauseRegistry",
    "DuplicateClauseError",
    "Requirement",
    "UnknownClauseError",
    "clause",
    "requires_dialect",
    "requires_fault_support",
    "requires_live_key",
    "requires_retries",
    "requires_sessions",
]

ClauseFunction = Callable[["ConformanceEnv", Any], Awaitable[None]]
Requirement = Callable[["ConformanceEnv"], str | None]
"""Decides whether a clause applies: None when it does, else the reason to skip it."""

KINDS = ("mock", "live")


class DuplicateClauseError(ContractTestsError, ValueError):
    """A clause name registered twice."""


class UnknownClauseError(ContractTestsError, LookupError):
    """A clause name (in options or configuration) that no clause has."""


@dataclass
class Clause:
    """One named check: ``function`` run on examples drawn from ``examples``.

    ``title`` is the one-line statement of the contract the clause checks; ``kind`` is
    ``mock`` (run against the in-process mock server) or ``live`` (against
    ``--sequrity-live-url``); ``max_examples`` caps the examples of an expensive clause;
    ``shrink`` is False for clauses whose examples cost real requests (live ones).
    """

    name: str
    function: ClauseFunction
    examples: SearchStrategy[Any]
    title: str
    kind: str = "mock"
    max_examples: int | None = None
    shrink: bool = True
    requirements: list[Requirement] = field(default_factory=list)
    endpoint: str = MESSAGES.name
    """The endpoint whose contract the clause checks; it applies to adapters that call it."""

    def skip_reason(self, env: ConformanceEnv) -> str | None:
        """Why this clause does not apply to ``env`` (its adapter and servers), or None."""
        if self.endpoint not in env.adapter.endpoints:
            return (f"adapter {env.adapter.name!r} does not call the {self.endpoint!r} endpoint "
                    f"(endpoints={sorted(env.adapter.endpoints)})")
        for requirement in self.requirements:
            reason = requirement(env)
            if reason:
                return reason
        return None


class ClauseRegistry:
    """Clauses by name, in registration order."""

    def __init__(self) -> None:
        self._clauses: dict[str, Clause] = {}

    def add(self, entry: Clause) -> Clause:
        """Register ``entry``; a name already taken raises :class:`DuplicateClauseError`."""
        if entry.kind not in KINDS:
            raise ValueError(f"kind={entry.kind!r}: expected one of {', '.join(KINDS)}")
        existing = self._clauses.get(entry.name)
        if existing is not None:
            where = getattr(existing.function, "__module__", "?")
            raise DuplicateClauseError(f"clause {entry.name!r} is already registered (by {where}); "
                                       "give the new clause another name")
        self._clauses[entry.name] = entry
        return entry

    def names(self, kind: str | None = None) -> list[str]:
        """The clause names, of one ``kind`` when given."""
        return [c.name for c in self._clauses.values() if kind is None or c.kind == kind]

    def __getitem__(self, name: str) -> Clause:
        try:
            return self._clauses[name]
        except KeyError:
            raise UnknownClauseError(f"clause={name!r}: unknown; the clauses are "
                                     f"{', '.join(self._clauses)}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._clauses

    def __iter__(self) -> Iterator[Clause]:
        return iter(list(self._clauses.values()))

    def __len__(self) -> int:
        return len(self._clauses)

    def select(self, names: Iterable[str] | None = None, *, kinds: Iterable[str] = KINDS) -> list[Clause]:
        """The clauses named (all of ``kinds`` when ``names`` is None), in registration order;
        any unknown name raises :class:`UnknownClauseError` listing the known ones."""
        if names is None:
            wanted_kinds = set(kinds)
            return [c for c in self._clauses.values() if c.kind in wanted_kinds]
        chosen = list(dict.fromkeys(names))
        unknown = [n for n in chosen if n not in self._clauses]
        if unknown:
            raise UnknownClauseError(f"clause={unknown[0]!r}: unknown; the clauses are "
                                     f"{', '.join(self._clauses)}")
        return [c for c in self._clauses.values() if c.name in chosen]


CLAUSES = ClauseRegistry()
"""The built-in clauses (filled when :mod:`sequrity_contract.contract_tests.conformance` is imported)."""


def clause(examples: SearchStrategy[Any], *, title: str, kind: str = "mock", max_examples: int | None = None,
           shrink: bool = True, registry: ClauseRegistry | None = None, endpoint: str = MESSAGES.name
           ) -> Callable[[ClauseFunction], ClauseFunction]:
    """Register the decorated ``async def name(env, example)`` as the clause ``name``, a check of
    ``endpoint`` (messages by default).

    Put requirement decorators *below* this one (they run first and attach to the function).
    """
    if not isinstance(examples, SearchStrategy):
        raise TypeError(f"examples={examples!r}: expected a hypothesis strategy")

    def register(function: ClauseFunction) -> ClauseFunction:
        requirements = list(getattr(function, "_clause_requirements", []))
        (registry if registry is not None else CLAUSES).add(Clause(
            function.__name__, function, examples, title, kind, max_examples, shrink, requirements, endpoint))
        return function

    return register


def _requirement(requirement: Requirement) -> Callable[[ClauseFunction], ClauseFunction]:
    def attach(function: ClauseFunction) -> ClauseFunction:
        existing = list(getattr(function, "_clause_requirements", []))
        function._clause_requirements = [requirement, *existing]  # type: ignore[attr-defined]
        return function

    return attach


def requires_sessions(function: ClauseFunction) -> ClauseFunction:
    """The clause applies only to adapters with ``supports_sessions``."""
    return _requirement(lambda env: None if env.adapter.supports_sessions
                        else f"adapter {env.adapter.name!r} does not claim session support "
                             "(supports_sessions=False)")(function)


def requires_retries(function: ClauseFunction) -> ClauseFunction:
    """The clause applies only to adapters with ``supports_retries``."""
    return _requirement(lambda env: None if env.adapter.supports_retries
                        else f"adapter {env.adapter.name!r} does not claim retries "
                             "(supports_retries=False)")(function)


def requires_dialect(dialect: str) -> Callable[[ClauseFunction], ClauseFunction]:
    """The clause applies only to adapters that read the stream ``dialect``."""
    return _requirement(lambda env: None if dialect in env.adapter.dialects
                        else f"adapter {env.adapter.name!r} does not claim the {dialect!r} stream dialect "
                             f"(dialects={sorted(env.adapter.dialects)})")


def requires_fault_support(function: ClauseFunction) -> ClauseFunction:
    """The clause applies only when the mock server injects faults (``X-Mock-Fault``)."""
    return _requirement(lambda env: env.fault_support_missing())(function)


def requires_live_key(function: ClauseFunction) -> ClauseFunction:
    """The clause applies only when a live URL and an API key are configured."""
    return _requirement(lambda env: env.live_skip_reason())(function)
