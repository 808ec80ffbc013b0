"""Contract tests for clients of Sequrity's messages endpoint: a pytest plugin,
a reference client, client adapters and the conformance suite."""
