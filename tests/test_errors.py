"""Each layer has one error base class users can catch, and every error it defines is under it."""

from __future__ import annotations

import importlib
import inspect

import pytest
from test_architecture import modules

from sequrity_contract.contract_tests import ContractTestsError
from sequrity_contract.mockserver import MockServerError
from sequrity_contract.schemas import ContractError
from sequrity_contract.strategies import StrategyError

BASES: dict[str, type[Exception]] = {
    "schemas": ContractError, "strategies": StrategyError, "mockserver": MockServerError,
    "contract_tests": ContractTestsError,
}
#: Exceptions used as signals inside one module, never raised to a user.
INTERNAL = {"sequrity_contract.mockserver.synthesis.values.NoValue",
            "sequrity_contract.mockserver.programs.interpreter._Stop"}


def defined_errors(layer: str) -> list[type[BaseException]]:
    found = []
    for name in sorted(modules()):
        if name.split(".")[1:2] != [layer]:
            continue
        module = importlib.import_module(name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, Exception) and not issubclass(value, Warning) and value.__module__ == name:
                found.append(value)
    return found


@pytest.mark.parametrize("layer", list(BASES))
def test_every_error_of_a_layer_is_under_its_base(layer: str) -> None:
    errors = defined_errors(layer)
    assert errors, f"found no error classes in {layer}: the walk is broken"
    outside = [f"{e.__module__}.{e.__qualname__}" for e in errors
               if not issubclass(e, BASES[layer]) and f"{e.__module__}.{e.__qualname__}" not in INTERNAL]
    assert outside == []
