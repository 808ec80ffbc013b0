"""Policy generation: ``POST /control/policy-gen[/{provider}]/v1/generate``.

The body asks for a SQRT policy from a natural-language ``description`` and the tools it is for,
in one of the tool formats its ``type`` names (OpenAI, OpenRouter and Sequrity Azure chat
completions, Anthropic messages, Sequrity Azure responses); unknown fields are refused. The answer
is ``{"policies": <SQRT source>, "usage": {name: count}}``.
"""

from __future__ import annotations

from typing import Any

from ..registry import register_document
from .route import JsonRoute, register_json_route

INTERNAL_TOOLS = ("parse_with_ai", "verify_hypothesis", "set_policy", "complete_turn")
"""The service's internal tools a request may ask the policy to cover (``internal_tool_names``)."""

_CHAT_TOOL: dict[str, Any] = {
    "type": "object", "required": ["type", "function"],
    "properties": {"type": {"const": "function"},
                   "function": {"type": "object", "required": ["name"], "properties": {
                       "name": {"type": "string"}, "description": {"type": ["string", "null"]},
                       "parameters": {"type": ["object", "null"]}, "strict": {"type": ["boolean", "null"]}}}},
}
_MESSAGES_TOOL: dict[str, Any] = {
    "type": "object", "required": ["name", "input_schema"],
    "properties": {"name": {"type": "string"}, "description": {"type": ["string", "null"]},
                   "input_schema": {"type": "object"}, "cache_control": {"type": ["object", "null"]},
                   "strict": {"type": ["boolean", "null"]}, "type": {"enum": ["custom", None]}},
}
_ANY_TOOL: dict[str, Any] = {"type": "object"}

TOOL_FORMATS: dict[str, dict[str, Any]] = {
    "oai_chat_completion": _CHAT_TOOL,
    "openrouter_chat_completion": _CHAT_TOOL,
    "anthropic_messages": _MESSAGES_TOOL,
    "sequrity_azure_chat_completion": _CHAT_TOOL,
    "sequrity_azure_responses": _ANY_TOOL,
}
"""Each request ``type`` and the schema of one of its tools."""


def _variant(request_type: str, tool: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object", "additionalProperties": False, "required": ["type", "model", "description"],
        "properties": {
            "type": {"const": request_type},
            "model": {"type": "string"},
            "description": {"type": "string"},
            "policy_lang": {"const": "sqrt", "default": "sqrt"},
            "n_retries": {"type": "integer", "minimum": 0, "default": 3},
            "internal_tool_names": {"type": "array", "items": {"enum": list(INTERNAL_TOOLS)}, "default": []},
            "tools": {"type": "array", "items": tool, "default": []},
        },
    }


def _name(request_type: str) -> str:
    return "PolicyGen_" + request_type


REQUEST: dict[str, Any] = {
    "title": "PolicyGenRequest",
    "oneOf": [{"$ref": f"#/$defs/{_name(t)}"} for t in TOOL_FORMATS],
    "discriminator": {"propertyName": "type", "mapping": {t: f"#/$defs/{_name(t)}" for t in TOOL_FORMATS}},
    "$defs": {_name(t): _variant(t, tool) for t, tool in TOOL_FORMATS.items()},
}
RESPONSE: dict[str, Any] = {
    "title": "PolicyGenResponse", "type": "object", "additionalProperties": False, "required": ["policies", "usage"],
    "properties": {"policies": {"type": "string", "description": "SQRT source"},
                   "usage": {"type": "object", "additionalProperties": {"type": "integer"}}},
}

register_document("policy-gen-request", REQUEST)
register_document("policy-gen-response", RESPONSE)

POLICY_GEN = register_json_route(JsonRoute(
    "policy-gen", "/control/policy-gen/{provider}/v1/generate", "policy-gen-request", "policy-gen-response",
    "Generate a SQRT policy for the given tools from a description"))


def tool_names(body: dict[str, Any]) -> list[str]:
    """The names of the tools of a valid request ``body``, in order, in the format its type names."""
    names: list[str] = []
    for tool in body.get("tools") or []:
        name = tool.get("function", {}).get("name") if "function" in tool else tool.get("name")
        if isinstance(name, str):
            names.append(name)
    return names
