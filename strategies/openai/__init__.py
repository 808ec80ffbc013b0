"""Hand-written strategies of the OpenAI-format endpoints: chat completions (:mod:`.chat`) and the
Responses API (:mod:`.responses`, :mod:`.responses_invalid`), sharing the function tools of
:mod:`.functions`. Importing this package registers each endpoint's strategies
(:func:`..endpoints.register_strategies`); their public names are re-exported by
:mod:`sequrity_contract.strategies`."""

from __future__ import annotations

from .chat import CHAT_MUTATIONS, chat_chunks, chat_conversations, chat_invalid_requests, chat_requests, chat_responses
from .responses import (
    responses_answers,
    responses_events,
    responses_inputs,
    responses_requests,
)
from .responses_invalid import RESPONSES_MUTATIONS, responses_invalid_requests

__all__ = ["CHAT_MUTATIONS", "RESPONSES_MUTATIONS", "chat_chunks", "chat_conversations", "chat_invalid_requests",
           "chat_requests", "chat_responses", "responses_answers", "responses_events", "responses_inputs",
           "responses_invalid_requests", "responses_requests"]
