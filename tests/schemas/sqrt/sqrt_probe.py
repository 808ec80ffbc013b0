"""Helpers that ask a SQRT policy a question through the public engine: whether a predicate holds
for given arguments, and what set an expression yields."""

from __future__ import annotations

from typing import Any

from sequrity_contract.schemas.sqrt import Metadata, PolicyPresets, PolicySession, ValueWithMeta

PLAIN = PolicyPresets(enable_non_executable_memory=False)
"""Presets without the non-executable tag, so tag sets read exactly as the policy leaves them."""


def holds(policy: str, predicate: str, **args: Any) -> bool:
    """Whether ``predicate`` holds for a call with ``args`` under the lets of ``policy``."""
    session = PolicySession(policy + f'\ntool "__probe" {{ must allow when {predicate}; }}', PLAIN)
    return session.check_call("__probe", args).allowed


def set_of(policy: str, expression: str, **args: Any) -> list[str]:
    """The strings of the set ``expression`` for a call with ``args`` (through a session update)."""
    session = PolicySession(policy + f'\ntool "__probe" -> session before @tags = {expression};', PLAIN)
    session.check_call("__probe", args)
    return session.session_meta.tags.strings()


def tagged(value: Any = "v", *tags: str, producers: tuple[str, ...] = (),
           consumers: tuple[str, ...] = ("*",)) -> ValueWithMeta:
    """A value with the given metadata."""
    return ValueWithMeta(value, Metadata.of(producers, consumers, tags))
