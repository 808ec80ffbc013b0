"""Typed view of ``responses-response.json``: :class:`ResponsesResponse` and its parts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import ContractModel, JSONObject, omittable
from .responses_shared import (
    ComputerPendingSafetyCheck,
    ConversationInfo,
    FunctionToolCall,
    ImageGenerationCall,
    LocalShellCall,
    McpApprovalRequest,
    McpCall,
    McpListTools,
    ReasoningSummary,
    Refusal,
    ResponseCustomToolCall,
    ResponsePromptInfo,
)


class AnnotationContainerFileCitation(ContractModel):
    """``AnnotationContainerFileCitation`` of ``responses-response.json``."""

    container_id: str
    end_index: int
    file_id: str
    filename: str
    start_index: int
    type: Literal["container_file_citation"]


class AnnotationFileCitation(ContractModel):
    """``AnnotationFileCitation`` of ``responses-response.json``."""

    file_id: str
    filename: str
    index: int
    type: Literal["file_citation"]


class AnnotationFilePath(ContractModel):
    """``AnnotationFilePath`` of ``responses-response.json``."""

    file_id: str
    index: int
    type: Literal["file_path"]


class AnnotationURLCitation(ContractModel):
    """``AnnotationURLCitation`` of ``responses-response.json``."""

    end_index: int
    start_index: int
    title: str
    type: Literal["url_citation"]
    url: str


class ApplyPatchToolCall(ContractModel):
    """``ApplyPatchToolCall`` of ``responses-response.json``."""

    type: Literal["apply_patch_call"]
    call_id: str
    status: Literal["in_progress", "completed"]
    id: str | None = None


class CodeInterpreterOutputImage(ContractModel):
    """``CodeInterpreterOutputImage`` of ``responses-response.json``."""

    type: Literal["image"]
    url: str


class CodeInterpreterOutputLogs(ContractModel):
    """``CodeInterpreterOutputLogs`` of ``responses-response.json``."""

    logs: str
    type: Literal["logs"]


class CodeInterpreterToolCall(ContractModel):
    """``CodeInterpreterToolCall`` of ``responses-response.json``."""

    type: Literal["code_interpreter_call"]
    id: str
    container_id: str
    code: str | None = None
    outputs: list[CodeInterpreterOutput] | None = None
    status: Literal["in_progress", "completed", "incomplete", "interpreting", "failed"] | None = None


class ComputerActionClick(ContractModel):
    """``ComputerActionClick`` of ``responses-response.json``."""

    button: Literal["left", "right", "wheel", "back", "forward"]
    type: Literal["click"]
    x: int
    y: int


class ComputerActionDoubleClick(ContractModel):
    """``ComputerActionDoubleClick`` of ``responses-response.json``."""

    type: Literal["double_click"]
    x: int
    y: int


class ComputerActionDrag(ContractModel):
    """``ComputerActionDrag`` of ``responses-response.json``."""

    path: list[ComputerActionDragPath]
    type: Literal["drag"]


class ComputerActionDragPath(ContractModel):
    """``ComputerActionDragPath`` of ``responses-response.json``."""

    x: int
    y: int


class ComputerActionKeypress(ContractModel):
    """``ComputerActionKeypress`` of ``responses-response.json``."""

    keys: list[str]
    type: Literal["keypress"]


class ComputerActionMove(ContractModel):
    """``ComputerActionMove`` of ``responses-response.json``."""

    type: Literal["move"]
    x: int
    y: int


class ComputerActionScreenshot(ContractModel):
    """``ComputerActionScreenshot`` of ``responses-response.json``."""

    type: Literal["screenshot"]


class ComputerActionScroll(ContractModel):
    """``ComputerActionScroll`` of ``responses-response.json``."""

    scroll_x: int
    scroll_y: int
    type: Literal["scroll"]
    x: int
    y: int


class ComputerActionType(ContractModel):
    """``ComputerActionType`` of ``responses-response.json``."""

    text: str
    type: Literal["type"]


class ComputerActionWait(ContractModel):
    """``ComputerActionWait`` of ``responses-response.json``."""

    type: Literal["wait"]


class ComputerToolCall(ContractModel):
    """``ComputerToolCall`` of ``responses-response.json``."""

    type: Literal["computer_call"]
    id: str
    action: ComputerAction
    call_id: str
    status: Literal["in_progress", "completed", "incomplete"]
    pending_safety_checks: list[ComputerPendingSafetyCheck] = omittable()


class FileSearchResult(ContractModel):
    """``FileSearchResult`` of ``responses-response.json``."""

    attributes: dict[str, str | float | bool] | None = None
    file_id: str | None = None
    filename: str | None = None
    score: float | None = None
    text: str | None = None


class FileSearchToolCall(ContractModel):
    """``FileSearchToolCall`` of ``responses-response.json``."""

    type: Literal["file_search_call"]
    id: str
    status: Literal["in_progress", "searching", "completed", "incomplete", "failed"]
    queries: list[str] = omittable()
    results: list[FileSearchResult] | None = None


class FunctionShellToolCall(ContractModel):
    """``FunctionShellToolCall`` of ``responses-response.json``."""

    type: Literal["shell_call"]
    call_id: str
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class IncompleteDetails(ContractModel):
    """``IncompleteDetails`` of ``responses-response.json``."""

    reason: Literal["max_output_tokens", "content_filter"] | None = None


class InputTokensDetails(ContractModel):
    """``InputTokensDetails`` of ``responses-response.json``."""

    cached_tokens: int


class OutputText(ContractModel):
    """``OutputText`` of ``responses-response.json``."""

    type: Literal["output_text"]
    text: str
    annotations: list[OutputTextAnnotation] = omittable()
    logprobs: list[OutputTextLogprob] | None = None


class OutputTextLogprob(ContractModel):
    """``OutputTextLogprob`` of ``responses-response.json``."""

    token: str
    bytes: list[int]
    logprob: float
    top_logprobs: list[OutputTextLogprobTopLogprob]


class OutputTextLogprobTopLogprob(ContractModel):
    """``OutputTextLogprobTopLogprob`` of ``responses-response.json``."""

    token: str
    bytes: list[int]
    logprob: float


class OutputTokensDetails(ContractModel):
    """``OutputTokensDetails`` of ``responses-response.json``."""

    reasoning_tokens: int


class ReasoningContent(ContractModel):
    """``ReasoningContent`` of ``responses-response.json``."""

    text: str
    type: Literal["reasoning_text"]


class ReasoningItem(ContractModel):
    """``ReasoningItem`` of ``responses-response.json``."""

    id: str
    type: Literal["reasoning"]
    summary: list[ReasoningSummary] = omittable()
    content: list[ReasoningContent] | None = None
    encrypted_content: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class ResponseError(ContractModel):
    """``ResponseError`` of ``responses-response.json``."""

    code: str
    message: str


class ResponseOutputMessage(ContractModel):
    """``ResponseOutputMessage`` of ``responses-response.json``."""

    id: str
    type: Literal["message"]
    role: Literal["assistant"]
    content: list[OutputContent]
    status: Literal["in_progress", "completed", "incomplete"]


class ResponseUsage(ContractModel):
    """``ResponseUsage`` of ``responses-response.json``."""

    input_tokens: int
    input_tokens_details: InputTokensDetails
    output_tokens: int
    output_tokens_details: OutputTokensDetails
    total_tokens: int


class ToolInfo(ContractModel):
    """``ToolInfo`` of ``responses-response.json``."""

    type: str


class WebSearchActionFind(ContractModel):
    """``WebSearchActionFind`` of ``responses-response.json``."""

    pattern: str
    type: Literal["find"]
    url: str


class WebSearchActionOpenPage(ContractModel):
    """``WebSearchActionOpenPage`` of ``responses-response.json``."""

    type: Literal["open_page"]
    url: str


class WebSearchActionSearch(ContractModel):
    """``WebSearchActionSearch`` of ``responses-response.json``."""

    query: str
    type: Literal["search"]
    queries: list[str] | None = None
    sources: list[WebSearchActionSource] | None = None


class WebSearchActionSource(ContractModel):
    """``WebSearchActionSource`` of ``responses-response.json``."""

    type: Literal["url"]
    url: str


class WebSearchToolCall(ContractModel):
    """``WebSearchToolCall`` of ``responses-response.json``."""

    type: Literal["web_search_call"]
    id: str
    status: Literal["in_progress", "searching", "completed", "failed"]
    action: WebSearchAction | None = None


CodeInterpreterOutput = Annotated[CodeInterpreterOutputLogs | CodeInterpreterOutputImage, Field(discriminator="type")]
"""One output of a code interpreter call, told apart by its ``type``."""

ComputerAction = Annotated[
    ComputerActionClick
    | ComputerActionDoubleClick
    | ComputerActionDrag
    | ComputerActionKeypress
    | ComputerActionMove
    | ComputerActionScreenshot
    | ComputerActionScroll
    | ComputerActionType
    | ComputerActionWait,
    Field(discriminator="type"),
]
"""The action of a computer call, told apart by its ``type``."""

OutputTextAnnotation = Annotated[
    AnnotationFileCitation | AnnotationURLCitation | AnnotationContainerFileCitation | AnnotationFilePath,
    Field(discriminator="type"),
]
"""One annotation of an output text, told apart by its ``type``."""

OutputContent = Annotated[OutputText | Refusal, Field(discriminator="type")]
"""One part of an output message's content: text or a refusal, told apart by its ``type``."""

WebSearchAction = Annotated[
    WebSearchActionSearch | WebSearchActionOpenPage | WebSearchActionFind, Field(discriminator="type")
]
"""The action of a web search call, told apart by its ``type``."""

ResponsesOutputItem = (
    ResponseOutputMessage
    | FunctionToolCall
    | FileSearchToolCall
    | WebSearchToolCall
    | CodeInterpreterToolCall
    | ComputerToolCall
    | ReasoningItem
    | ImageGenerationCall
    | LocalShellCall
    | FunctionShellToolCall
    | ApplyPatchToolCall
    | McpCall
    | McpListTools
    | McpApprovalRequest
    | ResponseCustomToolCall
    | JSONObject
)
"""One item of a response's ``output``: a message, a function call, a reasoning item, another tool's
call... or any object (as the published union)."""


class ResponsesResponse(ContractModel):
    """Body of a 200 answer of POST .../v1/responses without stream (ResponsesResponse), and the response
    the lifecycle events carry."""

    id: str
    object: Literal["response"]
    created_at: float
    model: str
    output: list[ResponsesOutputItem]
    parallel_tool_calls: bool
    tool_choice: Literal["none", "auto", "required"] | JSONObject
    tools: list[ToolInfo]
    status: Literal["completed", "failed", "in_progress", "cancelled", "queued", "incomplete"] | None = None
    error: ResponseError | None = None
    incomplete_details: IncompleteDetails | None = None
    instructions: str | list[JSONObject] | None = None
    metadata: dict[str, str] | None = None
    temperature: float | None = None
    top_p: float | None = None
    background: bool | None = None
    completed_at: float | None = None
    conversation: ConversationInfo | None = None
    max_output_tokens: int | None = None
    max_tool_calls: int | None = None
    previous_response_id: str | None = None
    prompt: ResponsePromptInfo | None = None
    prompt_cache_key: str | None = None
    prompt_cache_retention: Literal["in-memory", "24h"] | None = None
    reasoning: JSONObject | None = None
    safety_identifier: str | None = None
    service_tier: Literal["auto", "default", "flex", "scale", "priority"] | None = None
    text: JSONObject | None = None
    top_logprobs: int | None = None
    truncation: Literal["auto", "disabled"] | None = None
    usage: ResponseUsage | None = None
    user: str | None = None
    session_id: str | None = None
