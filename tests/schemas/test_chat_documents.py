"""The chat completions documents are the published models' JSON Schemas (sequrity 0.4.2,
``sequrity.types.chat_completion``), structurally, apart from the OpenAI fields the request document
lists under ``x-beyond-published`` (the published model leaves them open: extra keys pass); and the
codec turns a completion into chunks the chunk document accepts and back."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from chat_examples import INVALID_REQUESTS, INVALID_RESPONSES, VALID_REQUESTS, VALID_RESPONSES
from jsonschema import Draft202012Validator
from schema_helpers import first_difference, normalise_document, normalise_standalone

from sequrity_contract.schemas import accumulate_chunks, chunks_of, load, to_chunks, validate

published = pytest.importorskip("sequrity.types.chat_completion", reason="the clients extra installs sequrity")

MODELS = {"chat.request": "request.ChatCompletionRequest", "chat.response": "response.ChatCompletionResponse",
          "chat.chunk": "stream.ChatCompletionChunk"}


def _published_schema(name: str) -> dict[str, Any]:
    import importlib

    module, _, model = MODELS[name].partition(".")
    schema: dict[str, Any] = getattr(importlib.import_module(f"sequrity.types.chat_completion.{module}"),
                                     model).model_json_schema()
    return schema


def _ours_without_extensions(name: str) -> Any:
    ours = normalise_document(name)
    for field in load(name).get("x-beyond-published", []):
        del ours["properties"][field]
    return ours


@pytest.mark.parametrize("name", MODELS)
def test_our_document_is_structurally_the_published_models_schema(name: str) -> None:
    ours, theirs = _ours_without_extensions(name), normalise_standalone(_published_schema(name))
    assert ours == theirs, first_difference(ours, theirs)


def test_the_extensions_are_fields_the_published_request_leaves_open() -> None:
    extensions = load("chat.request")["x-beyond-published"]
    assert extensions and not set(extensions) & set(_published_schema("chat.request")["properties"])


EXAMPLES = ([("chat.request", k, v, True) for k, v in VALID_REQUESTS.items()]
            + [("chat.request", k, v, False) for k, v in INVALID_REQUESTS.items()]
            + [("chat.response", k, v, True) for k, v in VALID_RESPONSES.items()]
            + [("chat.response", k, v, False) for k, v in INVALID_RESPONSES.items()])


@pytest.mark.parametrize(("name", "instance", "valid"), [(n, i, v) for n, _, i, v in EXAMPLES],
                         ids=[f"{n}-{k}" for n, k, _, _ in EXAMPLES])
def test_a_hand_written_example_gets_the_same_verdict_from_both(name: str, instance: Any, valid: bool) -> None:
    assert (validate(name, instance) == []) is valid
    if name == "chat.request" and "tool_choice" in instance:
        return  # an extension field: the published schema takes any value there
    assert Draft202012Validator(_published_schema(name)).is_valid(instance) is valid


@pytest.mark.parametrize("name", list(VALID_RESPONSES))
@pytest.mark.parametrize("size", [1, 3, 1000])
def test_a_completion_split_into_chunks_accumulates_back(name: str, size: int) -> None:
    completion = VALID_RESPONSES[name]
    chunks = to_chunks(copy.deepcopy(completion), split_text=chunks_of(size), split_json=chunks_of(size))
    assert all(validate("chat.chunk", chunk) == [] for chunk in chunks)
    assert accumulate_chunks(chunks) == completion
