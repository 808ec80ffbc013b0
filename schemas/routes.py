"""The path vocabulary of the Control API (CONTRACT.md §1):
``/control/{endpoint_type}[/{provider}]/v1/messages``."""

from __future__ import annotations

ENDPOINT_TYPES: tuple[str, ...] = ("chat", "code", "agent", "lang-graph")
"""The ``{endpoint_type}`` path segment of the Control API (CONTRACT.md §1)."""

PROVIDERS: tuple[str, ...] = ("openai", "openrouter", "anthropic", "sequrity_azure", "llama")
"""The ``{provider}`` path segment (CONTRACT.md §1; ``llama`` from the newer docs)."""
