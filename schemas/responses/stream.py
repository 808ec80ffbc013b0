"""The stream of the responses endpoint: a response as its typed events and back
(docs/routes/responses.md, "Streaming").

A responses stream is a sequence of typed events, each written as an ``event: <type>`` line and a
one-line JSON ``data:`` line (:data:`~..sse.NAMED_EVENTS`), each with a ``sequence_number`` that
counts from 0. :func:`to_events` writes a response as such events; :class:`EventAccumulator` reads
them back, checking their order. The event types are those of the ``responses.event`` document
(the published ``OpenAiResponseStreamEvent`` union).
"""

from __future__ import annotations

import copy
from typing import Any

from ..endpoint import Splitter
from ..stream import StreamProtocolError, copy_json

DIALECTS: tuple[str, ...] = ("openai",)
"""The stream dialects of the endpoint (one: OpenAI's events)."""

TERMINAL: dict[str, str] = {"completed": "response.completed", "incomplete": "response.incomplete",
                            "failed": "response.failed"}
"""The event that ends a stream, by the final ``status`` of its response."""

_OPENING = ("response.created", "response.in_progress")
_UNSET_WHILE_RUNNING = ("usage", "completed_at", "error", "incomplete_details")
"""Keys of the response that the opening events carry as null (they are known only at the end)."""


def opening_snapshot(response: dict[str, Any]) -> dict[str, Any]:
    """The response as the opening events carry it: in progress, no output yet, nothing that is
    known only at the end."""
    snapshot = {key: copy_json(value) for key, value in response.items() if key != "output"}
    snapshot.update({"status": "in_progress", "output": []})
    for key in _UNSET_WHILE_RUNNING:
        if key in snapshot:
            snapshot[key] = None
    return snapshot


def to_events(response: dict[str, Any], *, split_text: Splitter, split_json: Splitter) -> list[dict[str, Any]]:
    """The events that stream ``response``.

    ``response.created`` and ``response.in_progress`` with the :func:`opening_snapshot`; per output
    item ``response.output_item.added`` (the item in progress, its streamed parts empty), its
    content (a message's parts: ``content_part.added``, the ``output_text.delta`` pieces from
    ``split_text``, ``output_text.done``, ``content_part.done``; a function call's
    ``function_call_arguments.delta`` pieces from ``split_json`` and ``.done``; a reasoning
    item's summary parts alike), ``response.output_item.done`` with the whole item; last the
    :data:`TERMINAL` event of the response's status with the whole response.
    """
    events: list[dict[str, Any]] = []

    def emit(event_type: str, **fields: Any) -> None:
        events.append({"type": event_type, **fields, "sequence_number": len(events)})

    snapshot = opening_snapshot(response)
    for event_type in _OPENING:
        emit(event_type, response=copy_json(snapshot))
    for index, item in enumerate(response["output"]):
        emit("response.output_item.added", output_index=index, item=_opened(item))
        _item_content(item, index, emit, split_text, split_json)
        emit("response.output_item.done", output_index=index, item=copy_json(item))
    emit(TERMINAL.get(str(response.get("status")), "response.completed"), response=copy_json(response))
    return events


def _opened(item: dict[str, Any]) -> dict[str, Any]:
    opened: dict[str, Any] = copy_json(item)
    if "status" in opened:
        opened["status"] = "in_progress"
    kind = item.get("type")
    if kind == "message":
        opened["content"] = []
    elif kind == "function_call":
        opened["arguments"] = ""
    elif kind == "reasoning":
        opened["summary"] = []
    return opened


def _item_content(item: dict[str, Any], index: int, emit: Any, split_text: Splitter, split_json: Splitter) -> None:
    where = {"item_id": item.get("id") or "", "output_index": index}
    kind = item.get("type")
    if kind == "message":
        for part_index, part in enumerate(item["content"]):
            at = {**where, "content_index": part_index}
            if part.get("type") != "output_text":  # a refusal: its part whole (the union has no refusal delta)
                emit("response.content_part.added", **at, part=copy_json(part))
                emit("response.content_part.done", **at, part=copy_json(part))
                continue
            emit("response.content_part.added", **at, part={**copy_json(part), "text": ""})
            for piece in split_text(part["text"]):
                emit("response.output_text.delta", **at, delta=piece)
            emit("response.output_text.done", **at, text=part["text"])
            emit("response.content_part.done", **at, part=copy_json(part))
    elif kind == "function_call":
        for piece in split_json(item["arguments"]):
            emit("response.function_call_arguments.delta", **where, delta=piece)
        emit("response.function_call_arguments.done", **where, name=item["name"], arguments=item["arguments"])
    elif kind == "reasoning":
        for summary_index, part in enumerate(item.get("summary") or []):
            at = {**where, "summary_index": summary_index}
            emit("response.reasoning_summary_part.added", **at, part={**copy_json(part), "text": ""})
            for piece in split_text(part["text"]):
                emit("response.reasoning_summary_text.delta", **at, delta=piece)
            emit("response.reasoning_summary_text.done", **at, text=part["text"])
            emit("response.reasoning_summary_part.done", **at, part=copy_json(part))


class EventAccumulator:
    """Builds the response from events fed one at a time, checking their order.

    Clauses (the ``rule`` of :class:`~..stream.StreamProtocolError`): ``sequence_numbers`` (0, 1,
    2, … in order), ``created_first`` (the stream opens with ``response.created``),
    ``items_in_order`` (an item is added at the next output index, its content events name the
    open item, and it is done before the next one is added), ``text_matches_deltas`` (a ``.done``
    event's text or arguments, and the done item, equal what the deltas built),
    ``nothing_after_end`` (the terminal event is the last), ``output_matches_items`` (the terminal
    response's output is the items done, in order), ``stream_complete``.
    """

    def __init__(self) -> None:
        self.count = 0
        self.done = False
        self._items: list[dict[str, Any]] = []
        self._open: dict[str, Any] | None = None
        self._built: dict[tuple[str, int], str] = {}
        self._response: dict[str, Any] | None = None

    def _fail(self, rule: str, expected: str, event: Any) -> StreamProtocolError:
        return StreamProtocolError(rule, self.count, expected, event)

    def feed(self, event: dict[str, Any]) -> None:
        """Take the next event; raise :class:`~..stream.StreamProtocolError` when it is out of place."""
        if self.done:
            raise self._fail("nothing_after_end", "no event after the terminal event", event)
        if event.get("sequence_number") != self.count:
            raise self._fail("sequence_numbers", f"sequence_number {self.count}", event)
        kind = event.get("type")
        if self.count == 0 and kind != "response.created":
            raise self._fail("created_first", "response.created as the first event", event)
        if kind in TERMINAL.values():
            self._end(event)
        elif kind == "response.output_item.added":
            self._add(event)
        elif kind == "response.output_item.done":
            self._finish(event)
        elif kind not in _OPENING:
            self._content(event)
        self.count += 1

    def _add(self, event: dict[str, Any]) -> None:
        if self._open is not None or event.get("output_index") != len(self._items):
            raise self._fail("items_in_order", f"an item added at output_index {len(self._items)}, "
                             "after the previous one is done", event)
        self._open = event["item"]
        self._built = {}

    def _content(self, event: dict[str, Any]) -> None:
        if self._open is None or event.get("output_index") != len(self._items) or \
                event.get("item_id") != (self._open.get("id") or ""):
            raise self._fail("items_in_order", "a content event of the item in progress", event)
        kind = str(event["type"])
        part = (kind.split(".")[1], int(event.get("content_index", event.get("summary_index", 0))))
        if kind.endswith(".delta"):
            self._built[part] = self._built.get(part, "") + str(event.get("delta"))
        elif kind.endswith("_text.done") or kind.endswith("arguments.done"):
            final = event.get("text", event.get("arguments"))
            if final != self._built.get(part, ""):
                raise self._fail("text_matches_deltas", f"the text the deltas built, {self._built.get(part, '')!r}",
                                 event)

    def _finish(self, event: dict[str, Any]) -> None:
        item = event.get("item")
        if self._open is None or event.get("output_index") != len(self._items) or not isinstance(item, dict):
            raise self._fail("items_in_order", "the done event of the item in progress", event)
        for (kind, index), text in self._built.items():
            if _streamed_text(item, kind, index) != text:
                raise self._fail("text_matches_deltas", f"an item whose {kind} is the text the deltas built", event)
        self._items.append(item)
        self._open = None

    def _end(self, event: dict[str, Any]) -> None:
        response = event.get("response")
        if self._open is not None or not isinstance(response, dict) or response.get("output") != self._items:
            raise self._fail("output_matches_items", "a terminal response whose output is the items done", event)
        self._response = copy.deepcopy(response)
        self.done = True

    @property
    def message(self) -> dict[str, Any]:
        """The response of the terminal event (raises when the stream has not ended)."""
        if self._response is None:
            raise StreamProtocolError("stream_complete", self.count, "a terminal event (response.completed, "
                                      "response.incomplete or response.failed)", None)
        return self._response


def _streamed_text(item: dict[str, Any], kind: str, index: int) -> Any:
    if kind == "function_call_arguments":
        return item.get("arguments")
    parts = item.get("summary" if kind == "reasoning_summary_text" else "content") or []
    return parts[index].get("text") if index < len(parts) and isinstance(parts[index], dict) else None


def accumulate_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The response a complete stream of ``events`` builds (raises on an out-of-order stream)."""
    accumulator = EventAccumulator()
    for event in events:
        accumulator.feed(event)
    return accumulator.message
