"""Within 300 examples (fixed seed), the strategies reach every branch of the contract:
each content-block type, tool_choice and thinking variant, stop_reason and delta type,
and the string and list forms of ``system`` and ``content``.

Each count runs in a fresh interpreter, as a user's test run would: under pytest-xdist the
worker's earlier tests leave hypothesis state behind that shifts a derandomized run (seen
once in CI: no ``document`` block inside a tool_result in 300 examples, where a fresh
process sees about 30).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequrity_contract import strategies

EXAMPLES = 300


def collect(strategy: st.SearchStrategy[Any], features: Callable[[Any], set[str]]) -> set[str]:
    seen: set[str] = set()

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(value: Any) -> None:
        seen.update(features(value))

    run()
    return seen


def request_features(request: dict[str, Any]) -> set[str]:
    out = {f"tool_choice:{request.get('tool_choice', {}).get('type')}",
           f"thinking:{request.get('thinking', {}).get('type')}"}
    if "system" in request:
        out.add(f"system:{type(request['system']).__name__}")
    for message in request["messages"]:
        content = message["content"]
        out.add(f"{message['role']}-content:{type(content).__name__}")
        for block in content if isinstance(content, list) else []:
            out.add(f"block:{block['type']}")
            if isinstance(block.get("content"), list):
                out.update(f"tool_result-block:{b['type']}" for b in block["content"])
    return out


def exchange_features(pair: tuple[dict[str, Any], list[dict[str, Any]]]) -> set[str]:
    response, events = pair
    out = {f"stop_reason:{response['stop_reason']}"}
    out.update(f"response-block:{b['type']}" for b in response["content"])
    out.update(f"delta:{e['delta']['type']}" for e in events if e["type"] == "content_block_delta")
    out.update(f"event:{e['type']}" for e in events)
    return out


@st.composite
def responses_with_events(draw: st.DrawFn) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    response = draw(strategies.responses())
    return response, draw(strategies.stream_events(message=response))


COUNTS: dict[str, Callable[[], set[str]]] = {
    "requests": lambda: collect(strategies.requests(), request_features),
    "exchanges": lambda: collect(responses_with_events(), exchange_features),
    "headers": lambda: collect(strategies.headers(), lambda values: set(values)),
}


def collect_in_fresh_process(name: str) -> set[str]:
    """``collect`` for the strategy and features this module names ``name``, in a new interpreter."""
    code = (f"import json, sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"import test_strategies_coverage as m; print(json.dumps(sorted(m.COUNTS[{name!r}]())))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_requests_reach_every_branch() -> None:
    seen = collect_in_fresh_process("requests")
    expected = {
        *(f"block:{t}" for t in ("text", "image", "document", "tool_use", "tool_result", "thinking")),
        *(f"tool_choice:{t}" for t in ("auto", "any", "tool", "none", None)),
        *(f"thinking:{t}" for t in ("enabled", "disabled", "adaptive", None)),
        "system:str", "system:list", "user-content:str", "user-content:list",
        "assistant-content:str", "assistant-content:list",
        "tool_result-block:text", "tool_result-block:image", "tool_result-block:document",
    }
    assert expected - seen == set()


def test_responses_and_streams_reach_every_branch() -> None:
    seen = collect_in_fresh_process("exchanges")
    expected = {
        *(f"stop_reason:{r}" for r in ("end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn",
                                       "refusal", None)),
        *(f"response-block:{t}" for t in ("text", "thinking", "redacted_thinking", "tool_use",
                                          "server_tool_use", "web_search_tool_result")),
        *(f"delta:{t}" for t in ("text_delta", "input_json_delta", "thinking_delta", "signature_delta",
                                 "citations_delta")),
    }
    assert expected - seen == set()


def test_headers_reach_every_header() -> None:
    seen = collect_in_fresh_process("headers")
    assert seen == {"X-Features", "X-Policy", "X-Config"}
