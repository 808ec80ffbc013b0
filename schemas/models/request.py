"""Typed view of ``request.json``: :class:`AnthropicMessageRequest` and its parts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import ClosedModel, ContractModel, JSONObject


class Base64DocumentSourceParam(ContractModel):
    """A base64-encoded PDF."""

    type: Literal["base64"] = "base64"
    media_type: Literal["application/pdf"]
    data: str


class Base64ImageSourceParam(ContractModel):
    """A base64-encoded image."""

    type: Literal["base64"] = "base64"
    media_type: Literal["image/jpeg", "image/png", "image/gif", "image/webp"]
    data: str


class URLImageSourceParam(ContractModel):
    """An image given by URL."""

    type: Literal["url"] = "url"
    url: str


ImageSource = Annotated[Base64ImageSourceParam | URLImageSourceParam, Field(discriminator="type")]


class TextBlockParam(ContractModel):
    """A text content block (also a system prompt block)."""

    text: str
    type: Literal["text"] = "text"
    cache_control: JSONObject | None = None
    citations: list[JSONObject] | None = None


class ImageBlockParam(ContractModel):
    """An image content block."""

    source: ImageSource
    type: Literal["image"] = "image"
    cache_control: JSONObject | None = None


class DocumentBlockParam(ContractModel):
    """A PDF document content block."""

    source: Base64DocumentSourceParam
    type: Literal["document"] = "document"
    cache_control: JSONObject | None = None


class ToolUseBlockParam(ContractModel):
    """A tool call the assistant made in an earlier turn."""

    id: str
    input: JSONObject
    name: str
    type: Literal["tool_use"] = "tool_use"
    cache_control: JSONObject | None = None


class ToolResultBlockParam(ContractModel):
    """The result of a tool call, answering a ``tool_use`` id."""

    tool_use_id: str
    type: Literal["tool_result"] = "tool_result"
    content: str | list[TextBlockParam | ImageBlockParam | DocumentBlockParam] | None = None
    is_error: bool | None = None
    cache_control: JSONObject | None = None


class ThinkingBlockParam(ContractModel):
    """Earlier thinking, Sequrity style: a ``text`` field (not ``thinking`` + ``signature``)."""

    text: str
    type: Literal["thinking"] = "thinking"
    cache_control: JSONObject | None = None


ContentBlockParam = Annotated[
    TextBlockParam | ImageBlockParam | DocumentBlockParam | ToolUseBlockParam | ToolResultBlockParam
    | ThinkingBlockParam,
    Field(discriminator="type"),
]


class MessageParam(ContractModel):
    """One turn of the conversation."""

    role: Literal["user", "assistant"]
    content: str | list[ContentBlockParam]


class MetadataParam(ContractModel):
    """Request metadata."""

    user_id: str | None = None


class JSONOutputFormatParam(ClosedModel):
    """Structured output: the answer is JSON valid against ``schema``."""

    type: Literal["json_schema"] = "json_schema"
    schema_: JSONObject = Field(alias="schema")


class OutputConfigParam(ContractModel):
    """Output configuration."""

    format: JSONOutputFormatParam | None = None


class ThinkingConfigEnabledParam(ContractModel):
    """Extended thinking on, with a token budget."""

    type: Literal["enabled"] = "enabled"
    budget_tokens: int


class ThinkingConfigDisabledParam(ContractModel):
    """Extended thinking off."""

    type: Literal["disabled"] = "disabled"


class ThinkingConfigAdaptiveParam(ContractModel):
    """Extended thinking as the model sees fit."""

    type: Literal["adaptive"] = "adaptive"


ThinkingConfigParam = Annotated[
    ThinkingConfigEnabledParam | ThinkingConfigDisabledParam | ThinkingConfigAdaptiveParam,
    Field(discriminator="type"),
]


class ToolChoiceAutoParam(ContractModel):
    """The model decides whether to call tools."""

    type: Literal["auto"] = "auto"
    disable_parallel_tool_use: bool | None = None


class ToolChoiceAnyParam(ContractModel):
    """The model must call some tool."""

    type: Literal["any"] = "any"
    disable_parallel_tool_use: bool | None = None


class ToolChoiceToolParam(ContractModel):
    """The model must call the tool ``name``."""

    type: Literal["tool"] = "tool"
    name: str
    disable_parallel_tool_use: bool | None = None


class ToolChoiceNoneParam(ContractModel):
    """The model must not call tools."""

    type: Literal["none"] = "none"


ToolChoiceParam = Annotated[
    ToolChoiceAutoParam | ToolChoiceAnyParam | ToolChoiceToolParam | ToolChoiceNoneParam,
    Field(discriminator="type"),
]


class ToolInputSchema(ContractModel):
    """The JSON Schema of a tool's input (an object schema)."""

    type: Literal["object"] = "object"
    properties: JSONObject | None = None
    required: list[str] | None = None


class ToolParam(ContractModel):
    """A tool the model may call."""

    name: str
    input_schema: ToolInputSchema | JSONObject
    description: str | None = None
    cache_control: JSONObject | None = None
    strict: bool | None = None
    type: Literal["custom"] | None = None


class AnthropicMessageRequest(ContractModel):
    """Body of ``POST .../v1/messages``."""

    max_tokens: int
    messages: list[MessageParam]
    model: str
    metadata: MetadataParam | None = None
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    output_config: OutputConfigParam | None = None
    service_tier: Literal["auto", "standard_only"] | None = None
    stop_sequences: list[str] | None = None
    stream: bool | None = None
    system: str | list[TextBlockParam] | None = None
    temperature: float | None = None
    thinking: ThinkingConfigParam | None = None
    tool_choice: ToolChoiceParam | None = None
    tools: list[ToolParam | JSONObject] | None = None
    top_k: int | None = None
    top_p: float | None = None
    timeout: float | None = None
