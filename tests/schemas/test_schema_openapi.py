"""The OpenAPI 3.1 export: a valid document (checked by openapi-spec-validator), every
reference resolvable, the routes, headers and responses of docs/contract.md §1, §2 and §8, and
request bodies validated by the schemas it carries."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from schema_examples import INVALID_REQUESTS, VALID_REQUESTS, VALID_RESPONSES

from sequrity_contract.schemas import (
    CHAT_PROVIDERS,
    ENDPOINT_TYPES,
    ENDPOINTS,
    ERROR_TYPES,
    JSON_ROUTES,
    PROVIDERS,
    is_valid,
    load,
    rules_for,
)
from sequrity_contract.schemas.openapi import bundle, openapi_document

MESSAGES_WITH_PROVIDER = "/control/{endpoint_type}/{provider}/v1/messages"
MESSAGES_DEFAULT = "/control/{endpoint_type}/v1/messages"
CHAT_WITH_PROVIDER = "/control/{endpoint_type}/{provider}/v1/chat/completions"
CHAT_DEFAULT = "/control/{endpoint_type}/v1/chat/completions"
RESPONSES_WITH_PROVIDER = "/control/{endpoint_type}/{provider}/v1/responses"
RESPONSES_DEFAULT = "/control/{endpoint_type}/v1/responses"


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return openapi_document()


def test_openapi_spec_validator_accepts_the_document(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate_openapi(document)


def _drop_response_description(document: dict[str, Any]) -> None:
    del document["paths"][MESSAGES_DEFAULT]["post"]["responses"]["200"]["description"]


def _bad_schema_type(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["ErrorDetail"]["properties"]["message"]["type"] = "text"


def _path_parameter_not_required(document: dict[str, Any]) -> None:
    document["paths"][MESSAGES_DEFAULT]["post"]["parameters"][0]["required"] = False


@pytest.mark.parametrize(
    "breakage", [_drop_response_description, _bad_schema_type, _path_parameter_not_required]
)
def test_openapi_spec_validator_would_notice_a_broken_document(
    document: dict[str, Any], breakage: Any
) -> None:
    broken = copy.deepcopy(document)
    breakage(broken)
    with pytest.raises(OpenAPIValidationError):
        validate_openapi(broken)


def _refs(node: Any) -> list[str]:
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    if not isinstance(node, dict):
        return []
    found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
    if isinstance(node.get("discriminator"), dict):
        found += list(node["discriminator"].get("mapping", {}).values())
    for key, value in node.items():
        if key not in ("const", "enum", "default", "examples"):
            found += _refs(value)
    return found


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref} is not local to the document"
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_every_reference_and_discriminator_mapping_resolves(document: dict[str, Any]) -> None:
    refs = _refs(document)
    assert len(refs) > 50
    for ref in refs:
        assert isinstance(_resolve(document, ref), dict), ref


def test_components_hold_every_document_and_definition(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    for name in ("request", "response", "event", "error", "x-features", "x-policy", "x-config"):
        schema = load(name)
        assert schema["title"] in components
        assert set(schema.get("$defs", {})) <= set(components)
    assert not any("$id" in c or "$defs" in c for c in components.values())


JSON_ROUTE_PATHS = {"/control/v1/validate-headers", "/control/policy-gen/{provider}/v1/generate",
                    "/control/policy-gen/v1/generate"}


def test_each_json_route_is_an_operation_with_its_documents(document: dict[str, Any]) -> None:
    operation = document["paths"]["/control/v1/validate-headers"]["post"]
    assert operation["operationId"] == "validateHeaders"
    assert operation["security"] == []  # no key, as the service
    components = document["components"]["schemas"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ValidateHeadersRequest"}
    assert set(components["ValidateHeadersRequest"]["properties"]) == {"x_features", "x_policy", "x_config"}
    generate = document["paths"]["/control/policy-gen/{provider}/v1/generate"]["post"]
    assert "security" not in generate and "401" in generate["responses"]  # the bearer key, as for messages
    assert set(components["PolicyGenRequest"]["discriminator"]["mapping"]) == {
        "oai_chat_completion", "openrouter_chat_completion", "anthropic_messages",
        "sequrity_azure_chat_completion", "sequrity_azure_responses"}


def test_the_messages_routes_have_enumerated_path_parameters(document: dict[str, Any]) -> None:
    assert set(document["paths"]) == {MESSAGES_WITH_PROVIDER, MESSAGES_DEFAULT, CHAT_WITH_PROVIDER, CHAT_DEFAULT,
                                      RESPONSES_WITH_PROVIDER, RESPONSES_DEFAULT, "/control/health", *JSON_ROUTE_PATHS}
    with_provider = {p["name"]: p for p in document["paths"][MESSAGES_WITH_PROVIDER]["post"]["parameters"]}
    default = {p["name"]: p for p in document["paths"][MESSAGES_DEFAULT]["post"]["parameters"]}
    assert (
        with_provider["endpoint_type"]["schema"]["enum"]
        == list(ENDPOINT_TYPES)
        == [
            "chat",
            "code",
            "agent",
            "lang-graph",
        ]
    )
    assert {"openai", "openrouter", "anthropic", "sequrity_azure"} <= set(PROVIDERS)
    assert with_provider["provider"]["schema"]["enum"] == list(PROVIDERS)
    assert "provider" not in default
    assert "get" in document["paths"]["/control/health"]


@pytest.mark.parametrize("path", [MESSAGES_WITH_PROVIDER, MESSAGES_DEFAULT, CHAT_WITH_PROVIDER, CHAT_DEFAULT,
                                  RESPONSES_WITH_PROVIDER, RESPONSES_DEFAULT])
def test_an_operation_documents_headers_security_and_responses(
    document: dict[str, Any], path: str
) -> None:
    operation = document["paths"][path]["post"]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert set(headers) == {"X-Api-Key", "X-Features", "X-Policy", "X-Config", "X-Session-ID"}
    assert not any(h["required"] for h in headers.values())
    for header, title in (
        ("X-Features", "XFeaturesHeader"),
        ("X-Policy", "XPolicyHeader"),
        ("X-Config", "XConfigHeader"),
    ):
        assert headers[header]["content"]["application/json"]["schema"] == {
            "$ref": f"#/components/schemas/{title}"
        }
    assert document["security"] == [{"bearer": []}]
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "the Sequrity API key",
    }
    ok = operation["responses"]["200"]
    assert set(ok["content"]) == {"application/json", "text/event-stream"}
    assert "X-Session-ID" in ok["headers"]
    event = ("ChatCompletionChunk" if "chat/completions" in path
             else "OpenAiResponseStreamEvent" if "responses" in path else "StreamEvent")
    assert ok["content"]["text/event-stream"]["x-event-schema"] == {"$ref": f"#/components/schemas/{event}"}
    errors = {int(s) for s in operation["responses"] if s != "200"}
    assert set(ERROR_TYPES) == {400, 401, 403, 404, 413, 429, 500, 529}
    assert errors == set(ERROR_TYPES) | {405, 408}  # 405: another method; 408: a body that does not arrive
    for status in errors:
        body = operation["responses"][str(status)]["content"]["application/json"]["schema"]
        assert body == {"$ref": "#/components/schemas/ErrorBody"}
    assert "retry-after" in operation["responses"]["429"]["headers"]


def _validator_in(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for ``schema`` (a local ``$ref`` taken from ``document``) resolved inside ``document``."""
    uri = "urn:sequrity:openapi"
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    return Draft202012Validator(
        {"$ref": uri + schema["$ref"]}, registry=Registry().with_resource(uri, resource)
    )


@pytest.mark.parametrize("example", list(VALID_REQUESTS), ids=list(VALID_REQUESTS))
def test_the_request_body_schema_from_the_document_accepts_a_valid_request(
    document: dict[str, Any], example: str
) -> None:
    body_schema = document["paths"][MESSAGES_DEFAULT]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert _validator_in(document, body_schema).is_valid(VALID_REQUESTS[example])


@pytest.mark.parametrize("example", list(INVALID_REQUESTS), ids=list(INVALID_REQUESTS))
def test_the_request_body_schema_from_the_document_refuses_an_invalid_request(
    document: dict[str, Any], example: str
) -> None:
    body_schema = document["paths"][MESSAGES_DEFAULT]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ]
    assert not _validator_in(document, body_schema).is_valid(INVALID_REQUESTS[example])


def test_the_response_schema_from_the_document_accepts_valid_responses(document: dict[str, Any]) -> None:
    content = document["paths"][MESSAGES_DEFAULT]["post"]["responses"]["200"]["content"]
    validator = _validator_in(document, content["application/json"]["schema"])
    for response in VALID_RESPONSES.values():
        assert validator.is_valid(response)
    assert not validator.is_valid({**VALID_RESPONSES["text"], "role": "user"})


@pytest.mark.parametrize("name", ["request", "response", "event", "event.message_delta", "x-config",
                                  "responses.request", "responses.event"])
def test_a_bundle_is_self_contained_and_validates_like_the_document(name: str) -> None:
    bundled = bundle(name)
    assert all(ref.startswith("#/$defs/") for ref in _refs(bundled))
    validator = Draft202012Validator(bundled)
    for example in [*VALID_REQUESTS.values(), *INVALID_REQUESTS.values(), *VALID_RESPONSES.values()]:
        assert validator.is_valid(example) == is_valid(name, example)


def test_bundle_refuses_an_unknown_name() -> None:
    with pytest.raises(KeyError, match="unknown schema name='nope'"):
        bundle("nope")


def test_sequrity_mock_openapi_prints_the_document(document: dict[str, Any]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sequrity_contract", "openapi"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout) == document


def test_the_export_states_the_constraints_the_server_enforces(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    request = schemas["AnthropicMessageRequest"]["properties"]
    assert request["messages"]["minItems"] == 1
    assert request["messages"]["prefixItems"][0]["allOf"][1] == {"properties": {"role": {"const": "user"}}}
    assert request["max_tokens"]["minimum"] == 1
    assert {"type": "number", "minimum": 0, "maximum": 1} in request["temperature"]["anyOf"]
    assert schemas["ThinkingConfigEnabledParam"]["properties"]["budget_tokens"]["minimum"] == 1024
    for member in ("TextBlockParam", "ToolResultBlockParam", "ToolChoiceAutoParam", "URLImageSourceParam"):
        assert "type" in schemas[member]["required"]
    # the contract documents themselves are left as published
    assert "minItems" not in load("request")["properties"]["messages"]


def test_the_export_lists_the_rules_it_cannot_express(document: dict[str, Any]) -> None:
    operation = document["paths"][MESSAGES_DEFAULT]["post"]
    listed = [rule["name"] for rule in operation["x-semantic-rules"]]
    assert listed == ["alternating_roles", "tool_result_answers_tool_use", "thinking_budget",
                      "tool_choice_names_offered_tool"]
    for name in listed:
        assert name in operation["requestBody"]["description"]


def test_the_chat_routes_have_their_own_providers_and_a_data_only_stream(document: dict[str, Any]) -> None:
    operation = document["paths"][CHAT_WITH_PROVIDER]["post"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["provider"]["schema"]["enum"] == ["openai", "openrouter", "sequrity_azure"]
    assert parameters["endpoint_type"]["schema"]["enum"] == list(ENDPOINT_TYPES)
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ChatCompletionResponse"}
    stream = content["text/event-stream"]
    assert stream["schema"]["required"] == ["data"] and "[DONE]" in stream["schema"]["description"]
    assert stream["x-event-schema"] == {"$ref": "#/components/schemas/ChatCompletionChunk"}
    request = document["components"]["schemas"]["ChatCompletionRequest"]["properties"]
    assert request["messages"]["minItems"] == 1
    assert {"type": "number", "minimum": 0, "maximum": 2} in request["temperature"]["anyOf"]
    assert {"type": "integer", "minimum": 1} in request["max_completion_tokens"]["anyOf"]
    assert [rule["name"] for rule in operation["x-semantic-rules"]] == [
        "assistant_content_or_tool_calls", "tool_message_answers_tool_call", "chat_tool_choice_names_offered_tool"]


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in document["paths"].values() for op in item.values()}


def test_every_registered_endpoint_and_json_route_has_its_operations(document: dict[str, Any]) -> None:
    operations = _operations(document)
    components = document["components"]["schemas"]
    assert {"createMessage", "createChatCompletion", "createResponse"} <= set(operations)
    for endpoint in ENDPOINTS.values():
        for path, operation_id in ((f"/control/{{endpoint_type}}{endpoint.path}", endpoint.operation_id),
                                   (f"/control/{{endpoint_type}}/{{provider}}{endpoint.path}",
                                    endpoint.operation_id + "WithProvider")):
            operation = document["paths"][path]["post"]
            assert operation is operations[operation_id] and operation["tags"] == ["endpoint"]
            ok = operation["responses"]["200"]["content"]
            for ref, name in ((operation["requestBody"]["content"]["application/json"]["schema"], endpoint.request),
                              (ok["application/json"]["schema"], endpoint.response),
                              (ok["text/event-stream"]["x-event-schema"], endpoint.event)):
                assert _resolve(document, ref["$ref"]) is components[load(name)["title"]]
    for route in JSON_ROUTES.values():
        paths = {route.path, route.path.replace("/{provider}", "")}
        for path in paths:
            assert document["paths"][path]["post"]["tags"] == ["json-route"]
            assert document["paths"][path]["post"]["summary"] == route.summary


def test_the_responses_routes_have_a_typed_event_stream(document: dict[str, Any]) -> None:
    operation = document["paths"][RESPONSES_WITH_PROVIDER]["post"]
    assert operation["operationId"] == "createResponseWithProvider"
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["provider"]["schema"]["enum"] == list(CHAT_PROVIDERS)
    content = operation["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/ResponsesResponse"}
    stream = content["text/event-stream"]["schema"]
    assert stream["required"] == ["event", "data"] and "[DONE]" not in stream["description"]
    assert stream["properties"]["data"]["contentSchema"] == {"$ref": "#/components/schemas/OpenAiResponseStreamEvent"}
    events = document["components"]["schemas"]["OpenAiResponseStreamEvent"]
    mapping = events["discriminator"]["mapping"]
    assert {"response.created", "response.output_text.delta", "response.function_call_arguments.delta",
            "response.completed"} <= set(mapping)
    for ref in mapping.values():
        assert _resolve(document, ref)["properties"]["sequence_number"] == {"type": "integer"}
    request = document["components"]["schemas"]["ResponsesRequest"]["properties"]
    assert {"type": "number", "minimum": 0, "maximum": 2} in request["temperature"]["anyOf"]
    listed = [rule["name"] for rule in operation["x-semantic-rules"]]
    assert listed == [r.name for r in rules_for("responses.request") if r.name != "responses_temperature_range"]
    assert "responses_input_items_known" in listed


def test_a_definition_name_two_documents_share_is_told_apart(document: dict[str, Any]) -> None:
    components = document["components"]["schemas"]
    # both the messages request and the responses request define a MessageParam
    assert components["MessageParam"]["properties"]["role"]["enum"] == ["user", "assistant"]
    qualified = components["ResponsesRequest.MessageParam"]
    assert qualified["properties"]["role"]["enum"] == ["user", "system", "developer"]
    assert '"#/components/schemas/ResponsesRequest.MessageParam"' in json.dumps(components["ResponsesRequest"])


@pytest.mark.parametrize("example", [
    {"model": "m", "input": "hi"},
    {"model": "m", "input": [{"role": "user", "content": "hi"}], "temperature": 1.5, "stream": True},
    {"model": "m", "input": "hi", "temperature": 2.5},
    {"input": "hi"},
])
def test_the_responses_request_schema_from_the_document_agrees_with_the_schema_and_temperature(
    document: dict[str, Any], example: dict[str, Any]
) -> None:
    body_schema = document["paths"][RESPONSES_DEFAULT]["post"]["requestBody"]["content"]["application/json"]["schema"]
    in_range = not 0 <= example.get("temperature", 0) <= 2
    assert _validator_in(document, body_schema).is_valid(example) == (is_valid("responses.request", example)
                                                                       and not in_range)
