"""Typed view of ``chat-request.json``: :class:`ChatCompletionRequest` and its parts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import ClosedModel, ContractModel, JSONObject


class AssistantMessage(ContractModel):
    """``AssistantMessage`` of ``chat-request.json``."""

    role: Literal["assistant"]
    content: str | list[ContentPartText | ContentPartRefusal] | None = None
    name: str | None = None
    refusal: str | None = None
    audio: AssistantMessageAudio | None = None
    tool_calls: list[ToolCall] | None = None
    function_call: FunctionCallResult | None = None


class AssistantMessageAudio(ContractModel):
    """``AssistantMessageAudio`` of ``chat-request.json``."""

    id: str


class ContentPartFile(ContractModel):
    """``ContentPartFile`` of ``chat-request.json``."""

    type: Literal["file"]
    file: FileData


class ContentPartImage(ContractModel):
    """``ContentPartImage`` of ``chat-request.json``."""

    type: Literal["image_url"]
    image_url: ImageUrl


class ContentPartInputAudio(ContractModel):
    """``ContentPartInputAudio`` of ``chat-request.json``."""

    type: Literal["input_audio"]
    input_audio: InputAudioData


class ContentPartRefusal(ContractModel):
    """``ContentPartRefusal`` of ``chat-request.json``."""

    type: Literal["refusal"]
    refusal: str


class ContentPartText(ContractModel):
    """``ContentPartText`` of ``chat-request.json``."""

    type: Literal["text"]
    text: str


class DeveloperMessage(ContractModel):
    """``DeveloperMessage`` of ``chat-request.json``."""

    role: Literal["developer"]
    content: str | list[ContentPartText]
    name: str | None = None


class FileData(ContractModel):
    """``FileData`` of ``chat-request.json``."""

    file_data: str | None = None
    file_id: str | None = None
    filename: str | None = None


class FunctionCallResult(ContractModel):
    """``FunctionCallResult`` of ``chat-request.json``."""

    arguments: str
    name: str


class FunctionDefinition(ContractModel):
    """``FunctionDefinition`` of ``chat-request.json``."""

    name: str
    description: str | None = None
    parameters: JSONObject | None = None
    strict: bool | None = None


class FunctionMessage(ContractModel):
    """``FunctionMessage`` of ``chat-request.json``."""

    role: Literal["function"]
    content: str | None
    name: str


class FunctionTool(ContractModel):
    """``FunctionTool`` of ``chat-request.json``."""

    type: Literal["function"]
    function: FunctionDefinition


class ImageUrl(ContractModel):
    """``ImageUrl`` of ``chat-request.json``."""

    url: str
    detail: Literal["auto", "low", "high"] | None = None


class InputAudioData(ContractModel):
    """``InputAudioData`` of ``chat-request.json``."""

    data: str
    format: Literal["wav", "mp3"]


class JsonSchema(ClosedModel):
    """``JsonSchema`` of ``chat-request.json``."""

    name: str
    description: str | None = None
    schema_: JSONObject | None = Field(default=None, alias="schema")
    strict: bool | None = None


class NamedToolChoice(ContractModel):
    """``NamedToolChoice`` of ``chat-request.json``."""

    type: Literal["function"]
    function: NamedToolChoiceFunction


class NamedToolChoiceFunction(ContractModel):
    """``NamedToolChoiceFunction`` of ``chat-request.json``."""

    name: str


class ResponseFormatJsonObject(ContractModel):
    """``ResponseFormatJsonObject`` of ``chat-request.json``."""

    type: Literal["json_object"]


class ResponseFormatJsonSchema(ContractModel):
    """``ResponseFormatJsonSchema`` of ``chat-request.json``."""

    type: Literal["json_schema"]
    json_schema: JsonSchema


class ResponseFormatText(ContractModel):
    """``ResponseFormatText`` of ``chat-request.json``."""

    type: Literal["text"]


class StreamOptions(ContractModel):
    """``StreamOptions`` of ``chat-request.json``."""

    include_usage: bool | None = None


class SystemMessage(ContractModel):
    """``SystemMessage`` of ``chat-request.json``."""

    role: Literal["system"]
    content: str | list[ContentPartText]
    name: str | None = None


class ToolCall(ContractModel):
    """``ToolCall`` of ``chat-request.json``."""

    id: str
    type: Literal["function"]
    function: ToolCallFunction


class ToolCallFunction(ContractModel):
    """``ToolCallFunction`` of ``chat-request.json``."""

    arguments: str
    name: str


class ToolMessage(ContractModel):
    """``ToolMessage`` of ``chat-request.json``."""

    role: Literal["tool"]
    content: str | list[ContentPartText]
    tool_call_id: str


class UserMessage(ContractModel):
    """``UserMessage`` of ``chat-request.json``."""

    role: Literal["user"]
    content: str | list[ContentPartText | ContentPartImage | ContentPartInputAudio | ContentPartFile]
    name: str | None = None


ChatMessage = Annotated[
    DeveloperMessage | SystemMessage | UserMessage | AssistantMessage | ToolMessage | FunctionMessage,
    Field(discriminator="role"),
]
"""One message of a chat request, told apart by its ``role``."""


class ChatCompletionRequest(ContractModel):
    """Body of POST .../v1/chat/completions (``ChatCompletionRequest`` of the sequrity package), plus
    the OpenAI fields listed under ``x-beyond-published``."""

    messages: list[ChatMessage]
    model: str
    reasoning_effort: Literal["none", "minimal", "low", "medium", "high", "xhigh"] | None = None
    response_format: ResponseFormatText | ResponseFormatJsonObject | ResponseFormatJsonSchema | None = None
    seed: int | None = None
    stream: bool | None = None
    temperature: float | None = None
    tools: list[FunctionTool] | None = None
    top_p: float | None = None
    tool_choice: Literal["none", "auto", "required"] | NamedToolChoice | None = None
    parallel_tool_calls: bool | None = None
    max_completion_tokens: int | None = None
    max_tokens: int | None = None
    stop: str | list[str] | None = None
    stream_options: StreamOptions | None = None
