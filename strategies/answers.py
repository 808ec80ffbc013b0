"""What every endpoint's answer strategy shares: the answer to the request a caller gives (checked
against the endpoint's request document) or to a drawn one, in a session the caller gives, else the
one the request's history embeds, else a drawn one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from . import leaves
from .validation import check_document, check_session_id

DrawAnswer = Callable[[st.DrawFn, dict[str, Any], str], dict[str, Any]]
"""Draws the answer to a request in a session: ``draw_answer(draw, request, session)``."""


def answers_to(for_request: Any, session_id: Any, *, document: str, what: str,
               requests: Callable[[], SearchStrategy[dict[str, Any]]],
               session_of: Callable[[dict[str, Any]], str | None],
               draw_answer: DrawAnswer) -> SearchStrategy[dict[str, Any]]:
    """Answers drawn by ``draw_answer`` to ``for_request`` (checked: valid against ``document``,
    ``what`` saying so in the error) or, when None, to a request from ``requests()``; the session is
    ``session_id`` (checked: None or a UUID), else ``session_of(request)``, else a drawn UUID."""
    if for_request is not None:
        check_document(for_request, "for_request", document, what)
    check_session_id(session_id)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        request = for_request if for_request is not None else draw(requests())
        session = session_id or session_of(request) or draw(leaves.uuids)
        return draw_answer(draw, request, session)

    return build()
