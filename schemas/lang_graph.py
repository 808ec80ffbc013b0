"""The lang-graph extension of a request body: ``user_provided_program`` and ``context_vars``.

On a ``lang-graph`` route the official client adds these two fields to the body of the endpoint it
calls (messages, chat completions); the document ``lang-graph`` describes them once for every
endpoint. It is registered as a run-time document (:func:`~.registry.register_document`): the
endpoints' own request documents stay as they are, so their strategies never draw a program.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from .registry import register_document, validate
from .violations import Violation

DOCUMENT = "lang-graph"
"""The name of the document (for :func:`~.registry.validate` and :func:`~.registry.load`)."""

PROGRAM, CONTEXT_VARS = "user_provided_program", "context_vars"
FIELDS: tuple[str, ...] = (PROGRAM, CONTEXT_VARS)

register_document(DOCUMENT, json.loads(
    resources.files(__package__).joinpath("documents", "lang-graph.json").read_text("utf-8")))


def lang_graph_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The lang-graph fields ``body`` holds (an empty dict: none)."""
    return {name: body[name] for name in FIELDS if name in body}


def lang_graph_violations(body: dict[str, Any]) -> list[Violation]:
    """What is wrong with the lang-graph fields of ``body`` (empty: nothing), each naming its path."""
    return validate(DOCUMENT, lang_graph_fields(body), from_json=True)
