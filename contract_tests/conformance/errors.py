"""The ``errors`` clause: every contract error status and message reaches the caller as
:class:`AdapterError` with that status and message (and, when the client reports one,
the contract's error type), for plain and streamed requests alike."""

from __future__ import annotations

from dataclasses import dataclass

import hypothesis.strategies as st

from sequrity_contract.mockserver import ApiError
from sequrity_contract.schemas import ERROR_TYPES

from ..adapters.base import AdapterError
from .environment import ConformanceEnv
from .failures import ClauseFailure, reproduction, shorten
from .registry import clause

__all__ = ["ErrorCase", "errors"]

REQUEST = {"model": "conformance-errors", "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}


@dataclass(frozen=True)
class ErrorCase:
    """The server answers ``status`` with ``message``; ``stream`` says how the client asked."""

    status: int
    message: str
    stream: bool


_messages = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40)


@clause(st.builds(ErrorCase, st.sampled_from(sorted(ERROR_TYPES)), _messages, st.booleans()),
        title="each error status and body surfaces as an error with that status and message")
async def errors(env: ConformanceEnv, case: ErrorCase) -> None:
    """The error answer ``{"type": "error", "error": {type, message}, "detail": message}``."""
    env.fresh()
    env.script(ApiError(case.status, case.message))
    options = env.options()
    repro = reproduction(REQUEST, options, stream=case.stream)
    try:
        if case.stream:
            await env.adapter.stream(REQUEST, options)
        else:
            await env.adapter.send(REQUEST, options)
    except AdapterError as error:
        received = (error.status, error.message, error.kind)
        expected = (case.status, case.message, "status")
        if received[0] != expected[0] or received[2] != expected[2]:
            title = "the error does not carry the HTTP status"
            raise ClauseFailure(title, f"Expected: status={case.status}, kind='status'\n"
                                       f"Received: status={error.status}, kind={error.kind!r}",
                                key=f"{title}:{case.status}", reproduction=repro) from error
        if error.message != case.message:
            raise ClauseFailure("the error does not carry the server's message",
                                f"Expected: {case.message!r}\nReceived: {error.message!r}",
                                reproduction=repro) from error
        expected_type = ERROR_TYPES[case.status]
        if error.error_type is not None and error.error_type != expected_type:
            raise ClauseFailure("the error reports another error type than the server's",
                                f"Expected: {expected_type!r}\nReceived: {error.error_type!r}",
                                reproduction=repro) from error
        return
    except Exception as exc:
        title = f"the adapter raised {type(exc).__name__} instead of AdapterError"
        raise ClauseFailure(title, f"Received: {type(exc).__name__}: {shorten(str(exc))}",
                            reproduction=repro) from exc
    raise ClauseFailure("an error answer was returned as a success",
                        f"Expected: AdapterError(status={case.status})\nReceived: a result", reproduction=repro)
