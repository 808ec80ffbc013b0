"""Typed view of ``responses-event.json``: :class:`ResponsesStreamEvent` and the typed events of a
responses stream (each the ``data:`` line of an SSE event whose ``event:`` line is its ``type``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel

from ._base import ContractModel, JSONObject


class ResponseCompletedEvent(ContractModel):
    """``ResponseCompletedEvent`` of ``responses-event.json``."""

    response: JSONObject
    sequence_number: int
    type: Literal["response.completed"] = "response.completed"


class ResponseContentPartAddedEvent(ContractModel):
    """``ResponseContentPartAddedEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    content_index: int
    part: JSONObject
    sequence_number: int
    type: Literal["response.content_part.added"] = "response.content_part.added"


class ResponseContentPartDoneEvent(ContractModel):
    """``ResponseContentPartDoneEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    content_index: int
    part: JSONObject
    sequence_number: int
    type: Literal["response.content_part.done"] = "response.content_part.done"


class ResponseCreatedEvent(ContractModel):
    """``ResponseCreatedEvent`` of ``responses-event.json``."""

    response: JSONObject
    sequence_number: int
    type: Literal["response.created"] = "response.created"


class ResponseFailedEvent(ContractModel):
    """``ResponseFailedEvent`` of ``responses-event.json``."""

    response: JSONObject
    sequence_number: int
    type: Literal["response.failed"] = "response.failed"


class ResponseFunctionCallArgumentsDeltaEvent(ContractModel):
    """``ResponseFunctionCallArgumentsDeltaEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    delta: str
    sequence_number: int
    type: Literal["response.function_call_arguments.delta"] = "response.function_call_arguments.delta"


class ResponseFunctionCallArgumentsDoneEvent(ContractModel):
    """``ResponseFunctionCallArgumentsDoneEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    name: str
    arguments: str
    sequence_number: int
    type: Literal["response.function_call_arguments.done"] = "response.function_call_arguments.done"


class ResponseInProgressEvent(ContractModel):
    """``ResponseInProgressEvent`` of ``responses-event.json``."""

    response: JSONObject
    sequence_number: int
    type: Literal["response.in_progress"] = "response.in_progress"


class ResponseIncompleteEvent(ContractModel):
    """``ResponseIncompleteEvent`` of ``responses-event.json``."""

    response: JSONObject
    sequence_number: int
    type: Literal["response.incomplete"] = "response.incomplete"


class ResponseOutputItemAddedEvent(ContractModel):
    """``ResponseOutputItemAddedEvent`` of ``responses-event.json``."""

    output_index: int
    item: JSONObject
    sequence_number: int
    type: Literal["response.output_item.added"] = "response.output_item.added"


class ResponseOutputItemDoneEvent(ContractModel):
    """``ResponseOutputItemDoneEvent`` of ``responses-event.json``."""

    output_index: int
    item: JSONObject
    sequence_number: int
    type: Literal["response.output_item.done"] = "response.output_item.done"


class ResponseReasoningSummaryPartAddedEvent(ContractModel):
    """``ResponseReasoningSummaryPartAddedEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    summary_index: int
    part: JSONObject
    sequence_number: int
    type: Literal["response.reasoning_summary_part.added"] = "response.reasoning_summary_part.added"


class ResponseReasoningSummaryPartDoneEvent(ContractModel):
    """``ResponseReasoningSummaryPartDoneEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    summary_index: int
    part: JSONObject
    sequence_number: int
    type: Literal["response.reasoning_summary_part.done"] = "response.reasoning_summary_part.done"


class ResponseReasoningSummaryTextDeltaEvent(ContractModel):
    """``ResponseReasoningSummaryTextDeltaEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    summary_index: int
    delta: str
    sequence_number: int
    type: Literal["response.reasoning_summary_text.delta"] = "response.reasoning_summary_text.delta"


class ResponseReasoningSummaryTextDoneEvent(ContractModel):
    """``ResponseReasoningSummaryTextDoneEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    summary_index: int
    text: str
    sequence_number: int
    type: Literal["response.reasoning_summary_text.done"] = "response.reasoning_summary_text.done"


class ResponseTextDeltaEvent(ContractModel):
    """``ResponseTextDeltaEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    content_index: int
    delta: str
    sequence_number: int
    type: Literal["response.output_text.delta"] = "response.output_text.delta"


class ResponseTextDoneEvent(ContractModel):
    """``ResponseTextDoneEvent`` of ``responses-event.json``."""

    item_id: str
    output_index: int
    content_index: int
    text: str
    sequence_number: int
    type: Literal["response.output_text.done"] = "response.output_text.done"


class ResponsesStreamEvent(
    RootModel[
        Annotated[
            ResponseCreatedEvent
            | ResponseInProgressEvent
            | ResponseCompletedEvent
            | ResponseFailedEvent
            | ResponseIncompleteEvent
            | ResponseOutputItemAddedEvent
            | ResponseOutputItemDoneEvent
            | ResponseContentPartAddedEvent
            | ResponseContentPartDoneEvent
            | ResponseTextDeltaEvent
            | ResponseTextDoneEvent
            | ResponseFunctionCallArgumentsDeltaEvent
            | ResponseFunctionCallArgumentsDoneEvent
            | ResponseReasoningSummaryPartAddedEvent
            | ResponseReasoningSummaryPartDoneEvent
            | ResponseReasoningSummaryTextDeltaEvent
            | ResponseReasoningSummaryTextDoneEvent,
            Field(discriminator="type"),
        ]
    ]
):
    """Any event of a responses stream (``OpenAiResponseStreamEvent``), told apart by ``type``."""
