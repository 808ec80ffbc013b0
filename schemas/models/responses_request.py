"""Typed view of ``responses-request.json``: :class:`ResponsesRequest` and its parts.

Every definition of the document has a model of its name, except ``MessageParam``, which is
:class:`ResponsesMessageParam` here (the messages endpoint's :class:`~.request.MessageParam` has the name).
The definitions it shares with the response document are :mod:`.responses_shared`'s models, named
here as this document names them."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from . import responses_shared as shared
from ._base import ContractModel, JSONObject, omittable

# The request document's names of the definitions it shares with the response document
# (:mod:`.responses_shared`): one model each, under both names.
ComputerCallOutputAcknowledgedSafetyCheck = shared.ComputerPendingSafetyCheck
ConversationParam = shared.ConversationInfo
ImageGenerationCallParam = shared.ImageGenerationCall
LocalShellCallActionParam = shared.LocalShellCallAction
LocalShellCallParam = shared.LocalShellCall
McpApprovalRequestParam = shared.McpApprovalRequest
McpCallParam = shared.McpCall
McpListToolsParam = shared.McpListTools
McpListToolsToolParam = shared.McpListToolsTool
OutputRefusalParam = shared.Refusal
ReasoningItemSummaryParam = shared.ReasoningSummary
ResponseCustomToolCallParam = shared.ResponseCustomToolCall
ResponseFunctionToolCallParam = shared.FunctionToolCall
ResponsePromptParam = shared.ResponsePromptInfo


class ApplyPatchCallOutputParam(ContractModel):
    """``ApplyPatchCallOutputParam`` of ``responses-request.json``."""

    call_id: str
    status: Literal["completed", "failed"]
    type: Literal["apply_patch_call_output"]
    id: str | None = None
    output: str | None = None


class ApplyPatchCallParam(ContractModel):
    """``ApplyPatchCallParam`` of ``responses-request.json``."""

    call_id: str
    operation: JSONObject
    status: Literal["in_progress", "completed"]
    type: Literal["apply_patch_call"]
    id: str | None = None


class ApplyPatchToolParam(ContractModel):
    """``ApplyPatchToolParam`` of ``responses-request.json``."""

    type: Literal["apply_patch"]


class CodeInterpreterContainerAuto(ContractModel):
    """``CodeInterpreterContainerAuto`` of ``responses-request.json``."""

    type: Literal["auto"]
    file_ids: list[str] | None = None
    memory_limit: Literal["1g", "4g", "16g", "64g"] | None = None


class CodeInterpreterToolParam(ContractModel):
    """``CodeInterpreterToolParam`` of ``responses-request.json``."""

    type: Literal["code_interpreter"]
    container: str | CodeInterpreterContainerAuto


class ComputerCallOutputParam(ContractModel):
    """``ComputerCallOutputParam`` of ``responses-request.json``."""

    call_id: str
    output: JSONObject
    type: Literal["computer_call_output"]
    id: str | None = None
    acknowledged_safety_checks: list[ComputerCallOutputAcknowledgedSafetyCheck] | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class ComputerToolParam(ContractModel):
    """``ComputerToolParam`` of ``responses-request.json``."""

    type: Literal["computer_use_preview"]


class CustomToolParam(ContractModel):
    """``CustomToolParam`` of ``responses-request.json``."""

    type: Literal["custom"]
    name: str
    description: str | None = None
    format: JSONObject | None = None


class FileSearchToolParam(ContractModel):
    """``FileSearchToolParam`` of ``responses-request.json``."""

    type: Literal["file_search"]
    file_ids: list[str] | None = None


class FunctionCallOutputParam(ContractModel):
    """``FunctionCallOutputParam`` of ``responses-request.json``."""

    call_id: str
    output: str
    type: Literal["function_call_output"]
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class FunctionShellToolParam(ContractModel):
    """``FunctionShellToolParam`` of ``responses-request.json``."""

    type: Literal["function_shell"]


class FunctionToolParam(ContractModel):
    """``FunctionToolParam`` of ``responses-request.json``."""

    name: str
    type: Literal["function"]
    parameters: JSONObject | None = None
    strict: bool | None = None
    description: str | None = None


class ImageGenerationInputImageMask(ContractModel):
    """``ImageGenerationInputImageMask`` of ``responses-request.json``."""

    file_id: str | None = None
    image_url: str | None = None


class ImageGenerationToolParam(ContractModel):
    """``ImageGenerationToolParam`` of ``responses-request.json``."""

    type: Literal["image_generation"]
    model: str | Literal["gpt-image-1", "gpt-image-1-mini"] | None = None
    size: Literal["1024x1024", "1024x1536", "1536x1024", "auto"] | None = None
    quality: Literal["low", "medium", "high", "auto"] | None = None
    background: Literal["transparent", "opaque", "auto"] | None = None
    input_fidelity: Literal["high", "low"] | None = None
    input_image_mask: ImageGenerationInputImageMask | None = None
    moderation: Literal["auto", "low"] | None = None
    output_compression: int | None = None
    output_format: Literal["png", "webp", "jpeg"] | None = None
    partial_images: int | None = None


class InputAudioParam(ContractModel):
    """``InputAudioParam`` of ``responses-request.json``."""

    audio: str
    type: Literal["input_audio"]


class InputFileParam(ContractModel):
    """``InputFileParam`` of ``responses-request.json``."""

    file_id: str
    type: Literal["input_file"]


class InputImageParam(ContractModel):
    """``InputImageParam`` of ``responses-request.json``."""

    type: Literal["input_image"]
    detail: Literal["auto", "low", "high"] | None = None
    file_id: str | None = None
    image_url: str | None = None


class InputMessageParam(ContractModel):
    """``InputMessageParam`` of ``responses-request.json``."""

    role: Literal["user", "system", "developer"]
    content: str | list[InputContentParam]


class InputTextParam(ContractModel):
    """``InputTextParam`` of ``responses-request.json``."""

    text: str
    type: Literal["input_text"]


class ItemReferenceParam(ContractModel):
    """``ItemReferenceParam`` of ``responses-request.json``."""

    id: str
    type: Literal["item_reference"] | None = None


class LocalShellCallOutputParam(ContractModel):
    """``LocalShellCallOutputParam`` of ``responses-request.json``."""

    id: str
    output: str
    type: Literal["local_shell_call_output"]
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class LocalShellToolParam(ContractModel):
    """``LocalShellToolParam`` of ``responses-request.json``."""

    type: Literal["local_shell"]


class McpAllowedToolsFilter(ContractModel):
    """``McpAllowedToolsFilter`` of ``responses-request.json``."""

    read_only: bool | None = None
    tool_names: list[str] | None = None


class McpApprovalFilter(ContractModel):
    """``McpApprovalFilter`` of ``responses-request.json``."""

    always: McpAllowedToolsFilter | None = None
    never: McpAllowedToolsFilter | None = None


class McpApprovalResponseParam(ContractModel):
    """``McpApprovalResponseParam`` of ``responses-request.json``."""

    approval_request_id: str
    approve: bool
    type: Literal["mcp_approval_response"]
    id: str | None = None
    reason: str | None = None


class McpToolParam(ContractModel):
    """``McpToolParam`` of ``responses-request.json``."""

    type: Literal["mcp"]
    server_label: str
    server_url: str | None = None
    connector_id: str | None = None
    allowed_tools: list[str] | McpAllowedToolsFilter | None = None
    require_approval: Literal["always", "never"] | McpApprovalFilter | None = None
    authorization: str | None = None
    headers: dict[str, str] | None = None
    server_description: str | None = None


class ResponsesMessageParam(ContractModel):
    """``MessageParam`` of ``responses-request.json``."""

    content: str | list[InputContentParam]
    role: Literal["user", "system", "developer"]
    type: Literal["message"]
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class OutputTextParam(ContractModel):
    """``OutputTextParam`` of ``responses-request.json``."""

    text: str
    type: Literal["output_text"]
    annotations: list[JSONObject] | None = None


class ReasoningItemParam(ContractModel):
    """``ReasoningItemParam`` of ``responses-request.json``."""

    id: str
    type: Literal["reasoning"]
    summary: list[ReasoningItemSummaryParam] = omittable()
    encrypted_content: str | None = None


class ReasoningParam(ContractModel):
    """``ReasoningParam`` of ``responses-request.json``."""

    effort: Literal["none", "low", "medium", "high", "xhigh"] | None = None
    generate_summary: Literal["auto", "concise", "detailed"] | None = None


class ResponseCustomToolCallOutputParam(ContractModel):
    """``ResponseCustomToolCallOutputParam`` of ``responses-request.json``."""

    call_id: str
    output: str
    type: Literal["custom_tool_call_output"]
    id: str | None = None


class ResponseOutputMessageParam(ContractModel):
    """``ResponseOutputMessageParam`` of ``responses-request.json``."""

    id: str
    content: list[OutputContentParam]
    role: Literal["assistant"]
    status: Literal["in_progress", "completed", "incomplete"]
    type: Literal["message"]


class ResponseTextConfigParam(ContractModel):
    """``ResponseTextConfigParam`` of ``responses-request.json``."""

    format: TextFormatParam | None = None


class ShellCallActionParam(ContractModel):
    """``ShellCallActionParam`` of ``responses-request.json``."""

    commands: list[str]
    max_output_length: int | None = None
    timeout_ms: int | None = None


class ShellCallOutputParam(ContractModel):
    """``ShellCallOutputParam`` of ``responses-request.json``."""

    call_id: str
    output: list[JSONObject]
    type: Literal["shell_call_output"]
    id: str | None = None
    max_output_length: int | None = None


class ShellCallParam(ContractModel):
    """``ShellCallParam`` of ``responses-request.json``."""

    action: ShellCallActionParam
    call_id: str
    type: Literal["shell_call"]
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class StreamOptionsParam(ContractModel):
    """``StreamOptionsParam`` of ``responses-request.json``."""

    include_usage: bool | None = None


class TextConfigJSONObjectParam(ContractModel):
    """``TextConfigJSONObjectParam`` of ``responses-request.json``."""

    type: Literal["json_object"]


class TextConfigJSONSchemaParam(ContractModel):
    """``TextConfigJSONSchemaParam`` of ``responses-request.json``."""

    type: Literal["json_schema"]
    name: str
    schema_: JSONObject = Field(alias="schema")
    description: str | None = None
    strict: bool | None = None


class TextConfigTextParam(ContractModel):
    """``TextConfigTextParam`` of ``responses-request.json``."""

    type: Literal["text"]


class ToolChoiceFunctionParam(ContractModel):
    """``ToolChoiceFunctionParam`` of ``responses-request.json``."""

    type: Literal["function"]
    name: str


class WebSearchPreviewToolParam(ContractModel):
    """``WebSearchPreviewToolParam`` of ``responses-request.json``."""

    type: Literal["web_search_preview", "web_search_preview_2025_03_11"]
    search_context_size: Literal["low", "medium", "high"] | None = None
    user_location: WebSearchPreviewUserLocation | None = None


class WebSearchPreviewUserLocation(ContractModel):
    """``WebSearchPreviewUserLocation`` of ``responses-request.json``."""

    type: Literal["approximate"]
    city: str | None = None
    country: str | None = None
    region: str | None = None
    timezone: str | None = None


class WebSearchToolParam(ContractModel):
    """``WebSearchToolParam`` of ``responses-request.json``."""

    type: Literal["web_search"]


InputContentParam = Annotated[
    InputTextParam | InputImageParam | InputFileParam | InputAudioParam, Field(discriminator="type")
]
"""One part of an input message's content, told apart by its ``type``."""

OutputContentParam = Annotated[OutputTextParam | OutputRefusalParam, Field(discriminator="type")]
"""One part of an earlier output message given as input, told apart by its ``type``."""

TextFormatParam = Annotated[
    TextConfigJSONSchemaParam | TextConfigJSONObjectParam | TextConfigTextParam, Field(discriminator="type")
]
"""The format of the text output (``text.format``), told apart by its ``type``."""

ResponsesInputItem = (
    InputMessageParam
    | ResponsesMessageParam
    | ResponseOutputMessageParam
    | ResponseFunctionToolCallParam
    | FunctionCallOutputParam
    | ResponseCustomToolCallParam
    | ResponseCustomToolCallOutputParam
    | ComputerCallOutputParam
    | LocalShellCallParam
    | LocalShellCallOutputParam
    | ShellCallParam
    | ShellCallOutputParam
    | ApplyPatchCallParam
    | ApplyPatchCallOutputParam
    | McpListToolsParam
    | McpApprovalRequestParam
    | McpApprovalResponseParam
    | McpCallParam
    | ReasoningItemParam
    | ImageGenerationCallParam
    | ItemReferenceParam
    | JSONObject
)
"""One item of a request's ``input`` list: a message, a call, a call's output, a reasoning item... or
any object (the published union ends with a free ``dict``; the ``responses_input_items_known`` rule
holds such an object to the definition of its ``type``)."""

ResponsesToolParam = (
    FunctionToolParam
    | FileSearchToolParam
    | WebSearchToolParam
    | WebSearchPreviewToolParam
    | CodeInterpreterToolParam
    | ComputerToolParam
    | ImageGenerationToolParam
    | McpToolParam
    | LocalShellToolParam
    | FunctionShellToolParam
    | CustomToolParam
    | ApplyPatchToolParam
    | JSONObject
)
"""One tool of a request's ``tools`` list (the union ends with a free object, as the published one
does; the ``responses_tools_known`` rule holds it to the definition of its ``type``)."""


class ResponsesRequest(ContractModel):
    """Body of POST .../v1/responses (ResponsesRequest of the sequrity package)."""

    model: str
    background: bool | None = None
    conversation: str | ConversationParam | None = None
    include: list[str] | None = None
    input: str | list[ResponsesInputItem] | None = None
    instructions: str | None = None
    max_output_tokens: int | None = None
    max_tool_calls: int | None = None
    metadata: dict[str, str] | None = None
    parallel_tool_calls: bool | None = None
    previous_response_id: str | None = None
    prompt: ResponsePromptParam | None = None
    prompt_cache_key: str | None = None
    prompt_cache_retention: Literal["in-memory", "24h"] | None = None
    reasoning: ReasoningParam | None = None
    safety_identifier: str | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority"] | None = None
    store: bool | None = None
    stream: bool | None = None
    stream_options: StreamOptionsParam | None = None
    temperature: float | None = None
    text: ResponseTextConfigParam | None = None
    tool_choice: Literal["none", "auto", "required"] | ToolChoiceFunctionParam | None = None
    tools: list[ResponsesToolParam] | None = None
    top_logprobs: int | None = None
    top_p: float | None = None
    truncation: Literal["auto", "disabled"] | None = None
    user: str | None = None
    timeout: float | None = None
