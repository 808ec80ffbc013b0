"""Typed view of ``response.json``: :class:`AnthropicMessageResponse` and its parts."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import ContractModel, JSONObject


class TextCitation(ContractModel):
    """A citation supporting a text block."""

    type: str


class TextBlock(ContractModel):
    """Answer text."""

    type: Literal["text"]
    text: str
    citations: list[TextCitation] | None = None


class ThinkingBlock(ContractModel):
    """Thinking, Sequrity style: a ``text`` field."""

    type: Literal["thinking"]
    text: str


class RedactedThinkingBlock(ContractModel):
    """Thinking the provider withheld."""

    type: Literal["redacted_thinking"]


class ToolUseBlock(ContractModel):
    """A tool call; ``input`` is the JSON object of arguments."""

    type: Literal["tool_use"]
    id: str
    name: str
    input: JSONObject


class ServerToolUseBlock(ContractModel):
    """A server-side tool call (e.g. web search)."""

    type: Literal["server_tool_use"]
    id: str
    name: str


class WebSearchToolResultBlock(ContractModel):
    """The result of a server-side web search."""

    type: Literal["web_search_tool_result"]


ContentBlock = Annotated[
    TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock | ServerToolUseBlock
    | WebSearchToolResultBlock,
    Field(discriminator="type"),
]


class CacheCreation(ContractModel):
    """Cached tokens by time-to-live."""


class ServerToolUsage(ContractModel):
    """Server tool requests made."""


class Usage(ContractModel):
    """Token accounting."""

    input_tokens: int
    output_tokens: int
    cache_creation_input_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation: CacheCreation | None = None
    server_tool_use: ServerToolUsage | None = None
    service_tier: Literal["standard", "priority", "batch"] | None = None


StopReason = Literal["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"]


class AnthropicMessageResponse(ContractModel):
    """Non-streaming answer of ``POST .../v1/messages``."""

    id: str
    type: Literal["message"]
    role: Literal["assistant"]
    content: list[ContentBlock]
    model: str
    stop_reason: StopReason | None = None
    stop_sequence: str | None = None
    usage: Usage
    session_id: str | None = None
