"""Contract tests for clients of Sequrity's Control API: a pytest plugin, a reference client,
client adapters and the conformance suite. Every error raised here is a :class:`ContractTestsError`."""

from .errors import ContractTestsError

__all__ = ["ContractTestsError"]
