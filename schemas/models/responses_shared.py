"""The definitions ``responses-request.json`` and ``responses-response.json`` share, modelled once:
an output item a response returns is the input item a request sends back, under another name
(``McpCall`` answers, ``McpCallParam`` is sent; each model's docstring names both).
:mod:`.responses_request` and :mod:`.responses_response` import them, and
:mod:`sequrity_contract.schemas.models` exports each under both names."""

from __future__ import annotations

from typing import Literal

from ._base import ContractModel, JSONObject, omittable


class ComputerPendingSafetyCheck(ContractModel):
    """``ComputerPendingSafetyCheck`` of ``responses-response.json``,
    ``ComputerCallOutputAcknowledgedSafetyCheck`` of ``responses-request.json``."""

    id: str
    code: str | None = None
    message: str | None = None


class ConversationInfo(ContractModel):
    """``ConversationInfo`` of ``responses-response.json``,
    ``ConversationParam`` of ``responses-request.json``."""

    id: str


class FunctionToolCall(ContractModel):
    """``FunctionToolCall`` of ``responses-response.json``,
    ``ResponseFunctionToolCallParam`` of ``responses-request.json``."""

    type: Literal["function_call"]
    call_id: str
    name: str
    arguments: str
    id: str | None = None
    status: Literal["in_progress", "completed", "incomplete"] | None = None


class ImageGenerationCall(ContractModel):
    """``ImageGenerationCall`` of ``responses-response.json``,
    ``ImageGenerationCallParam`` of ``responses-request.json``."""

    type: Literal["image_generation_call"]
    id: str
    status: Literal["in_progress", "completed", "generating", "failed"]
    result: str | None = None


class LocalShellCall(ContractModel):
    """``LocalShellCall`` of ``responses-response.json``,
    ``LocalShellCallParam`` of ``responses-request.json``."""

    type: Literal["local_shell_call"]
    id: str
    action: LocalShellCallAction
    call_id: str
    status: Literal["in_progress", "completed", "incomplete"]


class LocalShellCallAction(ContractModel):
    """``LocalShellCallAction`` of ``responses-response.json``,
    ``LocalShellCallActionParam`` of ``responses-request.json``."""

    command: list[str]
    type: Literal["exec"]
    env: dict[str, str] = omittable()
    timeout_ms: int | None = None
    user: str | None = None
    working_directory: str | None = None


class McpApprovalRequest(ContractModel):
    """``McpApprovalRequest`` of ``responses-response.json``,
    ``McpApprovalRequestParam`` of ``responses-request.json``."""

    type: Literal["mcp_approval_request"]
    id: str
    arguments: str
    name: str
    server_label: str


class McpCall(ContractModel):
    """``McpCall`` of ``responses-response.json``,
    ``McpCallParam`` of ``responses-request.json``."""

    type: Literal["mcp_call"]
    id: str
    arguments: str
    name: str
    server_label: str
    approval_request_id: str | None = None
    error: str | None = None
    output: str | None = None
    status: Literal["in_progress", "completed", "incomplete", "calling", "failed"] | None = None


class McpListTools(ContractModel):
    """``McpListTools`` of ``responses-response.json``,
    ``McpListToolsParam`` of ``responses-request.json``."""

    type: Literal["mcp_list_tools"]
    id: str
    server_label: str
    tools: list[McpListToolsTool]
    error: str | None = None


class McpListToolsTool(ContractModel):
    """``McpListToolsTool`` of ``responses-response.json``,
    ``McpListToolsToolParam`` of ``responses-request.json``."""

    input_schema: JSONObject
    name: str
    annotations: JSONObject | None = None
    description: str | None = None


class ReasoningSummary(ContractModel):
    """``ReasoningSummary`` of ``responses-response.json``,
    ``ReasoningItemSummaryParam`` of ``responses-request.json``."""

    text: str
    type: Literal["summary_text"]


class Refusal(ContractModel):
    """``Refusal`` of ``responses-response.json``,
    ``OutputRefusalParam`` of ``responses-request.json``."""

    type: Literal["refusal"]
    refusal: str


class ResponseCustomToolCall(ContractModel):
    """``ResponseCustomToolCall`` of ``responses-response.json``,
    ``ResponseCustomToolCallParam`` of ``responses-request.json``."""

    type: Literal["custom_tool_call"]
    call_id: str
    name: str
    input: str
    id: str | None = None


class ResponsePromptInfo(ContractModel):
    """``ResponsePromptInfo`` of ``responses-response.json``,
    ``ResponsePromptParam`` of ``responses-request.json``."""

    id: str
    variables: dict[str, str] | None = None
