"""The path vocabulary of the Control API (docs/contract.md §1):
``/control/{endpoint_type}[/{provider}]`` followed by an endpoint's path (see :mod:`.endpoint`)."""

from __future__ import annotations

ENDPOINT_TYPES: tuple[str, ...] = ("chat", "code", "agent", "lang-graph")
"""The ``{endpoint_type}`` path segment of the Control API (docs/contract.md §1)."""

PROVIDERS: tuple[str, ...] = ("openai", "openrouter", "anthropic", "sequrity_azure", "llama")
"""The ``{provider}`` path segment (docs/contract.md §1; ``llama`` from the newer docs)."""

CHAT_PROVIDERS: tuple[str, ...] = ("openai", "openrouter", "sequrity_azure")
"""The ``{provider}`` segment of the chat completions routes (docs/contract.md §10.1)."""

MESSAGES_PATH = "/v1/messages"
CHAT_COMPLETIONS_PATH = "/v1/chat/completions"
RESPONSES_PATH = "/v1/responses"
CONTROL_API_PATHS: tuple[str, ...] = (MESSAGES_PATH, CHAT_COMPLETIONS_PATH, RESPONSES_PATH)
"""The endpoint paths the Control API serves after ``/control/{endpoint_type}[/{provider}]``
(besides ``/control/policy-gen[/{provider}]/v1/generate`` and ``GET /control/health``)."""
