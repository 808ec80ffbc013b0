"""Hypothesis strategies for the Sequrity Messages contract, compiled from the schemas.

>>> from hypothesis import given
>>> from sequrity_contract import schemas, strategies
>>> @given(strategies.requests(stream=True))
... def test_valid(request):
...     assert schemas.check("request", request) == []

Every strategy is lazy: arguments are checked (raising
:class:`InvalidStrategyArgument`, a hypothesis ``InvalidArgument``, naming ``arg=value``) when it is
first drawn from.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy
from jsonschema.exceptions import SchemaError
from jsonschema.validators import validator_for

from sequrity_contract import schemas

from . import compiler, leaves
from .answers import answers_to
from .conversation import draw_history
from .crossings import Crossing, crossings
from .endpoints import ENDPOINT_STRATEGIES, EndpointStrategies, register_strategies, strategies_for
from .errors import InvalidStrategyArgument, StrategyError
from .graphs import Graph, lang_graphs
from .header import header_value
from .invalid import MUTATIONS, InvalidRequest, mutated_requests
from .openai import (
    CHAT_MUTATIONS,
    RESPONSES_MUTATIONS,
    chat_chunks,
    chat_conversations,
    chat_invalid_requests,
    chat_requests,
    chat_responses,
    responses_answers,
    responses_events,
    responses_inputs,
    responses_invalid_requests,
    responses_requests,
)
from .policies import policies, policy_trees
from .request import RequestConstraints, build_request, parse_constraints, session_of
from .response import draw_response
from .stream import draw_events
from .validation import check_choice, check_exchanges, check_session_id, check_type, lazy

__all__ = [
    "CHAT_MUTATIONS",
    "ENDPOINT_STRATEGIES",
    "RESPONSES_MUTATIONS",
    "Crossing",
    "EndpointStrategies",
    "Graph",
    "InvalidRequest",
    "InvalidStrategyArgument",
    "StrategyError",
    "chat_chunks",
    "chat_conversations",
    "chat_invalid_requests",
    "chat_requests",
    "chat_responses",
    "conversations",
    "crossings",
    "from_schema",
    "headers",
    "invalid_requests",
    "lang_graphs",
    "policies",
    "policy_trees",
    "register_strategies",
    "requests",
    "responses",
    "responses_answers",
    "responses_events",
    "responses_inputs",
    "responses_invalid_requests",
    "responses_requests",
    "strategies_for",
    "stream_events",
]


@lazy
def requests(**constraints: Any) -> SearchStrategy[dict[str, Any]]:
    """Valid ``AnthropicMessageRequest`` bodies as a client sends them (nulls dropped).

    Constraints pin or restrict parts: ``model=str``, ``stream=bool``, ``tools=bool``
    (offer tools or not), ``tool_choice="auto"|"any"|"tool"|"none"``,
    ``thinking="enabled"|"disabled"|"adaptive"``, ``system="string"|"list"``,
    ``structured_output=bool``, ``max_exchanges=int`` (assistant/user exchanges after the
    first user turn, default 3).
    """
    return build_request(parse_constraints(constraints))


@lazy
def responses(for_request: dict[str, Any] | None = None, *, session_id: str | None = None
              ) -> SearchStrategy[dict[str, Any]]:
    """Valid ``AnthropicMessageResponse`` bodies answering ``for_request`` (a drawn request
    when None): tool calls only for offered tools with valid inputs, ``stop_reason``
    consistent with content, structured output valid for ``output_config``,
    ``output_tokens`` <= ``max_tokens``. Tool ids embed ``session_id`` (default: the
    session of the request's tool ids, else a drawn UUID).
    """
    return answers_to(for_request, session_id, document="request", what="a valid request",
                      requests=lambda: build_request(RequestConstraints()),
                      session_of=session_of, draw_answer=draw_response)


@lazy
def stream_events(message: dict[str, Any] | None = None, dialect: str = "sequrity"
                  ) -> SearchStrategy[list[dict[str, Any]]]:
    """Well-formed event sequences streaming ``message`` (a drawn response when None), text,
    thinking and tool-input JSON cut at drawn points (empty pieces included);
    ``schemas.accumulate(events, dialect=dialect) == message``."""
    check_choice(dialect, schemas.DIALECTS, "dialect")
    if message is not None:
        check_type(dict, message, "message")
        violations = schemas.check("response", message)
        if violations:
            raise InvalidStrategyArgument(f"message=...: expected a valid response, but {violations[0]}")

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        streamed = message if message is not None else draw(responses())
        return draw_events(draw, streamed, dialect)  # type: ignore[arg-type]

    return build()


@lazy
def conversations(*, tools: list[dict[str, Any]] | None = None, session_id: str | None = None,
                  min_exchanges: int = 0, max_exchanges: int = 3) -> SearchStrategy[list[dict[str, Any]]]:
    """Multi-turn ``messages`` histories following the semantic rules: ``user (assistant
    user)*``, each tool_result answering the tool_use ids of the turn before, ids
    ``tc-<session>-<uuid>``, tool inputs valid for ``tools`` (drawn when None)."""
    if tools is not None:
        check_type(list, tools, "tools")
        for i, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("name"), str) or not isinstance(
                    tool.get("input_schema"), dict):
                raise InvalidStrategyArgument(f"tools[{i}]={tool!r}: expected a dict with 'name' and 'input_schema'")
    check_session_id(session_id)
    check_exchanges(min_exchanges, max_exchanges)

    @st.composite
    def build(draw: st.DrawFn) -> list[dict[str, Any]]:
        offered = tools if tools is not None else (leaves.draw_tools(draw) if draw(st.booleans()) else [])
        session = session_id or draw(leaves.uuids)
        return draw_history(draw, offered, session, max_exchanges, min_exchanges)

    return build()


@lazy
def headers(*, names: Collection[str] = tuple(schemas.HEADER_DOCUMENTS), as_json: bool = False
            ) -> SearchStrategy[dict[str, Any]]:
    """Dicts of configuration headers (a subset of ``names``: ``X-Features``, ``X-Policy``,
    ``X-Config``), each value valid against its schema document: a dict, or with
    ``as_json=True`` the one-line JSON string the client sends."""
    check_type((list, tuple, set, frozenset), names, "names")
    for name in names:
        check_choice(name, tuple(schemas.HEADER_DOCUMENTS), "names")
    check_type(bool, as_json, "as_json")
    return st.fixed_dictionaries({}, optional={n: header_value(n, as_json=as_json) for n in names})


@lazy
def invalid_requests(*, mutations: Collection[str] | None = None) -> SearchStrategy[InvalidRequest]:
    """Requests breaking exactly one rule, as :class:`InvalidRequest` ``(request, rule, path,
    mutation)``: ``schemas.check`` reports ``rule`` at ``path`` first. ``mutations`` limits
    the kinds (names in ``strategies.invalid.MUTATIONS``)."""
    return mutated_requests(mutations, MUTATIONS, build_request(RequestConstraints(max_exchanges=2)))


@lazy
def from_schema(schema: dict[str, Any] | bool) -> SearchStrategy[Any]:
    """Values valid against a user's JSON Schema (tool ``input_schema``, ``output_config``
    formats), compiled once; hypothesis-jsonschema is the reference and the fallback for
    keywords the compiler does not handle."""
    check_type((dict, bool), schema, "schema")
    if isinstance(schema, dict):
        try:
            validator_for(schema).check_schema(schema)
        except SchemaError as exc:
            why = f"schema={schema!r}: expected a valid JSON Schema ({exc.message})"
            raise InvalidStrategyArgument(why) from None
    return compiler.from_schema(schema)


register_strategies(EndpointStrategies(schemas.MESSAGES.name, requests, responses, stream_events))
