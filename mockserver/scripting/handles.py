"""What :meth:`MockServer.stub` and :meth:`MockServer.fault` return: small handles that read
the journal for the requests a stub answered or a fault hit, and remove what they registered."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from ..state import ServerState
from .faults import Fault, parse_fault
from .stubs import Stub, parse_stub

T = TypeVar("T")


class OnState(Protocol):
    """Runs a function on the running server's state, in its event loop (``MockServer._call``)."""

    def __call__(self, read: Callable[[ServerState], T], /) -> T: ...


def merged(definition: Mapping[str, Any] | None, fields: Mapping[str, Any], argument: str) -> dict[str, Any]:
    """``definition`` updated with keyword ``fields``; a TypeError naming ``argument`` when it is no mapping."""
    if definition is not None and not isinstance(definition, Mapping):
        raise TypeError(f"{argument}={definition!r:.80}: expected a dict (or keyword arguments)")
    return {**(definition or {}), **fields}


class StubHandle:
    """A registered stub: ``.id``, ``.definition``, ``.calls`` (journal entries it answered),
    ``.call_count``, ``.called`` and ``.remove()``."""

    def __init__(self, stub: Stub, on_state: OnState) -> None:
        self._stub = stub
        self._on_state = on_state
        self.id = stub.id

    @property
    def definition(self) -> dict[str, Any]:
        """The stub's definition as registered (with its id)."""
        return self._stub.as_dict()

    @property
    def calls(self) -> list[dict[str, Any]]:
        """The journal entries of the requests this stub answered, oldest first."""
        stub_id = self.id
        return self._on_state(lambda state: [e.as_dict() for e in state.journal.entries() if e.stub == stub_id])

    @property
    def call_count(self) -> int:
        """How many requests this stub answered (counted since it was registered)."""
        stub_id = self.id
        return self._on_state(lambda state: state.scripting.stubs.calls(stub_id))

    @property
    def called(self) -> bool:
        """True once the stub has answered a request."""
        return self.call_count > 0

    def remove(self) -> bool:
        """Unregister the stub (False when it was already gone)."""
        stub = self._stub
        return self._on_state(lambda state: state.scripting.stubs.get(stub.id) is stub
                              and state.scripting.remove_stub(stub.id))

    def __repr__(self) -> str:
        return f"<StubHandle {self.id!r}>"


class FaultHandle:
    """The server-wide fault: ``.spec``, ``.injections`` (journal entries it hit) and ``.remove()``."""

    def __init__(self, fault: Fault, on_state: OnState) -> None:
        self._fault = fault
        self._on_state = on_state
        self.spec = fault.as_dict()

    @property
    def injections(self) -> list[dict[str, Any]]:
        """The journal entries this fault was injected into, oldest first."""
        spec = self.spec
        return self._on_state(lambda state: [
            e.as_dict() for e in state.journal.entries()
            if any(r["source"] == "server" and r["fault"] == spec for r in e.faults)])

    def remove(self) -> bool:
        """Stop injecting this fault (False when another fault replaced it, or it was removed)."""
        fault = self._fault

        def clear(state: ServerState) -> bool:
            if state.scripting.server_fault is not fault:
                return False
            state.scripting.set_fault(None)
            return True

        return self._on_state(clear)

    def __repr__(self) -> str:
        return f"<FaultHandle {self.spec!r}>"


def add_stub(on_state: OnState, definition: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> StubHandle:
    """Check the stub (raising :class:`~sequrity_contract.mockserver.scripting.stubs.StubError` here, in the caller)
    and register it."""
    stub = parse_stub(merged(definition, fields, "definition"))
    on_state(lambda state: state.scripting.add_stub(stub))
    return StubHandle(stub, on_state)


def set_fault(on_state: OnState, spec: Mapping[str, Any] | None, fields: Mapping[str, Any]) -> FaultHandle:
    """Check the fault (raising :class:`~sequrity_contract.mockserver.scripting.faults.FaultError`) and make it the
    server-wide one."""
    fault = parse_fault(merged(spec, fields, "spec"), "fault")

    on_state(lambda state: state.scripting.set_fault(fault))
    return FaultHandle(fault, on_state)
