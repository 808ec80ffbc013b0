"""Property tests (``@given``) against the session's mock server.

Hypothesis refuses function-scoped fixtures in a ``@given`` test (``FailedHealthCheck``), so such a
test takes the session-scoped ``sequrity_mock_server`` and resets it for every example with
:func:`fresh_mock`::

    @given(request=requests())
    def test_my_app_answers_any_request(sequrity_mock_server, request):
        with fresh_mock(sequrity_mock_server, assert_all_called=True) as mock:
            mock.stub(message={"content": "hi"})
            assert my_app(mock.url, request) == "hi"
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .mock_checks import MockChecks, stub_baseline, verify

if TYPE_CHECKING:
    from sequrity_contract.mockserver import MockServer

__all__ = ["fresh_mock"]


@contextmanager
def fresh_mock(server: MockServer, *, assert_all_called: bool = False,
               assert_all_matched: bool = False) -> Iterator[MockServer]:
    """``server`` reset for one example (``server.clear()``: empty journal, no sessions, the configured
    stubs and fault, every counter restarted). On a normal exit the opt-in checks of
    :mod:`~sequrity_contract.contract_tests.mock_checks` run; when the body raises they do not,
    so the example's own failure is what hypothesis sees and shrinks."""
    server.clear()
    baseline = stub_baseline(server)
    yield server
    verify(server, MockChecks(assert_all_called, assert_all_matched), baseline)
