"""``schemas.validate`` on bad input: every case gives violations that name the JSON path
and render as text — never an exception, however malformed the instance."""

from __future__ import annotations

from typing import Any

import pytest

from sequrity_contract.schemas import Violation, validate


def _nested_lists(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


def _nested_dicts(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


class _Opaque:
    pass


OK_REQUEST: dict[str, Any] = {"model": "m", "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
OK_RESPONSE: dict[str, Any] = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "content": [],
    "model": "m",
    "usage": {"input_tokens": 1, "output_tokens": 1},
}


def _request(**changes: Any) -> dict[str, Any]:
    return {**OK_REQUEST, **changes}


def _block(block: Any) -> dict[str, Any]:
    return _request(messages=[{"role": "user", "content": [block]}])


# (id, schema name, instance, rule, path of one expected violation)
CASES: list[tuple[str, str, Any, str, str]] = [
    ("root-list", "request", [OK_REQUEST], "schema:type", "$"),
    ("root-none", "request", None, "schema:type", "$"),
    ("root-string", "response", "message", "schema:type", "$"),
    ("root-int-keys", "request", {1: "model"}, "schema:required", "$.model"),
    ("missing-model", "request", {"max_tokens": 1, "messages": []}, "schema:required", "$.model"),
    (
        "missing-usage-count",
        "response",
        {**OK_RESPONSE, "usage": {"input_tokens": 1}},
        "schema:required",
        "$.usage.output_tokens",
    ),
    ("max-tokens-string", "request", _request(max_tokens="16"), "schema:type", "$.max_tokens"),
    ("max-tokens-bool", "request", _request(max_tokens=True), "schema:type", "$.max_tokens"),
    ("max-tokens-nan", "request", _request(max_tokens=float("nan")), "schema:type", "$.max_tokens"),
    ("max-tokens-inf", "request", _request(max_tokens=float("inf")), "schema:type", "$.max_tokens"),
    ("temperature-string", "request", _request(temperature="hot"), "schema:type", "$.temperature"),
    (
        "role-unknown",
        "request",
        _request(messages=[{"role": "system", "content": "x"}]),
        "schema:enum",
        "$.messages[0].role",
    ),
    (
        "block-unknown-tag",
        "request",
        _block({"type": "video", "url": "x"}),
        "schema:discriminator",
        "$.messages[0].content[0].type",
    ),
    (
        "block-tag-not-string",
        "request",
        _block({"type": 3, "text": "x"}),
        "schema:discriminator",
        "$.messages[0].content[0].type",
    ),
    (
        "block-tag-missing-ambiguous",
        "request",
        _block({"text": "x"}),
        "schema:discriminator",
        "$.messages[0].content[0].type",
    ),
    (
        "image-source-unknown-tag",
        "request",
        _block({"type": "image", "source": {"type": "file", "id": "f"}}),
        "schema:discriminator",
        "$.messages[0].content[0].source.type",
    ),
    (
        "tool-use-missing-name",
        "request",
        _block({"type": "tool_use", "id": "t", "input": {}}),
        "schema:required",
        "$.messages[0].content[0].name",
    ),
    (
        "thinking-unknown-tag",
        "request",
        _request(thinking={"type": "sometimes"}),
        "schema:discriminator",
        "$.thinking.type",
    ),
    (
        "response-block-unknown-tag",
        "response",
        {**OK_RESPONSE, "content": [{"type": "audio"}]},
        "schema:discriminator",
        "$.content[0].type",
    ),
    ("event-unknown-type", "event", {"type": "message_pause"}, "schema:discriminator", "$.type"),
    (
        "event-delta-wrong-type",
        "event.content_block_delta",
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": 5}},
        "schema:type",
        "$.delta.text",
    ),
    (
        "event-negative-index",
        "event",
        {"type": "content_block_stop", "index": -1},
        "schema:minimum",
        "$.index",
    ),
    (
        "header-unknown-key",
        "x-features",
        {"agent_arch": "dual-llm", "turbo": True},
        "schema:additionalProperties",
        "$",
    ),
    (
        "header-threshold-range",
        "x-features",
        {"content_classifiers": [{"name": "pii_redaction", "threshold": 2}]},
        "schema:maximum",
        "$.content_classifiers[0].threshold",
    ),
    ("header-fsm-turns-zero", "x-config", {"fsm": {"max_n_turns": 0}}, "schema:minimum", "$.fsm.max_n_turns"),
    (
        "policy-duplicate-tags",
        "x-policy",
        {"presets": {"branching_meta_policy": {"tags": ["a", "a"]}}},
        "schema:uniqueItems",
        "$.presets.branching_meta_policy.tags",
    ),
    (
        "error-type-unknown",
        "error",
        {"type": "error", "error": {"type": "teapot", "message": "m"}, "detail": "m"},
        "schema:enum",
        "$.error.type",
    ),
    ("nested-lists-10000", "request", _request(model=_nested_lists(10_000)), "schema:depth", "$.model[0][0]"),
    (
        "nested-dicts-10000",
        "request",
        _request(messages=[_nested_dicts(10_000)]),
        "schema:required",
        "$.messages[0].role",
    ),
    (
        "nested-lists-as-messages",
        "request",
        _request(messages=_nested_lists(10_000)),
        "schema:depth",
        "$.messages[0][0]",
    ),
    ("huge-string-number", "request", _request(max_tokens="9" * 5_000_000), "schema:type", "$.max_tokens"),
    ("set", "request", _request(stop_sequences={"a", "b"}), "schema:type", "$.stop_sequences"),
    ("tuple", "request", _request(messages=({"role": "user", "content": "x"},)), "schema:type", "$.messages"),
    ("bytes", "request", _request(model=b"claude"), "schema:type", "$.model"),
    ("object", "request", _request(metadata=_Opaque()), "schema:type", "$.metadata"),
    ("object-root", "response", _Opaque(), "schema:type", "$"),
    ("key-with-dots", "x-config", {"fsm": {"a.b c": 1}}, "schema:additionalProperties", "$.fsm"),
]


@pytest.mark.parametrize(
    ("name", "instance", "rule", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_gives_violations_naming_the_path(name: str, instance: Any, rule: str, path: str) -> None:
    violations = validate(name, instance)
    assert violations, "expected at least one violation"
    assert all(isinstance(v, Violation) for v in violations)
    assert (rule, path) in [(v.rule, v.path) for v in violations], [str(v) for v in violations]
    for v in violations:
        text = str(v)
        assert v.path in text and v.expected in text
        assert len(v.message) < 2_000, "offending values are cut to a readable length"
        assert v.as_dict()["path"] == v.path


def test_a_recursive_structure_is_reported_not_raised() -> None:
    loop: list[Any] = []
    loop.append(loop)
    violations = validate("request", _request(model=loop))
    assert [(v.rule, v.path) for v in violations] == [("schema:type", "$.model")]
    assert "$.model" in str(violations[0])


def test_an_unknown_schema_name_is_a_key_error_listing_the_names() -> None:
    with pytest.raises(KeyError, match=r"unknown schema name='requests'.*request"):
        validate("requests", OK_REQUEST)
