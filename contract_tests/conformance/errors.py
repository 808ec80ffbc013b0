"""The ``errors`` clause: every contract error status and message reaches the caller as
:class:`AdapterError` with that status and message (and, when the client reports one,
the contract's error type), for plain and streamed requests alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import hypothesis.strategies as st

from sequrity_contract.mockserver import ApiError
from sequrity_contract.schemas import ERROR_TYPES

from ..adapters.base import AdapterError, SequrityOptions
from .environment import ConformanceEnv
from .failures import ClauseFailure, not_an_adapter_error, reproduction
from .registry import clause

__all__ = ["ErrorCase", "check_error", "error_cases", "errors"]

REQUEST = {"model": "conformance-errors", "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}


@dataclass(frozen=True)
class ErrorCase:
    """The server answers ``status`` with ``message``; ``stream`` says how the client asked."""

    status: int
    message: str
    stream: bool


_messages = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)


error_cases = st.builds(ErrorCase, st.sampled_from(sorted(ERROR_TYPES)), _messages, st.booleans())
"""Every contract error status, a message, plain or streamed."""


@clause(error_cases, title="each error status and body surfaces as an error with that status and message")
async def errors(env: ConformanceEnv, case: ErrorCase) -> None:
    """The error answer ``{"type": "error", "error": {type, message}, "detail": message}``."""
    env.fresh()
    await check_error(env, case, REQUEST, env.options(), exact_message=True)


async def check_error(env: ConformanceEnv, case: ErrorCase, request: dict[str, Any], options: SequrityOptions, *,
                      exact_message: bool) -> None:
    """The server answers ``request`` (to ``options.endpoint``) with the contract's error body for
    ``case``; the adapter raises :class:`AdapterError` with the status and the message (equal to the
    server's when ``exact_message``, else containing it: an SDK may prefix its own words) and, with
    ``exact_message``, the contract's error type when the client reports one (an SDK of another
    provider's format reads ``type`` from elsewhere)."""
    env.script(ApiError(case.status, case.message))
    repro = reproduction(request, options, stream=case.stream)
    try:
        if case.stream:
            await env.adapter.stream(request, options)
        else:
            await env.adapter.send(request, options)
    except AdapterError as error:
        if (error.status, error.kind) != (case.status, "status"):
            title = "the error does not carry the HTTP status"
            raise ClauseFailure(title, f"Expected: status={case.status}, kind='status'\n"
                                       f"Received: status={error.status}, kind={error.kind!r}",
                                key=f"{title}:{case.status}", reproduction=repro) from error
        carried = error.message == case.message if exact_message else case.message in error.message
        if not carried:
            raise ClauseFailure("the error does not carry the server's message",
                                f"Expected: {case.message!r}\nReceived: {error.message!r}",
                                reproduction=repro) from error
        expected_type = ERROR_TYPES[case.status]
        if exact_message and error.error_type is not None and error.error_type != expected_type:
            raise ClauseFailure("the error reports another error type than the server's",
                                f"Expected: {expected_type!r}\nReceived: {error.error_type!r}",
                                reproduction=repro) from error
        return
    except Exception as exc:
        raise not_an_adapter_error(exc, repro) from exc
    raise ClauseFailure("an error answer was returned as a success",
                        f"Expected: AdapterError(status={case.status})\nReceived: a result", reproduction=repro)
