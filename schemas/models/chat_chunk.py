"""Typed view of ``chat-chunk.json``: :class:`ChatCompletionChunk` and its parts."""

from __future__ import annotations

from typing import Literal

from ._base import ContractModel, JSONObject


class ChunkChoice(ContractModel):
    """``ChunkChoice`` of ``chat-chunk.json``."""

    index: int
    delta: ChunkChoiceDelta
    finish_reason: Literal["stop", "length", "tool_calls", "content_filter", "function_call"] | None = None
    logprobs: ChunkChoiceLogprobs | None = None


class ChunkChoiceDelta(ContractModel):
    """``ChunkChoiceDelta`` of ``chat-chunk.json``."""

    role: Literal["assistant"] | None = None
    content: str | None = None
    refusal: str | None = None
    tool_calls: list[ChunkChoiceDeltaToolCall] | None = None
    reasoning_content: str | None = None


class ChunkChoiceDeltaFunctionCall(ContractModel):
    """``ChunkChoiceDeltaFunctionCall`` of ``chat-chunk.json``."""

    name: str | None = None
    arguments: str | None = None


class ChunkChoiceDeltaToolCall(ContractModel):
    """``ChunkChoiceDeltaToolCall`` of ``chat-chunk.json``."""

    index: int
    id: str | None = None
    type: Literal["function"] | None = None
    function: ChunkChoiceDeltaFunctionCall | None = None


class ChunkChoiceLogprobs(ContractModel):
    """``ChunkChoiceLogprobs`` of ``chat-chunk.json``."""

    content: list[JSONObject] | None = None
    refusal: list[JSONObject] | None = None


class ChunkCompletionTokensDetails(ContractModel):
    """``ChunkCompletionTokensDetails`` of ``chat-chunk.json``."""

    accepted_prediction_tokens: int | None = None
    audio_tokens: int | None = None
    reasoning_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


class ChunkCompletionUsage(ContractModel):
    """``ChunkCompletionUsage`` of ``chat-chunk.json``."""

    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    completion_tokens_details: ChunkCompletionTokensDetails | None = None
    prompt_tokens_details: ChunkPromptTokensDetails | None = None


class ChunkPromptTokensDetails(ContractModel):
    """``ChunkPromptTokensDetails`` of ``chat-chunk.json``."""

    audio_tokens: int | None = None
    cached_tokens: int | None = None


class ChatCompletionChunk(ContractModel):
    """One data line of a chat completions stream (ChatCompletionChunk); the stream ends with data: [DONE]."""

    id: str
    choices: list[ChunkChoice]
    created: int
    model: str
    object: Literal["chat.completion.chunk"]
    service_tier: Literal["auto", "default", "flex", "scale", "priority"] | None = None
    system_fingerprint: str | None = None
    usage: ChunkCompletionUsage | None = None
