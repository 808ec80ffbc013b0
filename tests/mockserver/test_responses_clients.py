"""The official ``sequrity`` client (``client.control.responses.create``) and the OpenAI Python SDK
(``client.responses.create``), unchanged, against the real mock server on the responses routes:
plain and streamed answers the published models read, a function-tool round trip, the session
carried, dual-LLM documents, lang-graph programs, and 400s that name the field."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from openai import BadRequestError, OpenAI
from sequrity import SequrityClient
from sequrity._exceptions import SequrityAPIError
from sequrity.control.types.dual_llm_response import ResponseContentJsonSchema
from sequrity.control.types.headers import FeaturesHeader
from sequrity.types.responses.response import FunctionToolCall, ResponsesResponse

from sequrity_contract.mockserver import MockServer
from sequrity_contract.schemas import ENDPOINTS, check
from sequrity_contract.schemas.responses import accumulate_events
from sequrity_contract.schemas.sse import parse_events

WEATHER = {"type": "function", "name": "get_weather", "description": "Current weather in a city",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
ROUTE = "/control/chat/openai/v1/responses"


def _official(server: MockServer) -> SequrityClient:
    return SequrityClient(api_key="k", base_url=server.url)


def _openai(server: MockServer) -> OpenAI:
    return OpenAI(api_key="k", base_url=server.url + "/control/chat/openai/v1", max_retries=0)


def _answers_are_valid(server: MockServer) -> None:
    """Every answer the journal holds is a valid response to its request (rules included)."""
    for entry in server.requests:
        assert entry["status"] == 200, entry
        body = entry["body"]
        answer = requests.post(server.url + entry["path"], json={**body, "stream": False},
                               headers={"Authorization": "Bearer k"}, timeout=10).json()
        assert check("responses.response", answer, request=body) == [], answer


def test_the_route_is_served_for_every_endpoint_type_and_provider() -> None:
    endpoint = ENDPOINTS["responses"]
    assert endpoint.path == "/v1/responses"
    assert ("chat", "openai", "/control/chat/openai/v1/responses") in list(endpoint.routes())


def test_the_official_client_gets_a_response_with_its_session(server: MockServer) -> None:
    response = _official(server).control.responses.create(model="gpt-4o", input="Weather in Paris?",
                                                          provider="openai")
    assert isinstance(response, ResponsesResponse) and response.status == "completed"
    assert "Paris" in response.output_text
    assert response.session_id and server.requests[-1]["path"] == ROUTE
    _answers_are_valid(server)


def test_the_official_client_runs_a_function_tool_round_trip(server: MockServer) -> None:
    client = _official(server)
    first = client.control.responses.create(model="gpt-4o", input="Weather in Paris?", tools=[WEATHER],
                                            tool_choice="required")
    (call,) = [item for item in first.output if isinstance(item, FunctionToolCall)]
    assert call.name == "get_weather" and isinstance(json.loads(call.arguments)["city"], str)
    history: list[Any] = [{"role": "user", "content": "Weather in Paris?"},
                          {"type": "function_call", "call_id": call.call_id, "name": call.name,
                           "arguments": call.arguments},
                          {"type": "function_call_output", "call_id": call.call_id, "output": "sunny, 21 C"}]
    second = client.control.responses.create(model="gpt-4o", input=history, tools=[WEATHER])
    assert second.status == "completed" and "sunny" in second.output_text
    assert second.session_id == first.session_id  # the session the call id embeds
    _answers_are_valid(server)


def test_the_official_client_streams_typed_events_that_add_up_to_the_plain_response(server: MockServer) -> None:
    client = _official(server)
    plain = client.control.responses.create(model="gpt-4o", input="Weather in Paris?", tools=[WEATHER],
                                            tool_choice="required")
    stream = client.control.responses.create(model="gpt-4o", input="Weather in Paris?", tools=[WEATHER],
                                             tool_choice="required", stream=True)
    events = [event.model_dump(mode="json") for event in stream]
    assert events[0]["type"] == "response.created" and events[-1]["type"] == "response.completed"
    assert "response.function_call_arguments.delta" in {event["type"] for event in events}
    assert ResponsesResponse.model_validate(accumulate_events(events)) == plain.model_copy(update={"session_id": None})


def test_the_wire_stream_has_event_and_data_lines_and_no_done_line(server: MockServer) -> None:
    answer = requests.post(server.url + ROUTE, json={"model": "m", "input": "hi", "stream": True},
                           headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.headers["Content-Type"].startswith("text/event-stream")
    blocks = [block for block in answer.text.split("\n\n") if block]
    assert all(block.startswith("event: response.") and "\ndata: {" in block for block in blocks)
    assert "[DONE]" not in answer.text
    events = parse_events(answer.text)
    assert [event["sequence_number"] for event in events] == list(range(len(events)))


def test_the_official_client_with_the_dual_llm_features_gets_the_result_document(server: MockServer) -> None:
    response = _official(server).control.responses.create(model="gpt-4o", input="Summarise the report",
                                                          features=FeaturesHeader.dual_llm())
    document = ResponseContentJsonSchema.parse_json_safe(response.output_text)
    assert document.status == "success" and document.final_return_value is not None


def test_the_official_client_reads_a_400_naming_the_field(server: MockServer) -> None:
    with pytest.raises(SequrityAPIError) as refused:
        _official(server).control.responses.create(model="gpt-4o", input="hi", temperature=3)
    assert refused.value.status_code == 400 and "$.temperature" in str(refused.value)


def test_the_openai_sdk_gets_a_response(server: MockServer) -> None:
    response = _openai(server).responses.create(model="gpt-4o", input="Weather in Paris?")
    assert response.status == "completed" and "Paris" in response.output_text
    assert response.usage is not None and response.usage.total_tokens > 0


def test_the_openai_sdk_streams_and_its_events_end_with_the_response(server: MockServer) -> None:
    client = _openai(server)
    plain = client.responses.create(model="gpt-4o", input="Weather in Paris?")
    with client.responses.stream(model="gpt-4o", input="Weather in Paris?") as stream:
        deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == plain.output_text == final.output_text


def test_the_openai_sdk_runs_a_function_tool_round_trip_streamed(server: MockServer) -> None:
    client = _openai(server)
    events = list(client.responses.create(model="gpt-4o", input="Weather in Paris?", tools=[WEATHER],  # type: ignore[list-item]
                                          tool_choice="required", stream=True))
    (call,) = [event.item for event in events if event.type == "response.output_item.done"]
    assert call.type == "function_call"
    second = client.responses.create(model="gpt-4o", tools=[WEATHER], input=[  # type: ignore[list-item]
        {"role": "user", "content": "Weather in Paris?"},
        {"type": "function_call", "call_id": call.call_id, "name": call.name, "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}])
    assert second.output[0].type == "message" and "sunny" in second.output_text


def test_the_openai_sdk_reads_a_400_naming_the_call_id(server: MockServer) -> None:
    with pytest.raises(BadRequestError) as refused:
        _openai(server).responses.create(model="gpt-4o", input=[
            {"type": "function_call_output", "call_id": "call_1", "output": "x"}])
    assert "$.input[0].call_id" in str(refused.value)


def test_max_output_tokens_cuts_the_answer_and_says_so(server: MockServer) -> None:
    response = _openai(server).responses.create(model="gpt-4o", input="Weather in Paris?", max_output_tokens=3)
    assert response.status == "incomplete" and response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.usage is not None and response.usage.output_tokens == 3


def test_a_lang_graph_program_runs_over_responses(server: MockServer) -> None:
    program = "state = initial_state\nr = plan(state=state)\nfinal_return_value = r"
    tool = {"type": "function", "name": "plan", "parameters": {"type": "object"}}
    fields = {"user_provided_program": program,
              "context_vars": {"initial_state": {"value": {"q": 1}, "meta": {"consumers": ["*"]}}}}
    path = "/control/lang-graph/openai/v1/responses"
    first = requests.post(server.url + path, headers={"Authorization": "Bearer k"}, timeout=10,
                          json={"model": "m", "input": "Go.", "tools": [tool], **fields}).json()
    (call,) = first["output"]
    assert call["name"] == "plan" and json.loads(call["arguments"]) == {"state": {"q": 1}}
    last = requests.post(server.url + path, headers={"Authorization": "Bearer k"}, timeout=10, json={
        "model": "m", "tools": [tool], **fields, "input": [
            {"role": "user", "content": "Go."}, {k: call[k] for k in ("type", "call_id", "name", "arguments")},
            {"type": "function_call_output", "call_id": call["call_id"], "output": '{"done": true}'}]}).json()
    document = json.loads(last["output"][0]["content"][0]["text"])
    assert document["status"] == "success" and document["final_return_value"]["value"] == {"done": True}


def test_a_stub_names_the_responses_endpoint_and_fills_in_the_response(server: MockServer) -> None:
    server.stub({"endpoint": "responses", "match": {"body": {"model": "gpt-4o"}},
                 "message": {"output": [{"type": "function_call", "name": "get_weather",
                                         "arguments": {"city": "Oslo"}}]}})
    response = _official(server).control.responses.create(model="gpt-4o", input="Weather?", tools=[WEATHER])
    (call,) = response.output
    assert isinstance(call, FunctionToolCall) and call.arguments == '{"city":"Oslo"}'
    assert call.call_id.startswith(f"tc-{response.session_id}-")
    streamed = list(_official(server).control.responses.create(model="gpt-4o", input="Weather?", tools=[WEATHER],
                                                               stream=True, session_id=response.session_id))
    assert accumulate_events([e.model_dump(mode="json") for e in streamed])["output"][0]["call_id"] == call.call_id
    other = _official(server).control.responses.create(model="gpt-4.1", input="Weather?")
    assert other.output[0].type == "message"  # the stub matches its model only


def test_a_stub_the_responses_documents_refuse_is_refused(server: MockServer) -> None:
    with pytest.raises(ValueError, match=r"\$\.message"):
        server.stub({"endpoint": "responses", "message": {"output": [{"type": "function_call",
                                                                      "arguments": "{not json"}]}})
