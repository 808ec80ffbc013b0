"""The pydantic models are typed views of the JSON Schema documents: their JSON Schemas are
equivalent to the documents (so the two cannot drift), documents round-trip through them
unchanged, and they refuse what the documents refuse."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, ValidationError
from responses_examples import INVALID_REQUESTS as INVALID_RESPONSES_REQUESTS
from responses_examples import INVALID_RESPONSES as INVALID_RESPONSES_RESPONSES
from responses_examples import VALID_REQUESTS as VALID_RESPONSES_REQUESTS
from responses_examples import VALID_RESPONSES as VALID_RESPONSES_RESPONSES
from schema_examples import INVALID_REQUESTS, INVALID_RESPONSES, VALID_REQUESTS, VALID_RESPONSES
from schema_helpers import (
    definitions_of,
    document_uri,
    examples,
    first_difference,
    invalid_instances,
    normalise,
    normalise_document,
    normalise_standalone,
    valid_instances,
)

from sequrity_contract import strategies
from sequrity_contract.schemas import DOCUMENTS, NAMES, is_valid, load, models
from sequrity_contract.schemas.models import DOCUMENT_MODELS, as_document
from sequrity_contract.schemas.registry import registry
from sequrity_contract.schemas.responses import EVENT, REQUEST, RESPONSE

RESPONSES_DOCUMENTS = (REQUEST, RESPONSE, EVENT)
"""The responses endpoint's documents (registered at run time, so not in ``NAMES``)."""
MODELLED = (*NAMES, *RESPONSES_DOCUMENTS)
RENAMED = {(REQUEST, "MessageParam"): "ResponsesMessageParam"}
"""Definitions whose model has another name (the messages request's ``MessageParam`` has theirs)."""


def _document_core(name: str) -> Any:
    schema = {"$ref": document_uri(name)} if name in DOCUMENTS or name in RESPONSES_DOCUMENTS else load(name)
    return normalise(schema, registry().resolver())


def _model_core(model: type[BaseModel]) -> Any:
    return normalise_standalone(model.model_json_schema())


# -- the schemas are equivalent ----------------------------------------------------------------


def test_every_schema_name_has_a_model() -> None:
    assert set(DOCUMENT_MODELS) == set(MODELLED)


@pytest.mark.parametrize("name", MODELLED)
def test_model_json_schema_is_equivalent_to_the_document(name: str) -> None:
    model, document = _model_core(DOCUMENT_MODELS[name]), _document_core(name)
    assert model == document, first_difference(model, document)


DEFINITIONS = [
    (document, definition)
    for document in (*DOCUMENTS, *RESPONSES_DOCUMENTS)
    for definition in definitions_of(document)
]


@pytest.mark.parametrize(("document", "definition"), DEFINITIONS, ids=[f"{d}:{n}" for d, n in DEFINITIONS])
def test_each_definition_has_a_model_of_its_name_with_an_equivalent_schema(
    document: str, definition: str
) -> None:
    name = RENAMED.get((document, definition), definition)
    model = getattr(models, name, None)
    assert isinstance(model, type) and issubclass(model, BaseModel), f"schemas.models has no model {name}"
    ours, theirs = _model_core(model), normalise_document(document, f"/$defs/{definition}")
    assert ours == theirs, first_difference(ours, theirs)


class _TextAsInteger(models.TextBlockParam):
    text: int  # type: ignore[assignment]


class _OtherDefault(models.ThinkingConfigEnabledParam):
    budget_tokens: int = 1024


class _Closed(models.MetadataParam):
    model_config = ConfigDict(extra="forbid")


class _NoDiscriminator(models.AnthropicMessageResponse):
    content: list[models.TextBlock | models.ThinkingBlock]  # type: ignore[assignment]


class _CallIdOptional(models.ResponseFunctionToolCallParam):
    call_id: str | None = None  # type: ignore[assignment]


class _EventWithoutReasoning(models.ResponsesStreamEvent):
    root: models.ResponseCreatedEvent | models.ResponseCompletedEvent  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("drifted", "definition"),
    [
        (_TextAsInteger, "TextBlockParam"),
        (_OtherDefault, "ThinkingConfigEnabledParam"),
        (_Closed, "MetadataParam"),
        (_NoDiscriminator, None),
        (_CallIdOptional, "ResponseFunctionToolCallParam"),
        (_EventWithoutReasoning, None),
    ],
    ids=["type", "default-and-required", "additionalProperties", "union", "responses-required", "responses-union"],
)
def test_the_comparison_notices_a_drifted_model(drifted: type[BaseModel], definition: str | None) -> None:
    document_name = REQUEST if drifted is _CallIdOptional else EVENT if drifted is _EventWithoutReasoning else None
    if definition:
        document = normalise_document(document_name or "request", f"/$defs/{definition}")
    else:
        document = _document_core(document_name or "response")
    assert _model_core(drifted) != document


def test_all_lists_every_public_model_sorted() -> None:
    public = {
        name
        for name, obj in vars(models).items()
        if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__.startswith(models.__name__)
    }
    assert public <= set(models.__all__)
    assert all(hasattr(models, name) for name in models.__all__)
    assert list(models.__all__) == sorted(models.__all__, key=lambda n: (not n.isupper(), n))


# -- documents round-trip ----------------------------------------------------------------------

HEADER_EXAMPLES: dict[str, dict[str, Any]] = {
    "x-features": {
        "agent_arch": "dual-llm",
        "content_classifiers": [
            {"name": "pii_redaction", "threshold": 0.8},
            {"name": "toxicity_filter", "mode": "block"},
        ],
        "content_blockers": [{"name": "url_blocker"}],
    },
    "x-policy": {
        "mode": "custom",
        "codes": {"code": "allow all;", "language": "sqrt"},
        "fail_fast": True,
        "presets": {
            "default_allow": False,
            "branching_meta_policy": {
                "mode": "allow",
                "producers": ["web"],
                "tags": ["untrusted"],
                "consumers": [],
            },
        },
    },
    "x-config": {
        "fsm": {
            "max_n_turns": 5,
            "clear_session_meta": "every_turn",
            "enabled_internal_tools": ["parse_with_ai"],
        },
        "prompt": {"pllm": {"flavor": "terse", "query_role_name_overrides": {"tool": "fn"}}},
        "response_format": {"include_program": True},
        "llm": {"anything": [1, 2]},
    },
    "error": {
        "type": "error",
        "error": {"type": "rate_limit_error", "message": "slow down"},
        "detail": "slow down",
    },
}

EXAMPLES = (
    [("request", k, v) for k, v in VALID_REQUESTS.items()]
    + [("response", k, v) for k, v in VALID_RESPONSES.items()]
    + [(n, n, v) for n, v in HEADER_EXAMPLES.items()]
    + [(REQUEST, f"responses-{k}", v) for k, v in VALID_RESPONSES_REQUESTS.items()]
    + [(RESPONSE, f"responses-{k}", v) for k, v in VALID_RESPONSES_RESPONSES.items()]
)


@pytest.mark.parametrize(
    ("name", "example"), [(n, v) for n, _, v in EXAMPLES], ids=[i for _, i, _ in EXAMPLES]
)
def test_a_hand_written_document_round_trips_through_its_model(name: str, example: dict[str, Any]) -> None:
    assert is_valid(name, example)
    assert as_document(DOCUMENT_MODELS[name].model_validate(example)) == example


BROKEN = (
    [("request", k, v) for k, v in INVALID_REQUESTS.items()]
    + [("response", k, v) for k, v in INVALID_RESPONSES.items()]
    + [(REQUEST, f"responses-{k}", v) for k, v in INVALID_RESPONSES_REQUESTS.items()]
    + [(RESPONSE, f"responses-{k}", v) for k, v in INVALID_RESPONSES_RESPONSES.items()]
)


@pytest.mark.parametrize(("name", "broken"), [(n, v) for n, _, v in BROKEN], ids=[i for _, i, _ in BROKEN])
def test_the_model_refuses_a_document_the_schema_refuses(name: str, broken: Any) -> None:
    assert not is_valid(name, broken)
    with pytest.raises(ValidationError):
        DOCUMENT_MODELS[name].model_validate(broken)


def _missing_tag(error: ValidationError) -> bool:
    """The one way a model may be stricter than its document: a union member without its
    ``type`` tag (the discriminator_tags_present rule refuses those too)."""
    return any(e["type"] == "union_tag_not_found" for e in error.errors())


GENERATED = ("response", "event", "error", "x-features", "x-policy", "x-config", RESPONSE, EVENT)
SLOW_TO_DRAW = [HealthCheck.too_slow, HealthCheck.data_too_large]
"""hypothesis-jsonschema draws the responses documents (large unions) slowly, the more so on a busy machine."""


# responses.response round-trips in test_drawn_responses_documents_round_trip_through_their_models
@pytest.mark.parametrize("name", [name for name in GENERATED if name != RESPONSE])
@settings(max_examples=examples(10), suppress_health_check=SLOW_TO_DRAW)
@given(data=st.data())
def test_a_generated_document_round_trips_through_its_model(name: str, data: st.DataObject) -> None:
    document = data.draw(valid_instances(name), label=name)
    try:
        model = DOCUMENT_MODELS[name].model_validate(document)
    except ValidationError as error:
        assert _missing_tag(error), error
        return
    assert as_document(model) == document


@settings(max_examples=examples(3))
@given(document=valid_instances("request"))
def test_a_generated_request_round_trips_through_its_model(document: dict[str, Any]) -> None:
    try:
        model = models.AnthropicMessageRequest.model_validate(document)
    except ValidationError as error:
        assert _missing_tag(error), error
        return
    assert as_document(model) == document


@pytest.mark.parametrize("name", GENERATED)
@settings(max_examples=examples(10), suppress_health_check=SLOW_TO_DRAW)
@given(data=st.data())
def test_the_model_accepts_exactly_what_the_document_accepts(name: str, data: st.DataObject) -> None:
    instance = data.draw(invalid_instances(name), label="mutated")
    schema_accepts = is_valid(name, instance)
    try:
        DOCUMENT_MODELS[name].model_validate(instance)
    except ValidationError as error:
        assert not schema_accepts or _missing_tag(error), error
    else:
        assert schema_accepts, f"the model accepts what the {name!r} document refuses: {instance!r}"


@settings(max_examples=examples(10), deadline=None)
@given(data=st.data())
def test_drawn_responses_documents_round_trip_through_their_models(data: st.DataObject) -> None:
    """The hand-written responses strategies draw what clients and servers send (input items, calls,
    reasoning, typed events); each document round-trips through its model."""
    request = data.draw(strategies.responses_requests(), label="request")
    response = data.draw(strategies.responses_answers(request), label="response")
    events = data.draw(strategies.responses_events(response), label="events")
    for name, document in [(REQUEST, request), (RESPONSE, response), *((EVENT, event) for event in events)]:
        assert as_document(DOCUMENT_MODELS[name].model_validate(document)) == document, name
