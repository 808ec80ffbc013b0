"""Failing examples shrink to the smallest request that still shows the failure."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

from sequrity_contract import schemas

# Run in a fresh interpreter: hypothesis mixes constants from every loaded module of the project into
# its draws, so inside a full test run the start of the search (and with it where shrinking ends)
# depends on which test modules happen to be loaded in the worker. Alone, derandomize=True is exact.
FIND_MINIMAL_TOOL_EXCHANGE = textwrap.dedent("""
    import json
    from hypothesis import find, settings
    from sequrity_contract import strategies

    def has_tool_result(request):
        return any(isinstance(m["content"], list) and any(b["type"] == "tool_result" for b in m["content"])
                   for m in request["messages"])

    minimal = find(strategies.requests(), has_tool_result,
                   settings=settings(database=None, max_examples=1000, derandomize=True))
    print(json.dumps(minimal))
""")


def test_a_property_failing_on_tool_results_shrinks_to_the_minimal_tool_exchange() -> None:
    found = subprocess.run([sys.executable, "-c", FIND_MINIMAL_TOOL_EXCHANGE], capture_output=True, text=True,
                           check=True, timeout=300)
    minimal: dict[str, Any] = json.loads(found.stdout)
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
