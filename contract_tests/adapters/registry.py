"""Adapters by name: the built-ins, or ``package.module:factory`` for a user's own."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

from ..errors import ContractTestsError
from .base import ClientAdapter

__all__ = ["BUILTIN_ADAPTERS", "UnknownAdapterError", "adapter_names", "get_adapter"]


def _reference() -> ClientAdapter:
    from .reference import ReferenceAdapter

    return ReferenceAdapter()


def _sequrity() -> ClientAdapter:
    from .sequrity import SequrityAdapter

    return SequrityAdapter()


def _sequrity_async() -> ClientAdapter:
    from .sequrity import SequrityAsyncAdapter

    return SequrityAsyncAdapter()


def _anthropic() -> ClientAdapter:
    from .anthropic import AnthropicAdapter

    return AnthropicAdapter()


def _openai() -> ClientAdapter:
    from .openai import OpenAIAdapter

    return OpenAIAdapter()


def _raw() -> ClientAdapter:
    from .raw import RawAdapter

    return RawAdapter()


BUILTIN_ADAPTERS: dict[str, Callable[[], ClientAdapter]] = {
    "reference": _reference,
    "sequrity": _sequrity,
    "sequrity-async": _sequrity_async,
    "anthropic": _anthropic,
    "openai": _openai,
    "raw": _raw,
}
"""Factories of the built-in adapters, by name."""


class UnknownAdapterError(ContractTestsError, LookupError):
    """A client name that is neither built in nor an importable ``package.module:factory``."""


def adapter_names() -> list[str]:
    """The built-in adapter names."""
    return list(BUILTIN_ADAPTERS)


def _load_user_factory(spec: str) -> Callable[[], Any]:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise UnknownAdapterError(f"client={spec!r}: expected 'package.module:factory'")
    try:
        module = _import_from_working_directory(module_name)
    except ImportError as exc:
        raise UnknownAdapterError(f"client={spec!r}: cannot import module {module_name!r} ({exc})") from exc
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise UnknownAdapterError(f"client={spec!r}: module {module_name!r} has no attribute "
                                      f"{attribute!r}")
        target = getattr(target, part)
    if not callable(target):
        raise UnknownAdapterError(f"client={spec!r}: {attribute!r} is a {type(target).__name__}, "
                                  "expected a factory (a class or function that returns an adapter)")
    factory: Callable[[], Any] = target
    return factory


def _import_from_working_directory(module_name: str) -> Any:
    """Import ``module_name`` as pytest's ``rootdir`` import does: the current directory is on
    ``sys.path`` for the import (and taken off again), so ``--client my_adapter:make`` finds
    ``./my_adapter.py`` without ``PYTHONPATH=.``."""
    cwd = os.getcwd()
    added = cwd not in sys.path and "" not in sys.path
    if added:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(module_name)
    finally:
        if added:
            sys.path.remove(cwd)


def get_adapter(name: str) -> ClientAdapter:
    """A new adapter: a built-in by name (see :func:`adapter_names`), or the result of
    calling ``factory()`` for ``name="package.module:factory"``."""
    if not isinstance(name, str) or not name:
        raise UnknownAdapterError(f"client={name!r}: expected an adapter name")
    if name in BUILTIN_ADAPTERS:
        return BUILTIN_ADAPTERS[name]()
    if ":" not in name:
        raise UnknownAdapterError(f"client={name!r}: unknown adapter; the built-in ones are "
                                  f"{', '.join(BUILTIN_ADAPTERS)}, or name your own as "
                                  "'package.module:factory'")
    adapter = _load_user_factory(name)()
    required = ("name", "dialects", "send", "stream", "reset_session", "close")
    missing = [m for m in required if not hasattr(adapter, m)]
    if missing:
        raise UnknownAdapterError(f"client={name!r}: the factory returned {type(adapter).__name__}, "
                                  f"which lacks {', '.join(missing)} "
                                  "(see contract_tests.adapters.ClientAdapter)")
    checked: ClientAdapter = adapter
    return checked
