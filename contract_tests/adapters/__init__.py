"""Client adapters: the one thing a client author writes to have a client tested
(:class:`ClientAdapter`), the built-ins (``reference``, ``sequrity``,
``sequrity-async``, ``anthropic``, ``raw``) and :func:`get_adapter` to find one by name."""

from __future__ import annotations

from .base import AdapterError, AsyncAdapter, ClientAdapter, SequrityOptions, StreamResult, as_async
from .registry import BUILTIN_ADAPTERS, UnknownAdapterError, adapter_names, get_adapter

__all__ = [
    "BUILTIN_ADAPTERS",
    "AdapterError",
    "AsyncAdapter",
    "ClientAdapter",
    "SequrityOptions",
    "StreamResult",
    "UnknownAdapterError",
    "adapter_names",
    "as_async",
    "get_adapter",
]
