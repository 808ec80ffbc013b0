"""The JSON configuration headers of a request (docs/contract.md §2): which document each
header's value satisfies, and the one-line JSON form the value travels in."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

FEATURES_HEADER, POLICY_HEADER, CONFIG_HEADER = "X-Features", "X-Policy", "X-Config"
HEADER_DOCUMENTS: dict[str, str] = {
    FEATURES_HEADER: "x-features",
    POLICY_HEADER: "x-policy",
    CONFIG_HEADER: "x-config",
}
"""The configuration headers and the documents their JSON values satisfy."""


def one_line_json(value: Mapping[str, Any]) -> str:
    """``value`` as compact, ASCII-only JSON on one line (what a header can carry).

    Raises ``ValueError`` for NaN or infinities and ``TypeError`` for values JSON cannot hold.

    >>> one_line_json({"a": [1, {"b": "é"}]})
    '{"a":[1,{"b":"\\\\u00e9"}]}'
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def normalized_header(document: dict[str, Any], value: Any) -> Any:
    """``value`` (valid against the header ``document``) with every default the document declares
    filled in where its object is present, null members left out, and members an object with
    declared properties does not declare (``branching_meta_policy`` accepts them) dropped: the header
    as the published header models hold it (``model_dump(mode="json", exclude_none=True)``)."""
    return _normalized(document, document, value)


def _resolve(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/$defs/"):
        schema = root["$defs"][schema["$ref"][len("#/$defs/"):]]
    return schema


def _branch(root: dict[str, Any], schema: dict[str, Any], value: Any) -> dict[str, Any]:
    """The branch of an ``anyOf`` that fits ``value``'s JSON type (objects and arrays are all that matter here)."""
    schema = _resolve(root, schema)
    for option in schema.get("anyOf", ()):
        option = _resolve(root, option)
        if (isinstance(value, dict) and (option.get("type") == "object" or "properties" in option)) or (
                isinstance(value, list) and option.get("type") == "array"):
            return option
    return schema


def _normalized(root: dict[str, Any], schema: dict[str, Any], value: Any) -> Any:
    schema = _branch(root, schema, value)
    if isinstance(value, dict):
        properties = schema.get("properties")
        if properties is None:  # a map (e.g. role name overrides): every member is kept
            members = schema.get("additionalProperties")
            return {key: _normalized(root, members if isinstance(members, dict) else {}, item)
                    for key, item in value.items() if item is not None}
        out = {key: _normalized(root, properties[key], item) for key, item in value.items()
               if item is not None and key in properties}
        for key, prop in properties.items():
            default = _resolve(root, prop).get("default", prop.get("default"))
            if key not in out and default is not None:
                out[key] = _normalized(root, prop, json.loads(json.dumps(default)))
        return out
    if isinstance(value, list):
        return [_normalized(root, schema.get("items", {}), item) for item in value]
    return value
