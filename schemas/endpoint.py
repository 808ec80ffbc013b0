"""The endpoint seam: one description of an API endpoint that every layer takes.

An :class:`Endpoint` says where the endpoint lives (its path after
``/control/{endpoint_type}[/{provider}]``), which documents describe its request, response,
stream events and errors, how its stream travels (:class:`~.sse.SSEFormat`, dialects and the
:class:`StreamCodec` between a message and its events) and what the pipeline reads from a body
(the session a history embeds, whether the body starts a turn, a stub's partial message made
whole). The server, the reference client, the adapters and the conformance clauses look the
endpoint up here instead of spelling its details.

Adding an endpoint is one module that builds an :class:`Endpoint` and one
:func:`register_endpoint` call (see ``ARCHITECTURE.md``); the messages endpoint is the first
(:mod:`.messages_endpoint`).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from .routes import ENDPOINT_TYPES, PROVIDERS
from .sse import SSEFormat
from .tool_calls import ToolCallFormat
from .violations import ContractError

Splitter = Callable[[str], Sequence[str]]
"""Cuts a text into the pieces that become successive deltas; the pieces must join to the text."""


class StreamAccumulator(Protocol):
    """Builds the message from stream events fed one at a time, checking their order."""

    done: bool

    def feed(self, event: dict[str, Any]) -> None:
        """Take the next event; raise :class:`~.stream.StreamProtocolError` when it is out of place."""
        ...

    @property
    def message(self) -> dict[str, Any]:
        """The accumulated message (raises when the stream is incomplete)."""
        ...


class StreamCodec(Protocol):
    """The two directions between an endpoint's message and its stream events."""

    def to_events(self, message: dict[str, Any], *, split_text: Splitter, split_json: Splitter,
                  dialect: str) -> list[dict[str, Any]]:
        """The events that stream ``message`` in ``dialect``."""
        ...

    def accumulator(self, dialect: str) -> StreamAccumulator:
        """A fresh accumulator for a stream in ``dialect``."""
        ...

    def argument_delta(self, event: dict[str, Any]) -> object | None:
        """When ``event`` carries a piece of a tool call's argument JSON: a key naming that call
        (the same for every piece of it); else None."""
        ...

    def error_event(self, message: str) -> dict[str, Any] | None:
        """The event that reports an upstream failure mid-stream, when the endpoint has one."""
        ...


D = TypeVar("D", bound=str)


def check_dialect(name: str, dialects: tuple[D, ...]) -> D:
    """``name`` when it is one of ``dialects``; else a :class:`ValueError` naming it and listing them."""
    for dialect in dialects:
        if dialect == name:
            return dialect
    raise ValueError(f"dialect={name!r}: expected one of {', '.join(dialects)}")


class Encoder(Protocol):
    """Turns a message into its stream events, cutting texts and argument JSON with the splitters."""

    def __call__(self, message: dict[str, Any], /, *, split_text: Splitter,
                 split_json: Splitter) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class UniformCodec:
    """A :class:`StreamCodec` whose dialects all stream alike and that has no error event (a
    failure cuts the stream): an endpoint passes in what differs, its ``dialects``, its
    ``encode``, its ``new_accumulator`` and its ``argument_key`` (:meth:`StreamCodec.argument_delta`)."""

    dialects: tuple[str, ...]
    encode: Encoder
    new_accumulator: Callable[[], StreamAccumulator]
    argument_key: Callable[[dict[str, Any]], object | None]

    def to_events(self, message: dict[str, Any], *, split_text: Splitter, split_json: Splitter,
                  dialect: str) -> list[dict[str, Any]]:
        """The events of ``message`` (``dialect`` must be one of :attr:`dialects`)."""
        check_dialect(dialect, self.dialects)
        return self.encode(message, split_text=split_text, split_json=split_json)

    def accumulator(self, dialect: str) -> StreamAccumulator:
        """A fresh accumulator (``dialect`` must be one of :attr:`dialects`)."""
        check_dialect(dialect, self.dialects)
        return self.new_accumulator()

    def argument_delta(self, event: dict[str, Any]) -> object | None:
        """:attr:`argument_key` of ``event``."""
        return self.argument_key(event)

    def error_event(self, message: str) -> dict[str, Any] | None:
        """None: the stream has no error event."""
        return None


class UnknownEndpointError(ContractError, KeyError):
    """No endpoint of that name is registered."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True, eq=False)
class Endpoint:
    """One endpoint of the Control API (see the module docstring).

    ``request``/``response``/``event``/``error`` name documents of :mod:`.registry`;
    ``dialects`` lists the stream dialects, the first being the default.
    """

    name: str
    path: str
    request: str
    response: str
    event: str
    error: str
    sse: SSEFormat
    dialects: tuple[str, ...]
    codec: StreamCodec
    session_from_history: Callable[[dict[str, Any]], str | None]
    starts_turn: Callable[[dict[str, Any]], bool]
    complete_message: Callable[[dict[str, Any], str, str], dict[str, Any]]
    """``complete_message(partial, stub_id, session)``: a stub's partial message with every field
    the response document requires filled in, tool ids embedding ``session``."""
    endpoint_types: tuple[str, ...] = ENDPOINT_TYPES
    providers: tuple[str, ...] = PROVIDERS
    summary: str = ""
    """One line saying what the endpoint does (the ``summary`` of its OpenAPI operations); empty:
    ``Call the <name> endpoint``."""
    operation: str = ""
    """The ``operationId`` of its OpenAPI operation without a provider segment (the other one adds
    ``WithProvider``); empty: ``create`` and the name in camel case (``echo`` -> ``createEcho``)."""
    stream_order: str = ""
    """The order of the stream's events in words (the OpenAPI export's stream description); each
    event is a document :attr:`event`, and the framing follows :attr:`sse`."""
    tool_calls: ToolCallFormat | None = None
    """How the endpoint writes tool calls and results (:mod:`.tool_calls`); None: it has none (the
    mock then enforces no policy on its answers)."""

    @property
    def operation_id(self) -> str:
        """:attr:`operation`, or the one derived from the name."""
        words = [w for w in re.split(r"[^A-Za-z0-9]+", self.name) if w]
        return self.operation or "create" + "".join(w[:1].upper() + w[1:] for w in words)

    @property
    def operation_summary(self) -> str:
        """:attr:`summary`, or the one derived from the name."""
        return self.summary or f"Call the {self.name} endpoint"

    def route_path(self, endpoint_type: str, provider: str | None = None) -> str:
        """The path of one route: ``/control/{endpoint_type}[/{provider}]`` + :attr:`path`."""
        middle = f"{endpoint_type}/{provider}" if provider else endpoint_type
        return f"/control/{middle}{self.path}"

    def routes(self) -> Iterator[tuple[str, str | None, str]]:
        """Every route as ``(endpoint_type, provider, path)``: each type without a provider, then with each."""
        for endpoint_type in self.endpoint_types:
            for provider in (None, *self.providers):
                yield endpoint_type, provider, self.route_path(endpoint_type, provider)

    def __repr__(self) -> str:
        return f"Endpoint({self.name!r}, path={self.path!r})"


STUB_MODEL = "mock-stub"
"""The ``model`` a stub's message gets when it names none."""
STUB_CREATED = 1_700_000_000
"""The creation time a stub's message gets when it names none (fixed: stubs replay alike)."""


def stub_uuid(stub_id: str, index: int | None = None) -> uuid.UUID:
    """A UUID stable per stub (and per part ``index`` of it), for the ids :attr:`Endpoint.complete_message`
    fills in: a stub replays alike."""
    return uuid.uuid5(uuid.NAMESPACE_URL, stub_id if index is None else f"{stub_id}:{index}")


def stub_tokens(value: object) -> int:
    """The output tokens of a stub's message that names no usage: a quarter of the characters of
    ``value`` (its content) as JSON, at least 1."""
    return max(1, (len(json.dumps(value, ensure_ascii=False)) + 3) // 4)


ENDPOINTS: dict[str, Endpoint] = {}
"""Every registered endpoint by name, in registration order."""


def register_endpoint(endpoint: Endpoint) -> Endpoint:
    """Add ``endpoint`` to :data:`ENDPOINTS`; refuses a second endpoint of the same name or path."""
    if not isinstance(endpoint, Endpoint):
        raise TypeError(f"endpoint={endpoint!r}: expected an Endpoint")
    if not endpoint.path.startswith("/"):
        raise ValueError(f"endpoint.path={endpoint.path!r}: expected a path starting with '/', e.g. '/v1/messages'")
    for known in ENDPOINTS.values():
        if known.name == endpoint.name or known.path == endpoint.path:
            raise ValueError(f"endpoint {endpoint.name!r} at {endpoint.path}: {known!r} is registered already")
    ENDPOINTS[endpoint.name] = endpoint
    return endpoint


def unregister_endpoint(name: str) -> None:
    """Remove the endpoint ``name`` (for tests that register their own)."""
    ENDPOINTS.pop(name, None)


def get_endpoint(name: str) -> Endpoint:
    """The endpoint called ``name``; :class:`UnknownEndpointError` listing the known ones otherwise."""
    try:
        return ENDPOINTS[name]
    except (KeyError, TypeError):
        raise UnknownEndpointError(f"endpoint={name!r}: expected one of {', '.join(ENDPOINTS)}") from None
