"""Every cross-reference a docstring makes (``:class:`~sequrity_contract.x.Y```) names something that
exists, so that references cannot go stale when a module moves."""

from __future__ import annotations

import importlib
import re

import pytest
from test_architecture import modules

REFERENCE = re.compile(r":(?:mod|class|func|data|meth|attr|exc):`~?(sequrity_contract(?:\.\w+)+)`")


def references() -> list[tuple[str, str]]:
    found = []
    for module, path in sorted(modules().items()):
        found += [(module, target) for target in REFERENCE.findall(path.read_text("utf-8"))]
    return found


def resolves(target: str) -> bool:
    parts = target.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(value, attribute):  # a field declared without a class-level value counts
                return attribute in getattr(value, "__annotations__", {})
            value = getattr(value, attribute)
        return True
    return False


def test_docstrings_make_references() -> None:
    assert len(references()) > 30


@pytest.mark.parametrize(("module", "target"), references(), ids=lambda item: str(item))
def test_every_reference_names_something_that_exists(module: str, target: str) -> None:
    assert resolves(target), f"{module}: the docstring refers to {target}, which does not exist"


def test_no_reference_leaves_out_the_package() -> None:
    stale = re.compile(r":(?:mod|class|func|data|meth|attr|exc):`~?(?:schemas|strategies|mockserver|contract_tests)\.")
    found = [f"{module}: {match.group(0)}" for module, path in sorted(modules().items())
             for match in stale.finditer(path.read_text("utf-8"))]
    assert found == []
