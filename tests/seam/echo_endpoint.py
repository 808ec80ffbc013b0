"""A small second endpoint, defined from this module only: ``POST /control/{type}[/{provider}]/v1/echo``.

It answers the request's text in capitals, and streams OpenAI-style: ``data:`` lines only, then
``data: [DONE]``. :func:`register` adds it to the contract (its documents and its description)
and to the mock server (its synthesizer); :func:`unregister` takes it away again.
"""

from __future__ import annotations

import copy
from typing import Any

from sequrity_contract.mockserver import register_synthesizer
from sequrity_contract.mockserver.pipeline.responder import RequestContext
from sequrity_contract.mockserver.synthesis import unregister_synthesizer
from sequrity_contract.schemas import (
    DATA_ONLY,
    Endpoint,
    StreamProtocolError,
    register_document,
    register_endpoint,
    unregister_document,
    unregister_endpoint,
)
from sequrity_contract.schemas.endpoint import Splitter

NAME = "echo"
DOCUMENTS: dict[str, dict[str, Any]] = {
    "echo.request": {
        "type": "object", "required": ["model", "text"], "additionalProperties": False,
        "properties": {"model": {"type": "string"}, "text": {"type": "string", "minLength": 1},
                       "stream": {"type": "boolean"}},
    },
    "echo.response": {
        "type": "object", "required": ["id", "object", "model", "text"], "additionalProperties": False,
        "properties": {"id": {"type": "string"}, "object": {"const": "echo"}, "model": {"type": "string"},
                       "text": {"type": "string"}},
    },
    "echo.chunk": {
        "type": "object", "required": ["id", "object"], "additionalProperties": False,
        "properties": {"id": {"type": "string"}, "object": {"const": "echo.chunk"}, "model": {"type": "string"},
                       "delta": {"type": "string"}, "finish": {"const": True}},
    },
}


class EchoAccumulator:
    """Joins the deltas; the chunk with ``finish`` ends the stream."""

    def __init__(self) -> None:
        self.done = False
        self.count = 0
        self._message: dict[str, Any] | None = None

    def feed(self, event: dict[str, Any]) -> None:
        if self.done:
            raise StreamProtocolError("nothing_after_finish", self.count, "the end of the stream", event)
        if self._message is None:
            self._message = {"id": event["id"], "object": "echo", "model": "", "text": ""}
        self._message["text"] += event.get("delta", "")
        if event.get("finish"):
            self._message["model"] = event.get("model", "")
            self.done = True
        self.count += 1

    @property
    def message(self) -> dict[str, Any]:
        if not self.done or self._message is None:
            raise StreamProtocolError("stream_complete", self.count, "a chunk with finish", "end of stream")
        return self._message


class EchoCodec:
    def to_events(self, message: dict[str, Any], *, split_text: Splitter, split_json: Splitter,
                  dialect: str) -> list[dict[str, Any]]:
        chunk = {"id": message["id"], "object": "echo.chunk"}
        deltas = [{**chunk, "delta": piece} for piece in split_text(message["text"])]
        return [*deltas, {**chunk, "model": message["model"], "finish": True}]

    def accumulator(self, dialect: str) -> EchoAccumulator:
        return EchoAccumulator()

    def argument_delta(self, event: dict[str, Any]) -> object | None:
        return None

    def error_event(self, message: str) -> dict[str, Any] | None:
        return None


def complete_message(partial: dict[str, Any], stub_id: str, session: str) -> dict[str, Any]:
    return {"id": f"echo-{stub_id}", "object": "echo", "model": "stub", **copy.deepcopy(partial)}


ECHO = Endpoint(
    name=NAME, path="/v1/echo", request="echo.request", response="echo.response", event="echo.chunk",
    error="error", sse=DATA_ONLY, dialects=("openai",), codec=EchoCodec(),
    session_from_history=lambda body: None, starts_turn=lambda body: True, complete_message=complete_message,
)


def synthesize(context: RequestContext) -> dict[str, Any]:
    """The request's text in capitals."""
    body = context.body
    return {"id": f"echo-{len(body['text'])}", "object": "echo", "model": body["model"], "text": body["text"].upper()}


def register() -> None:
    for name, schema in DOCUMENTS.items():
        register_document(name, schema)
    register_endpoint(ECHO)
    register_synthesizer(NAME)(synthesize)


def unregister() -> None:
    unregister_synthesizer(NAME)
    unregister_endpoint(NAME)
    for name in DOCUMENTS:
        unregister_document(name)
