"""The base of the errors of :mod:`sequrity_contract.contract_tests`: :class:`ContractTestsError`."""

from __future__ import annotations


class ContractTestsError(Exception):
    """The base of every error :mod:`sequrity_contract.contract_tests` raises (the reference client's
    :class:`~.client.errors.SequrityError`, adapter and clause errors, cassette markers, a failed
    conformance run): catch it to catch them all."""
