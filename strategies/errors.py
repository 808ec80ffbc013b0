"""The errors of :mod:`sequrity_contract.strategies`: :class:`StrategyError` is the base of them all."""

from __future__ import annotations

from hypothesis.errors import InvalidArgument


class StrategyError(Exception):
    """The base of every error :mod:`sequrity_contract.strategies` raises: catch it to catch them all."""


class InvalidStrategyArgument(StrategyError, InvalidArgument):
    """A strategy was given a bad argument; the message names it as ``arg=value`` and says what was
    expected. It is hypothesis's ``InvalidArgument`` too, as hypothesis users expect."""
