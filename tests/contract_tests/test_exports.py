"""The public names of contract_tests.client and contract_tests.adapters: complete and sorted."""

from __future__ import annotations

import pytest

from sequrity_contract import contract_tests
from sequrity_contract.contract_tests import adapters as adapters
from sequrity_contract.contract_tests import client as client


@pytest.mark.parametrize("module", [contract_tests.client, contract_tests.adapters], ids=lambda m: m.__name__)
def test_all_lists_every_public_name_once_sorted(module):
    public = {n for n, v in vars(module).items() if not n.startswith("_") and not isinstance(v, type(module))}
    public -= {"annotations"}
    assert set(module.__all__) == public
    assert module.__all__ == sorted(module.__all__, key=lambda n: (not n.isupper(), n))
    assert len(set(module.__all__)) == len(module.__all__)
