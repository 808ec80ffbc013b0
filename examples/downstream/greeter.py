"""The code under test: greet someone through the messages endpoint."""

from __future__ import annotations

from sequrity_contract.contract_tests.client import ReferenceClient


async def greet(client: ReferenceClient, name: str) -> str:
    """Ask for a greeting for ``name`` and return the answer's text."""
    message = await client.create(model="claude-4-sonnet", max_tokens=128,
                                  messages=[{"role": "user", "content": f"Greet {name} please"}],
                                  features={"agent_arch": "single-llm"})
    return "".join(block["text"] for block in message["content"] if block["type"] == "text")


async def greet_twice(client: ReferenceClient, name: str) -> list[str]:
    """Two greetings in one session."""
    return [await greet(client, name), await greet(client, name)]
