"""The responses endpoint (OpenAI Responses format through Sequrity, docs/routes/responses.md): its
documents (``responses.request``, ``responses.response``, ``responses.event``, derived from the
published ``sequrity.types.responses`` models), their semantic rules (:mod:`.rules`) and the
codec between a response and its typed stream events (:mod:`.stream`).

The endpoint (:mod:`.endpoint`) serves ``POST /control/{endpoint_type}[/{provider}]/v1/responses``.
"""

from __future__ import annotations

from . import rules as rules  # registers the endpoint's semantic rules
from .documents import EVENT, REQUEST, RESPONSE
from .endpoint import RESPONSES
from .stream import DIALECTS, TERMINAL, EventAccumulator, accumulate_events, opening_snapshot, to_events

__all__ = ["DIALECTS", "EVENT", "REQUEST", "RESPONSE", "RESPONSES", "TERMINAL", "EventAccumulator", "accumulate_events",
           "opening_snapshot", "to_events"]
