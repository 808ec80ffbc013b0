"""The chat completions stream as code (docs/contract.md §10.4): a completion split into its
``chat.completion.chunk`` objects, and chunks accumulated back into the completion.

``accumulate_chunks(to_chunks(completion)) == completion`` for every completion in normal form
(see :func:`to_chunks`). The server streams with :func:`to_chunks`; clients and the validating
proxy read streams with :class:`ChunkAccumulator`, which checks the chunks' order and raises
:class:`~.stream.StreamProtocolError` naming the chunk and the clause it breaks.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from .endpoint import Splitter
from .sse import compact_json
from .stream import StreamProtocolError, copy_json

CHUNK_OBJECT = "chat.completion.chunk"
COMPLETION_OBJECT = "chat.completion"
DIALECTS: tuple[str, ...] = ("openai",)
"""The stream dialects of chat completions: OpenAI's only (``data:`` lines, then ``data: [DONE]``)."""

_COMPLETION_KEYS = ("id", "object", "created", "model", "choices", "usage")
"""Keys of a completion the chunks carry in their own way; every other key is copied onto each chunk."""
_STREAMED_MESSAGE_KEYS = ("content", "refusal", "tool_calls")
_TEXT_KEYS = ("content", "refusal")


def _check_pieces(pieces: Iterable[str], whole: str, argument: str) -> list[str]:
    listed = list(pieces)
    if "".join(listed) != whole:
        raise ValueError(f"{argument} returned pieces that do not join to the original text: {listed!r}")
    return listed


def to_chunks(completion: dict[str, Any], *, split_text: Splitter, split_json: Splitter) -> list[dict[str, Any]]:
    """The chunks that stream ``completion``.

    Per choice, in order: a first chunk whose delta carries ``role`` and every message key but the
    streamed ones (``content`` starts as ``""`` when it is a string), the content (and refusal)
    pieces from ``split_text``, each tool call as a first delta (``index``, ``id``, ``type``, the
    function's ``name`` and ``arguments: ""``) and its ``function.arguments`` pieces from
    ``split_json``, then a chunk with an empty delta and the ``finish_reason`` (and ``logprobs``).
    A completion with ``usage`` ends with a chunk of no choices that carries it. Every chunk repeats
    ``id``, ``created``, ``model`` and any other top-level key of the completion.

    Normal form (what round-trips): each message has ``content`` (a string or null), ``tool_calls``
    absent or a list, and each choice the keys ``index``, ``message``, ``finish_reason`` and
    optionally ``logprobs``.
    """
    common = {"id": completion["id"], "object": CHUNK_OBJECT, "created": completion["created"],
              "model": completion["model"]}
    common.update({k: copy_json(v) for k, v in completion.items() if k not in _COMPLETION_KEYS})
    chunks: list[dict[str, Any]] = []

    def chunk(choice: dict[str, Any]) -> None:
        chunks.append({**common, "choices": [choice]})

    for choice in completion["choices"]:
        index, message = choice["index"], choice["message"]
        first = {k: copy_json(v) for k, v in message.items() if k not in _STREAMED_MESSAGE_KEYS}
        for key in _TEXT_KEYS:
            if key in message and not (isinstance(message[key], str) and message[key]):
                first[key] = message[key]  # null or "" travels as it is
        if isinstance(message.get("content"), str):
            first["content"] = ""
        if "tool_calls" in message and not message["tool_calls"]:
            first["tool_calls"] = copy_json(message["tool_calls"])  # null or []
        chunk({"index": index, "delta": first, "finish_reason": None})
        for key in _TEXT_KEYS:
            text = message.get(key)
            if isinstance(text, str) and text:
                for piece in _check_pieces(split_text(text), text, "split_text"):
                    chunk({"index": index, "delta": {key: piece}, "finish_reason": None})
        for position, call in enumerate(message.get("tool_calls") or []):
            function = call["function"]
            opening = {**copy_json(call), "index": position,
                       "function": {**copy_json(function), "arguments": ""}}
            chunk({"index": index, "delta": {"tool_calls": [opening]}, "finish_reason": None})
            for piece in _check_pieces(split_json(function["arguments"]), function["arguments"], "split_json"):
                delta = {"tool_calls": [{"index": position, "function": {"arguments": piece}}]}
                chunk({"index": index, "delta": delta, "finish_reason": None})
        last: dict[str, Any] = {"index": index, "delta": {}, "finish_reason": choice["finish_reason"]}
        if "logprobs" in choice:
            last["logprobs"] = copy_json(choice["logprobs"])
        chunk(last)
    if completion.get("usage") is not None:
        chunks.append({**common, "choices": [], "usage": copy_json(completion["usage"])})
    elif "usage" in completion:
        for each in chunks:
            each["usage"] = None
    return chunks


class ChunkAccumulator:
    """Builds the completion from chunks fed one at a time, checking their order.

    Clauses (the ``rule`` of :class:`~.stream.StreamProtocolError`): ``chunk_object`` (every chunk
    is a ``chat.completion.chunk``), ``same_completion`` (every chunk repeats the first one's
    ``id``), ``choices_in_order`` (a new choice takes the next index), ``role_first`` (a choice's
    first delta carries ``role: "assistant"``), ``tool_calls_in_order`` (a new tool call takes the
    next index and opens with ``id``, ``type`` and ``function.name``), ``text_is_string``,
    ``nothing_after_finish`` (a finished choice gets no more deltas), ``usage_last`` (a chunk
    without choices comes after every choice has finished), ``stream_complete``.
    """

    def __init__(self) -> None:
        self.count = 0
        self.done = False
        """Every choice begun has finished (and there is one); a usage chunk may still follow."""
        self._completion: dict[str, Any] | None = None
        self._choices: list[dict[str, Any]] = []
        self._finished: list[bool] = []
        self._usage_seen = False

    def _fail(self, rule: str, expected: str, event: Any) -> StreamProtocolError:
        return StreamProtocolError(rule, self.count, expected, event)

    def feed(self, event: dict[str, Any]) -> None:
        """Take the next chunk; raise :class:`~.stream.StreamProtocolError` when it is out of place."""
        if event.get("object") != CHUNK_OBJECT:
            raise self._fail("chunk_object", f'a chunk with "object": "{CHUNK_OBJECT}"', event)
        if self._completion is None:
            self._completion = {key: copy.deepcopy(value) for key, value in event.items()
                                if key not in ("choices", "usage", "object")}
            self._completion["object"] = COMPLETION_OBJECT
            if "usage" in event:
                self._completion["usage"] = None
        elif event.get("id") != self._completion["id"]:
            raise self._fail("same_completion", f"the id of the first chunk ({self._completion['id']!r})", event)
        choices = event.get("choices") or []
        if self._usage_seen:
            raise self._fail("usage_last", "nothing after the chunk that carries usage", event)
        if event.get("usage") is not None:
            if not self.done or choices:
                raise self._fail("usage_last", "usage in a chunk without choices, after every choice finished",
                                 event)
            self._completion["usage"] = copy.deepcopy(event["usage"])
            self._usage_seen = True
        for choice in choices:
            self._feed_choice(choice, event)
        self.done = bool(self._finished) and all(self._finished)
        self.count += 1

    def _feed_choice(self, choice: dict[str, Any], event: dict[str, Any]) -> None:
        index = choice.get("index")
        delta = choice.get("delta") or {}
        if index == len(self._choices):
            if delta.get("role") != "assistant":
                raise self._fail("role_first", 'the first delta of a choice with "role": "assistant"', event)
            message = {k: copy.deepcopy(v) for k, v in delta.items() if k != "tool_calls"}
            message.setdefault("content", None)
            if "tool_calls" in delta and not delta["tool_calls"]:
                message["tool_calls"] = copy.deepcopy(delta["tool_calls"])
            self._choices.append({"index": index, "message": message})
            self._finished.append(False)
            delta = {k: v for k, v in delta.items() if k == "tool_calls" and v}
        elif not isinstance(index, int) or not 0 <= index < len(self._choices):
            raise self._fail("choices_in_order", f"choice index {len(self._choices)} or one begun already", event)
        elif self._finished[index]:
            raise self._fail("nothing_after_finish", f"no delta for choice {index}, which has finished", event)
        else:
            for key in _TEXT_KEYS:
                if key in delta:
                    self._append_text(index, key, delta[key], event)
        for call in delta.get("tool_calls") or []:
            self._feed_call(index, call, event)
        if choice.get("finish_reason") is not None:
            target = self._choices[index]
            target["finish_reason"] = choice["finish_reason"]
            if "logprobs" in choice:
                target["logprobs"] = copy.deepcopy(choice["logprobs"])
            self._finished[index] = True

    def _append_text(self, index: int, key: str, piece: Any, event: dict[str, Any]) -> None:
        if piece is None:
            return
        if not isinstance(piece, str):
            raise self._fail("text_is_string", f"a string as delta.{key}", event)
        message = self._choices[index]["message"]
        message[key] = (message.get(key) or "") + piece

    def _feed_call(self, index: int, call: dict[str, Any], event: dict[str, Any]) -> None:
        calls = self._choices[index]["message"].setdefault("tool_calls", [])
        if calls is None:
            calls = self._choices[index]["message"]["tool_calls"] = []
        position = call.get("index")
        function = call.get("function") or {}
        if position == len(calls):
            if not isinstance(call.get("id"), str) or call.get("type") != "function" or \
                    not isinstance(function.get("name"), str):
                raise self._fail("tool_calls_in_order",
                                 f'tool call {position} opening with "id", "type": "function" and function.name',
                                 event)
            opened = {k: copy.deepcopy(v) for k, v in call.items() if k != "index"}
            opened["function"] = {**copy.deepcopy(function), "arguments": function.get("arguments") or ""}
            calls.append(opened)
        elif isinstance(position, int) and 0 <= position < len(calls):
            piece = function.get("arguments")
            if piece is not None and not isinstance(piece, str):
                raise self._fail("text_is_string", "a string as function.arguments", event)
            calls[position]["function"]["arguments"] += piece or ""
        else:
            raise self._fail("tool_calls_in_order", f"tool call index {len(calls)} or one opened already", event)

    @property
    def message(self) -> dict[str, Any]:
        """The accumulated completion (raises :class:`~.stream.StreamProtocolError` when incomplete)."""
        if self._completion is None or not self.done:
            raise StreamProtocolError("stream_complete", self.count, "a finish_reason for every choice",
                                      "the end of the stream")
        completion = dict(self._completion)
        usage = completion.pop("usage", _ABSENT)
        head = ("id", "object", "created", "model")
        ordered: dict[str, Any] = {k: completion.pop(k) for k in head if k in completion}
        result: dict[str, Any] = {**ordered, "choices": copy.deepcopy(self._choices), **completion}
        if usage is not _ABSENT:
            result["usage"] = usage
        return result


_ABSENT = object()


def accumulate_chunks(chunks: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The completion a complete list of chunks streams."""
    accumulator = ChunkAccumulator()
    for chunk in chunks:
        accumulator.feed(chunk)
    return accumulator.message


def arguments_json(arguments: dict[str, Any]) -> str:
    """The ``function.arguments`` text of a tool call with these arguments (compact JSON)."""
    return compact_json(arguments)
