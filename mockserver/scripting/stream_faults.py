"""The faults that change a stream, one registered function each.

A stream fault works on a :class:`StreamCut` — the encoded events about to be written (a
terminator such as ``data: [DONE]`` counts as the last one) and how the stream will end — and
is registered with :func:`stream_fault`, which also gives it its place in the fault vocabulary
(its check and description, see :mod:`.faults`). Faults that only change events run first, in
registration order; at most one *outcome* fault (it decides how the stream ends) runs after them.
Adding a stream fault kind is one decorated function here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sequrity_contract.schemas import Endpoint

from ..support.checks import Check, boolean, int_at_least

ENDINGS = ("eof", "close", "hang")
"""How a stream ends: the end of the body, the connection closed, or held open until the client leaves."""


@dataclass
class StreamCut:
    """One faulted stream: ``events`` to write, its ``ending``, ``notes`` for the journal.

    ``endpoint`` is the answer's endpoint, ``decoded()`` the events as dicts (decoded on demand),
    ``message`` the fault's ``message`` field, if any.
    """

    events: list[bytes]
    endpoint: Endpoint
    decoded: Callable[[], list[dict[str, Any]]]
    message: str | None = None
    ending: str = "eof"
    notes: list[str] = field(default_factory=list)


StreamFault = Callable[[StreamCut, Any], None]
"""Applies a stream fault with the value of its field to a cut."""


@dataclass(frozen=True)
class StreamFaultKind:
    """A registered stream fault: its field name, value check, description, whether it is an
    outcome (decides how the stream ends), and its function."""

    name: str
    check: Check
    description: str
    outcome: bool
    apply: StreamFault


STREAM_FAULTS: dict[str, StreamFaultKind] = {}
"""Every stream fault kind by field name, in the order they apply."""


def stream_fault(name: str, check: Check, description: str, *, outcome: bool) -> Callable[[StreamFault], StreamFault]:
    """Register the decorated function as the stream fault ``name``."""

    def register(function: StreamFault) -> StreamFault:
        if name in STREAM_FAULTS:
            raise ValueError(f"stream fault {name!r} is registered already")
        STREAM_FAULTS[name] = StreamFaultKind(name, check, description, outcome, function)
        return function

    return register


def apply_stream_faults(cut: StreamCut, fields: Callable[[str], Any]) -> StreamCut:
    """Apply every registered stream fault whose field ``fields(name)`` gives a value (not None)."""
    kinds = sorted(STREAM_FAULTS.values(), key=lambda kind: kind.outcome)  # changes first, then the outcome
    for kind in kinds:
        value = fields(kind.name)
        if value is not None:
            kind.apply(cut, value)
    return cut


def _changed(cut: StreamCut, name: str, index: int, change: Callable[[bytes], bytes]) -> None:
    if index < len(cut.events):
        cut.events[index] = change(cut.events[index])
    else:
        cut.notes.append(f"{name}={index}: the stream has only {len(cut.events)} events; nothing changed")


@stream_fault("malformed_data_line", int_at_least(0), "event N's data line is not JSON", outcome=False)
def malformed_data_line(cut: StreamCut, index: int) -> None:
    """Cut event ``index``'s data line to half its JSON."""
    def malformed(event: bytes) -> bytes:
        head, _, data = event.rstrip(b"\n").partition(b"data: ")
        return head + b"data: " + data[: max(1, len(data) // 2)] + b"\n\n"

    _changed(cut, "malformed_data_line", index, malformed)


@stream_fault("multiline_data", int_at_least(0), "event N's JSON is split over two data: lines", outcome=False)
def multiline_data(cut: StreamCut, index: int) -> None:
    """Split event ``index``'s JSON over two ``data:`` lines after its first comma (valid SSE)."""
    def multiline(event: bytes) -> bytes:
        head, _, data = event.rstrip(b"\n").partition(b"data: ")
        at = data.find(b",") + 1 or max(1, len(data) // 2)
        return head + b"data: " + data[:at] + b"\ndata: " + data[at:] + b"\n\n"

    _changed(cut, "multiline_data", index, multiline)


@stream_fault("omit_done", boolean, "end the stream without its last 'data: [DONE]' line (chat completions; "
              "messages streams have none)", outcome=False)
def omit_done(cut: StreamCut, _: bool) -> None:
    """Drop the stream's terminator, when its format has one and it is still there."""
    terminator = cut.endpoint.sse.terminator
    if terminator and cut.events and cut.events[-1] == terminator:
        cut.events = cut.events[:-1]
    else:
        cut.notes.append(f"omit_done: {cut.endpoint.name} streams end without a terminator here; nothing changed")


@stream_fault("disconnect_after_events", int_at_least(0), "close the connection after N events", outcome=True)
def disconnect_after_events(cut: StreamCut, count: int) -> None:
    cut.events, cut.ending = cut.events[:count], "close"


@stream_fault("disconnect_inside_tool_json", boolean,
              "close the connection while a tool input's JSON is incomplete", outcome=True)
def disconnect_inside_tool_json(cut: StreamCut, _: bool) -> None:
    """Cut inside the first tool call's argument JSON: within its only delta event, or after the
    first of several."""
    codec = cut.endpoint.codec
    first: int | None = None
    first_call: object = None
    several = False
    for index, event in enumerate(cut.decoded()):
        call = codec.argument_delta(event)
        if call is None:
            continue
        if first is None:
            first, first_call = index, call
        elif call == first_call:
            several = True
            break
    cut.ending = "close"
    if first is None:
        cut.notes.append("the answer has no tool input: disconnected after the first event")
        cut.events = cut.events[:1]
    elif several:
        cut.events = cut.events[: first + 1]
    else:
        cut.events = [*cut.events[:first], cut.events[first][: len(cut.events[first]) // 2]]


@stream_fault("error_event", int_at_least(0), "after N events send the endpoint's error event (messages: "
              "event: error, overloaded_error) and end", outcome=True)
def error_event(cut: StreamCut, count: int) -> None:
    event = cut.endpoint.codec.error_event(cut.message or "injected fault: overloaded")
    if event is None:
        cut.notes.append(f"{cut.endpoint.name} streams have no error event: the stream was cut instead")
        cut.events, cut.ending = cut.events[:count], "close"
    else:
        cut.events = [*cut.events[:count], cut.endpoint.sse.encode_event(event)]


@stream_fault("never_end", boolean, "send every event but the last (message_stop; data: [DONE]), "
              "then keep the stream open", outcome=True)
def never_end(cut: StreamCut, _: bool) -> None:
    cut.events, cut.ending = cut.events[:-1], "hang"
