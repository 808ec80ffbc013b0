"""Mutations the OpenAI-format invalid-request strategies share (chat completions and responses):
each breaks one rule of a valid request and names it with its JSON path."""

from __future__ import annotations

from typing import Any

import hypothesis.strategies as st

from ..invalid import Mutation


def missing_model(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
    """No ``model``: a required field."""
    del r["model"]
    return "schema:required", "$.model"


def temperature_above(rule: str, maximum: float) -> Mutation:
    """A mutation that sets ``temperature`` above ``maximum``, which the rule named ``rule`` refuses
    (the one :func:`~sequrity_contract.schemas.rules.temperature_within` registered for the document)."""
    def temperature_too_high(draw: st.DrawFn, r: dict[str, Any]) -> tuple[str, str]:
        r["temperature"] = draw(st.floats(maximum, 100, exclude_min=True, allow_nan=False))
        return rule, "$.temperature"

    return temperature_too_high
