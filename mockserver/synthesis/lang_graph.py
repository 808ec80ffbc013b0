"""Running the program of a lang-graph request, for any endpoint's synthesizer.

A synthesizer reads the tool results of its conversation (in its own format) and calls
:func:`step`; it renders a :class:`~..programs.Pending` as a call of that tool with that input,
and a dict as the text of a final answer (a dual-LLM document, :mod:`.dual_llm`). Bad fields,
programs the interpreter refuses and programs that fail are 400 errors naming the field or the
program's line; a tool result that is an error ends the program with a failure document.

A program runs off the event loop: :func:`off_the_loop` hands the synthesizer of a request that
carries one to a small pool of worker threads (:data:`PROGRAM_WORKERS`), so that a program running to
its bounds (:data:`LIMITS`: steps, seconds, list and value sizes) delays no other request; the loop
waits for its answer without blocking. When every worker is busy, further programs wait their turn.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sequrity_contract.schemas.lang_graph import CONTEXT_VARS, PROGRAM, lang_graph_violations
from sequrity_contract.schemas.tool_calls import HistoryItem, ToolCall, ToolResult

from ..errors import bad_request
from ..programs import Limits, Pending, ProgramError, Result, ToolFailed, run
from . import dual_llm

LIMITS = Limits()
"""The bounds of every run (the error of a run past one names it)."""
PROGRAM_WORKERS = 2
"""The worker threads that run programs (shared by every server of the process); more programs at once wait."""
T = TypeVar("T")
A = TypeVar("A")


@functools.cache
def _workers() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(PROGRAM_WORKERS, thread_name_prefix="lang-graph-program")


async def off_the_loop(function: Callable[[A], T], argument: A) -> T:
    """``function(argument)`` in one of the :data:`PROGRAM_WORKERS` threads, awaited without blocking the loop."""
    return await asyncio.get_running_loop().run_in_executor(_workers(), function, argument)


def has_program(endpoint_type: str, body: dict[str, Any]) -> bool:
    """True when the request asks to run a program: a lang-graph route and a ``user_provided_program``."""
    return endpoint_type == "lang-graph" and PROGRAM in body


def tool_result(result: ToolResult, name: str | None) -> Result:
    """One tool result as the program reads it, whatever the endpoint's format: an error with its
    text, else its value (the text read as JSON where it is JSON). ``name`` is the tool of the call it
    answers, when the conversation holds that call."""
    if result.error:
        return Result(name=name, error=result.text or "an error without text")
    return Result(result.value, name)

def tool_results(history: Sequence[HistoryItem]) -> list[Result]:
    """The results of a conversation's ``history`` (an endpoint's ``tool_calls.history``) in order, each
    with the name of the call it answers (when the history holds that call), read by :func:`tool_result`."""
    names: dict[str, str] = {}
    results: list[Result] = []
    for item in history:
        if isinstance(item, ToolCall):
            names[item.id] = item.name
        else:
            results.append(tool_result(item, names.get(item.call_id)))
    return results


def step(body: dict[str, Any], results: Sequence[Result], tools: Collection[str]) -> Pending | dict[str, Any]:
    """Replay the program of ``body`` with ``results`` as the results of its first external calls:
    the next call to make, or the dual-LLM document of its end."""
    violations = lang_graph_violations(body)
    if violations:
        raise bad_request(f"request body: {violations[0].message}")
    program: str = body[PROGRAM]
    variables = {name: entry["value"] for name, entry in (body.get(CONTEXT_VARS) or {}).items()}
    try:
        outcome = run(program, variables, results, tools, LIMITS)
    except ToolFailed as failed:
        return dual_llm.failure("tool_error", str(failed), program)
    except ProgramError as error:
        raise bad_request(f"{PROGRAM}: {error}") from None
    if isinstance(outcome, Pending):
        return outcome
    return dual_llm.success(outcome.value, program)
