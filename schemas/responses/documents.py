"""The documents of the responses endpoint, registered at run time (:func:`~..registry.register_document`).

``responses.request``, ``responses.response`` and ``responses.event`` (``documents/responses-*.json``)
are the JSON Schemas of the published ``ResponsesRequest``, ``ResponsesResponse`` and
``OpenAiResponseStreamEvent`` models, annotations dropped. Their typed views are in :mod:`..models`
(``ResponsesRequest``, ``ResponsesResponse``, ``ResponsesStreamEvent``); the OpenAPI export
(:mod:`..openapi`) describes them as it does the package's documents.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..registry import register_document

REQUEST, RESPONSE, EVENT = "responses.request", "responses.response", "responses.event"
"""The names of the endpoint's documents (:func:`~..registry.validate`, :func:`~..registry.load`)."""

FILES: dict[str, str] = {REQUEST: "responses-request.json", RESPONSE: "responses-response.json",
                         EVENT: "responses-event.json"}


def _read(filename: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        resources.files("sequrity_contract.schemas").joinpath("documents", filename).read_text("utf-8"))
    return document


for _name, _filename in FILES.items():
    register_document(_name, _read(_filename))
