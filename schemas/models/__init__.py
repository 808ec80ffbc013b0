"""Typed pydantic (v2) views of the contract's JSON Schema documents.

Each model mirrors its document field for field (tests/schemas/test_schema_models.py
proves the JSON Schemas equivalent), and a document round-trips through it unchanged:

>>> from sequrity_contract.schemas.models import AnthropicMessageRequest, as_document
>>> body = {"model": "m", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}
>>> as_document(AnthropicMessageRequest.model_validate(body)) == body
True
"""

from __future__ import annotations

from typing import Any

try:
    from pydantic import BaseModel
except ImportError as exc:  # a plain install has no pydantic: the models are an extra
    raise ImportError("sequrity_contract.schemas.models needs pydantic>=2.10: "
                      "pip install 'sequrity-contract[models]'") from exc

from ._base import ClosedModel, ContractModel
from .errors import ErrorBody, ErrorDetail
from .events import (
    CitationsDelta,
    ContentBlockDeltaEvent,
    ContentBlockStartEvent,
    ContentBlockStopEvent,
    ErrorEvent,
    InputJSONDelta,
    MessageDeltaBody,
    MessageDeltaEvent,
    MessageDeltaUsage,
    MessageStartEvent,
    MessageStopEvent,
    PingEvent,
    RedactedThinkingBlockStart,
    ServerToolUseBlockStart,
    SignatureDelta,
    StreamEvent,
    TextBlockStart,
    TextDelta,
    ThinkingBlockStart,
    ThinkingDelta,
    ToolUseBlockStart,
    WebSearchToolResultBlockStart,
)
from .headers import (
    ConstraintConfig,
    ControlFlowMetaPolicy,
    FsmOverrides,
    InternalPolicyPresets,
    LlmPromptOverrides,
    PllmPromptOverrides,
    PolicyCode,
    PromptOverrides,
    ResponseFormatOverrides,
    RllmPromptOverrides,
    TaggerConfig,
    TllmPromptOverrides,
    XConfig,
    XFeatures,
    XPolicy,
)
from .request import (
    AnthropicMessageRequest,
    Base64DocumentSourceParam,
    Base64ImageSourceParam,
    DocumentBlockParam,
    ImageBlockParam,
    JSONOutputFormatParam,
    MessageParam,
    MetadataParam,
    OutputConfigParam,
    TextBlockParam,
    ThinkingBlockParam,
    ThinkingConfigAdaptiveParam,
    ThinkingConfigDisabledParam,
    ThinkingConfigEnabledParam,
    ToolChoiceAnyParam,
    ToolChoiceAutoParam,
    ToolChoiceNoneParam,
    ToolChoiceToolParam,
    ToolInputSchema,
    ToolParam,
    ToolResultBlockParam,
    ToolUseBlockParam,
    URLImageSourceParam,
)
from .response import (
    AnthropicMessageResponse,
    CacheCreation,
    RedactedThinkingBlock,
    ServerToolUsage,
    ServerToolUseBlock,
    TextBlock,
    TextCitation,
    ThinkingBlock,
    ToolUseBlock,
    Usage,
    WebSearchToolResultBlock,
)

DOCUMENT_MODELS: dict[str, type[BaseModel]] = {
    "request": AnthropicMessageRequest,
    "response": AnthropicMessageResponse,
    "event": StreamEvent,
    "error": ErrorBody,
    "x-features": XFeatures,
    "x-policy": XPolicy,
    "x-config": XConfig,
    "event.message_start": MessageStartEvent,
    "event.content_block_start": ContentBlockStartEvent,
    "event.content_block_delta": ContentBlockDeltaEvent,
    "event.content_block_stop": ContentBlockStopEvent,
    "event.message_delta": MessageDeltaEvent,
    "event.message_stop": MessageStopEvent,
    "event.ping": PingEvent,
    "event.error": ErrorEvent,
}
"""The model of every name :func:`sequrity_contract.schemas.load` accepts."""


def as_document(model: BaseModel) -> Any:
    """The JSON document ``model`` was validated from: only the keys it was given
    (no filled-in defaults), JSON types, wire names (``schema``, not ``schema_``)."""
    return model.model_dump(mode="json", exclude_unset=True, by_alias=True)


__all__ = [
    "DOCUMENT_MODELS",
    "AnthropicMessageRequest",
    "AnthropicMessageResponse",
    "Base64DocumentSourceParam",
    "Base64ImageSourceParam",
    "CacheCreation",
    "CitationsDelta",
    "ClosedModel",
    "ConstraintConfig",
    "ContentBlockDeltaEvent",
    "ContentBlockStartEvent",
    "ContentBlockStopEvent",
    "ContractModel",
    "ControlFlowMetaPolicy",
    "DocumentBlockParam",
    "ErrorBody",
    "ErrorDetail",
    "ErrorEvent",
    "FsmOverrides",
    "ImageBlockParam",
    "InputJSONDelta",
    "InternalPolicyPresets",
    "JSONOutputFormatParam",
    "LlmPromptOverrides",
    "MessageDeltaBody",
    "MessageDeltaEvent",
    "MessageDeltaUsage",
    "MessageParam",
    "MessageStartEvent",
    "MessageStopEvent",
    "MetadataParam",
    "OutputConfigParam",
    "PingEvent",
    "PllmPromptOverrides",
    "PolicyCode",
    "PromptOverrides",
    "RedactedThinkingBlock",
    "RedactedThinkingBlockStart",
    "ResponseFormatOverrides",
    "RllmPromptOverrides",
    "ServerToolUsage",
    "ServerToolUseBlock",
    "ServerToolUseBlockStart",
    "SignatureDelta",
    "StreamEvent",
    "TaggerConfig",
    "TextBlock",
    "TextBlockParam",
    "TextBlockStart",
    "TextCitation",
    "TextDelta",
    "ThinkingBlock",
    "ThinkingBlockParam",
    "ThinkingBlockStart",
    "ThinkingConfigAdaptiveParam",
    "ThinkingConfigDisabledParam",
    "ThinkingConfigEnabledParam",
    "ThinkingDelta",
    "TllmPromptOverrides",
    "ToolChoiceAnyParam",
    "ToolChoiceAutoParam",
    "ToolChoiceNoneParam",
    "ToolChoiceToolParam",
    "ToolInputSchema",
    "ToolParam",
    "ToolResultBlockParam",
    "ToolUseBlock",
    "ToolUseBlockParam",
    "ToolUseBlockStart",
    "URLImageSourceParam",
    "Usage",
    "WebSearchToolResultBlock",
    "WebSearchToolResultBlockStart",
    "XConfig",
    "XFeatures",
    "XPolicy",
    "as_document",
]
