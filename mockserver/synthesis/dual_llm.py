"""The dual-LLM result document: what the text of a dual-LLM answer holds (docs/contract.md §4).

``{"status": "success" | "failure", "final_return_value": {"value": …, "meta": {…}} | null,
"error": {"code", "message"} | null, "program": "…"}``, the final value wrapped with its metadata
as the official client's ``ResponseContentJsonSchema`` reads it. Every synthesizer that answers in
the dual-LLM architecture builds its text here, whatever its endpoint's format.
"""

from __future__ import annotations

import json
from typing import Any

DEFAULT_META: dict[str, list[str]] = {"producers": [], "consumers": ["*"], "tags": []}
"""The metadata of a final value: produced by no tool, readable by everyone, untagged."""


def success(value: Any, program: str) -> dict[str, Any]:
    """The document of a program that ran to its end with ``value``."""
    return {"status": "success", "final_return_value": {"value": value, "meta": DEFAULT_META},
            "error": None, "program": program}


def failure(code: str, message: str, program: str) -> dict[str, Any]:
    """The document of a program that stopped with an error (``code``: a short word for its kind)."""
    return {"status": "failure", "final_return_value": None, "error": {"code": code, "message": message},
            "program": program}


def text_program(text: str) -> str:
    """The program of an answer that is plain ``text``: one assignment of it."""
    return f"final_return_value = {json.dumps(text, ensure_ascii=False)}"
