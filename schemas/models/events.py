"""Typed view of ``event.json``: every stream event, the blocks ``content_block_start``
opens and the deltas ``content_block_delta`` carries. :class:`StreamEvent` is the union."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel

from ._base import ContractModel, EmptyObject, omittable
from .errors import ErrorDetail
from .response import (
    AnthropicMessageResponse,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    StopReason,
    TextCitation,
    WebSearchToolResultBlock,
)

# -- blocks as content_block_start opens them --------------------------------------------


class TextBlockStart(ContractModel):
    """A text block, opened empty; ``text_delta`` events fill it."""

    type: Literal["text"]
    text: Literal[""]
    citations: Annotated[list[TextCitation], Field(max_length=0)] | None = omittable()


class ThinkingBlockStart(ContractModel):
    """A thinking block, opened empty (Anthropic's field names)."""

    type: Literal["thinking"]
    thinking: Literal[""]
    signature: Literal[""]


class ToolUseBlockStart(ContractModel):
    """A tool call, opened with an empty ``input``; ``input_json_delta`` events fill it."""

    type: Literal["tool_use"]
    id: str
    name: str
    input: EmptyObject


RedactedThinkingBlockStart = RedactedThinkingBlock
ServerToolUseBlockStart = ServerToolUseBlock
WebSearchToolResultBlockStart = WebSearchToolResultBlock

BlockStart = Annotated[
    TextBlockStart | ThinkingBlockStart | RedactedThinkingBlock | ToolUseBlockStart | ServerToolUseBlock
    | WebSearchToolResultBlock,
    Field(discriminator="type"),
]

# -- deltas --------------------------------------------------------------------------------


class TextDelta(ContractModel):
    """More text for a text block."""

    type: Literal["text_delta"]
    text: str


class InputJSONDelta(ContractModel):
    """A piece of a tool call's input JSON."""

    type: Literal["input_json_delta"]
    partial_json: str


class ThinkingDelta(ContractModel):
    """More thinking text."""

    type: Literal["thinking_delta"]
    thinking: str


class SignatureDelta(ContractModel):
    """The signature that closes a thinking block."""

    type: Literal["signature_delta"]
    signature: str


class CitationsDelta(ContractModel):
    """One more citation for a text block."""

    type: Literal["citations_delta"]
    citation: TextCitation


Delta = Annotated[
    TextDelta | InputJSONDelta | ThinkingDelta | SignatureDelta | CitationsDelta,
    Field(discriminator="type"),
]


class MessageDeltaBody(ContractModel):
    """``message_delta.delta``: how the message stopped."""

    stop_reason: StopReason | None = omittable()
    stop_sequence: str | None = omittable()


class MessageDeltaUsage(ContractModel):
    """``message_delta.usage``: the final token counts."""

    output_tokens: int
    input_tokens: int | None = omittable()
    cache_creation_input_tokens: int | None = omittable()
    cache_read_input_tokens: int | None = omittable()


# -- events --------------------------------------------------------------------------------


class MessageStartEvent(ContractModel):
    """First event: the message with empty ``content`` and initial ``usage``."""

    type: Literal["message_start"]
    message: AnthropicMessageResponse


class ContentBlockStartEvent(ContractModel):
    """Opens the content block at ``index``."""

    type: Literal["content_block_start"]
    index: int = Field(ge=0)
    content_block: BlockStart


class ContentBlockDeltaEvent(ContractModel):
    """Extends the open content block at ``index``."""

    type: Literal["content_block_delta"]
    index: int = Field(ge=0)
    delta: Delta


class ContentBlockStopEvent(ContractModel):
    """Closes the content block at ``index``."""

    type: Literal["content_block_stop"]
    index: int = Field(ge=0)


class MessageDeltaEvent(ContractModel):
    """After the last block: stop reason and final usage."""

    type: Literal["message_delta"]
    delta: MessageDeltaBody
    usage: MessageDeltaUsage


class MessageStopEvent(ContractModel):
    """Last event."""

    type: Literal["message_stop"]


class PingEvent(ContractModel):
    """Keep-alive (``anthropic`` dialect only)."""

    type: Literal["ping"]


class ErrorEvent(ContractModel):
    """A mid-stream fault (``anthropic`` dialect only)."""

    type: Literal["error"]
    error: ErrorDetail


class StreamEvent(
    RootModel[
        Annotated[
            MessageStartEvent | ContentBlockStartEvent | ContentBlockDeltaEvent | ContentBlockStopEvent
            | MessageDeltaEvent | MessageStopEvent | PingEvent | ErrorEvent,
            Field(discriminator="type"),
        ]
    ]
):
    """Any stream event: the JSON of one ``data:`` line, told apart by ``type``."""
