"""sequrity_contract: contract tests, hypothesis strategies and a mock server for Sequrity's Control API.

The import package has four layers, each importing only the ones before it:

- :mod:`sequrity_contract.schemas` -- the contract as data (JSON Schema documents, rules, stream
  codecs, the endpoint descriptions, the wire vocabulary);
- :mod:`sequrity_contract.strategies` -- hypothesis strategies driven by those documents;
- :mod:`sequrity_contract.mockserver` -- the aiohttp mock server;
- :mod:`sequrity_contract.contract_tests` -- the pytest plugin, reference client, adapters and
  conformance clauses.

Importing this package imports none of them (the pytest plugin stays cheap to load).
"""

__version__ = "0.2.0"
