"""Failing examples shrink to the smallest request that still shows the failure."""

from __future__ import annotations

from typing import Any

from hypothesis import find, settings

from sequrity_contract import schemas, strategies


def has_tool_result(request: dict[str, Any]) -> bool:
    return any(isinstance(m["content"], list) and any(b["type"] == "tool_result" for b in m["content"])
               for m in request["messages"])


def test_a_property_failing_on_tool_results_shrinks_to_the_minimal_tool_exchange() -> None:
    minimal = find(strategies.requests(), has_tool_result,
                   settings=settings(database=None, max_examples=1000, derandomize=True))
    assert schemas.check("request", minimal) == []
    # the tool the call names may stay offered (then it is the only one); nothing else remains
    assert set(minimal) - {"tools"} == {"model", "max_tokens", "messages"}
    assert len(minimal.get("tools", [None])) == 1
    user, assistant, answer = minimal["messages"]
    assert user == {"role": "user", "content": ""}
    [call] = assistant["content"]
    assert call["type"] == "tool_use"
    assert answer == {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call["id"]}]}
    assert minimal["max_tokens"] == 1
