"""Typed view of ``chat-response.json``: :class:`ChatCompletionResponse` and its parts."""

from __future__ import annotations

from typing import Literal

from ._base import ContractModel
from .chat_request import ToolCallFunction


class Annotation(ContractModel):
    """``Annotation`` of ``chat-response.json``."""

    type: Literal["url_citation"]
    url_citation: AnnotationUrlCitation


class AnnotationUrlCitation(ContractModel):
    """``AnnotationUrlCitation`` of ``chat-response.json``."""

    end_index: int
    start_index: int
    title: str
    url: str


class AudioResponse(ContractModel):
    """``AudioResponse`` of ``chat-response.json``."""

    id: str
    data: str
    expires_at: int
    transcript: str


class Choice(ContractModel):
    """``Choice`` of ``chat-response.json``."""

    finish_reason: Literal["stop", "length", "tool_calls", "content_filter", "function_call", "error"] | str
    index: int
    message: ResponseMessage
    logprobs: ChoiceLogprobs | None = None


class ChoiceLogprobs(ContractModel):
    """``ChoiceLogprobs`` of ``chat-response.json``."""

    content: list[TokenLogprob] | None = None
    refusal: list[TokenLogprob] | None = None


class CompletionUsage(ContractModel):
    """``CompletionUsage`` of ``chat-response.json``."""

    completion_tokens: int
    prompt_tokens: int
    total_tokens: int


class ResponseMessage(ContractModel):
    """``ResponseMessage`` of ``chat-response.json``."""

    role: Literal["assistant"]
    content: str | None = None
    refusal: str | None = None
    annotations: list[Annotation] | None = None
    audio: AudioResponse | None = None
    tool_calls: list[ResponseToolCall] | None = None


class ResponseToolCall(ContractModel):
    """``ResponseToolCall`` of ``chat-response.json``."""

    id: str
    type: Literal["function"]
    function: ToolCallFunction


class TokenLogprob(ContractModel):
    """``TokenLogprob`` of ``chat-response.json``."""

    token: str
    logprob: float
    top_logprobs: list[TopLogprob]
    bytes: list[int] | None = None


class TopLogprob(ContractModel):
    """``TopLogprob`` of ``chat-response.json``."""

    token: str
    logprob: float
    bytes: list[int] | None = None


class ChatCompletionResponse(ContractModel):
    """Body of a 200 answer of POST .../v1/chat/completions without stream (ChatCompletionResponse)."""

    id: str
    choices: list[Choice]
    created: int
    model: str
    object: Literal["chat.completion"]
    usage: CompletionUsage | None = None
    session_id: str | None = None
