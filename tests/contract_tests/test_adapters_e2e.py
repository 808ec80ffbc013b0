"""Every built-in adapter against the real mock server: create, stream, sessions, errors.

Where a real client breaks the contract the test states the contract and is marked
``xfail(strict=True)`` with the finding (docs/client-findings.md): the day the
client is fixed the test passes, fails as XPASS, and the finding can go.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from client_helpers import run

from sequrity_contract import schemas
from sequrity_contract.contract_tests.adapters import AdapterError, AsyncAdapter, SequrityOptions, as_async, get_adapter
from sequrity_contract.contract_tests.client import drop_nulls
from sequrity_contract.mockserver import MockServer

ADAPTERS = ["reference", "raw", "sequrity", "sequrity-async", "anthropic"]
KEY = "sq-good"
REQUEST = {"model": "mock-model", "max_tokens": 512, "messages": [{"role": "user", "content": "Hello there"}]}


def finding(text: str, raises: type[Exception] = AssertionError) -> pytest.MarkDecorator:
    """A known contract break of a real client (see docs/client-findings.md)."""
    return pytest.mark.xfail(strict=True, raises=raises, reason=f"finding: {text}")


def adapters_with(raises: type[Exception] = AssertionError, **findings: str) -> list[Any]:
    """The adapter names, those in ``findings`` (``sequrity_async`` for ``sequrity-async``)
    xfailed: they fail with ``raises`` for the reason given."""
    return [pytest.param(name, marks=finding(findings[name.replace("-", "_")], raises))
            if name.replace("-", "_") in findings else name for name in ADAPTERS]


SCHEMA_ALIAS = "output_config.format.schema is sent as `schema_` (model_dump without by_alias): HTTP 400"
THRESHOLD = "FeaturesHeader adds the default `threshold: 0.5` to every classifier"
EXTRA_DROPPED = "the response models ignore fields they do not define (here a top-level `x_vendor`)"
REDACTED_DATA = "RedactedThinkingBlockStart drops `data` from content_block_start"
NO_ERROR_TYPE = "SequrityAPIError has no error type (only status_code and message)"
STOP_DETAILS = "get_final_message() adds `stop_details: null`"


@pytest.fixture(scope="module")
def server():
    with MockServer(seed=11, api_keys=(KEY,)) as running:
        yield running


@pytest.fixture
def mock(server):
    server.clear()
    return server


def using(name: str, body: Callable[[AsyncAdapter], Awaitable[Any]]) -> Any:
    """Run ``body`` with a fresh adapter ``name``, closing it afterwards."""
    async def go() -> Any:
        adapter = as_async(get_adapter(name))
        try:
            return await body(adapter)
        finally:
            await adapter.close()

    return run(go())


class Fixed:
    """A responder that answers every request with one given message."""

    cacheable = False

    def __init__(self, message: dict[str, Any]) -> None:
        self.message = message

    async def respond(self, context: Any) -> dict[str, Any]:
        return json.loads(json.dumps(self.message))


# -- create and stream -----------------------------------------------------------------------

@pytest.mark.parametrize("name", ADAPTERS)
def test_create_returns_a_valid_message_for_the_request_as_sent(mock, name):
    options = SequrityOptions(mock.url, KEY, features={"agent_arch": "dual-llm"}, headers={"X-Trace": "t-1"})
    message = using(name, lambda adapter: adapter.send(REQUEST, options))
    [entry] = mock.requests
    assert entry["status"] == 200 and entry["path"] == "/control/chat/v1/messages"
    assert entry["body"] == REQUEST
    assert json.loads(entry["headers"]["X-Features"]) == {"agent_arch": "dual-llm"}
    assert entry["headers"]["X-Trace"] == "t-1"
    assert schemas.check("response", message, request=REQUEST) == []


@pytest.mark.parametrize("name", adapters_with(anthropic=STOP_DETAILS))
def test_stream_returns_the_events_sent_and_their_accumulation(mock, name):
    options = SequrityOptions(mock.url, KEY, provider="anthropic", endpoint_type="code")
    result = using(name, lambda adapter: adapter.stream(REQUEST, options))
    [entry] = mock.requests
    assert entry["path"] == "/control/code/anthropic/v1/messages"
    assert entry["body"] == {**REQUEST, "stream": True}
    assert result.events == entry["events"]
    assert result.message == schemas.accumulate(entry["events"])


@pytest.mark.parametrize("name", adapters_with(
    anthropic="the SDK sends null fields as null instead of dropping them"))
def test_null_fields_are_dropped_from_the_body(mock, name):
    request = {**REQUEST, "temperature": None, "top_p": None, "system": None}
    options = SequrityOptions(mock.url, KEY)
    using(name, lambda adapter: adapter.send(request, options))
    assert mock.requests[0]["body"] == drop_nulls(request)


@pytest.mark.parametrize("name", adapters_with(AdapterError, sequrity=SCHEMA_ALIAS,
                                               sequrity_async=SCHEMA_ALIAS))
def test_an_output_format_reaches_the_server(mock, name):
    request = {**REQUEST, "output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}}}
    options = SequrityOptions(mock.url, KEY)
    using(name, lambda adapter: adapter.send(request, options))
    assert mock.requests[0]["body"] == request


@pytest.mark.parametrize("name", adapters_with(sequrity=THRESHOLD, sequrity_async=THRESHOLD))
def test_configuration_headers_reach_the_server_as_given(mock, name):
    features = {"agent_arch": "dual-llm", "content_classifiers": [{"name": "pii_redaction"}]}
    policy, config = {"mode": "strict"}, {"fsm": {"max_n_turns": 3}}
    options = SequrityOptions(mock.url, KEY, features=features, policy=policy, config=config)
    using(name, lambda adapter: adapter.send(REQUEST, options))
    headers = mock.requests[0]["headers"]
    sent = [json.loads(headers[h]) for h in ("X-Features", "X-Policy", "X-Config")]
    assert sent == [features, policy, config]


# -- what the client keeps of an answer ------------------------------------------------------

RICH = {
    "id": "msg_rich", "type": "message", "role": "assistant", "model": "mock-model",
    "stop_reason": "tool_use", "stop_sequence": None, "x_vendor": "kept?",
    "content": [
        {"type": "text", "text": "cited", "citations": [{"type": "char_location", "cited_text": "c",
                                                         "document_index": 0, "start_char_index": 0,
                                                         "end_char_index": 1}]},
        {"type": "thinking", "text": "let me think"},
        {"type": "redacted_thinking", "data": "opaque"},
        {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"q": None, "n": [1, {"m": None}]}},
    ],
    "usage": {"input_tokens": 3, "output_tokens": 4, "cache_read_input_tokens": 1},
}


@pytest.fixture(scope="module")
def rich_server():
    with MockServer(api_keys=(KEY,), responder=Fixed(RICH)) as running:
        yield running


@pytest.mark.parametrize("name", adapters_with(sequrity=EXTRA_DROPPED,
                                               sequrity_async=EXTRA_DROPPED))
def test_create_keeps_every_field_of_the_answer(rich_server, name):
    options = SequrityOptions(rich_server.url, KEY)
    assert using(name, lambda adapter: adapter.send(REQUEST, options)) == RICH


@pytest.mark.parametrize("name", adapters_with(
    sequrity=REDACTED_DATA, sequrity_async=REDACTED_DATA,
    anthropic="get_final_message() gives thinking{thinking, signature}, not thinking{text}; "
              "and adds `stop_details: null`"))
def test_a_streamed_answer_accumulates_to_the_message(rich_server, name):
    options = SequrityOptions(rich_server.url, KEY)
    result = using(name, lambda adapter: adapter.stream(REQUEST, options))
    assert result.message == RICH


# -- sessions --------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ADAPTERS)
def test_the_next_request_carries_the_session_of_the_last_answer(mock, name):
    options = SequrityOptions(mock.url, KEY)

    async def body(adapter: AsyncAdapter) -> None:
        await adapter.send(REQUEST, options)
        await adapter.stream(REQUEST, options)
        await adapter.send(REQUEST, options)

    using(name, body)
    first, second, third = mock.requests
    assert "X-Session-ID" not in first["headers"]
    assert second["headers"]["X-Session-ID"] == first["session_id"]
    assert third["headers"]["X-Session-ID"] == first["session_id"] == third["session_id"]


@pytest.mark.parametrize("name", ADAPTERS)
def test_an_explicit_session_wins_and_reset_starts_a_new_one(mock, name):
    chosen = str(uuid.uuid4())

    async def body(adapter: AsyncAdapter) -> None:
        await adapter.send(REQUEST, SequrityOptions(mock.url, KEY))
        await adapter.send(REQUEST, SequrityOptions(mock.url, KEY, session_id=chosen))
        await adapter.reset_session()
        await adapter.send(REQUEST, SequrityOptions(mock.url, KEY))

    using(name, body)
    first, explicit, after_reset = mock.requests
    assert explicit["headers"]["X-Session-ID"] == chosen == explicit["session_id"]
    assert "X-Session-ID" not in after_reset["headers"]
    assert after_reset["session_id"] not in (first["session_id"], chosen)


# -- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("streaming", [False, True], ids=["create", "stream"])
@pytest.mark.parametrize("name", adapters_with(sequrity=NO_ERROR_TYPE,
                                               sequrity_async=NO_ERROR_TYPE))
def test_a_wrong_key_is_a_401_with_the_servers_message_and_type(mock, name, streaming):
    options = SequrityOptions(mock.url, "sq-wrong")

    async def body(adapter: AsyncAdapter) -> None:
        await (adapter.stream(REQUEST, options) if streaming else adapter.send(REQUEST, options))

    with pytest.raises(AdapterError) as caught:
        using(name, body)
    [entry] = mock.requests
    assert (caught.value.status, caught.value.kind) == (401, "status")
    assert caught.value.message == entry["error"]
    assert caught.value.error_type == "authentication_error"


@pytest.mark.parametrize("name", ADAPTERS)
def test_an_invalid_body_is_a_400_naming_the_field(mock, name):
    options = SequrityOptions(mock.url, KEY)
    with pytest.raises(AdapterError) as caught:
        using(name, lambda adapter: adapter.send({**REQUEST, "max_tokens": 0}, options))
    assert caught.value.status == 400
    assert "max_tokens" in caught.value.message
