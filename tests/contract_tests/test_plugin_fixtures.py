"""The downstream example project (examples/downstream) run with pytester: the
fixtures work from a project that only installs the toolkit."""

from __future__ import annotations

import shutil
from pathlib import Path

pytest_plugins = ["pytester"]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "downstream"


def copy_example(pytester) -> None:
    for path in [*EXAMPLE.rglob("*.py"), *EXAMPLE.rglob("cassettes/*.json")]:
        target = pytester.path / path.relative_to(EXAMPLE)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    pytester.syspathinsert(pytester.path)


def test_the_downstream_project_passes_with_the_fixtures(pytester):
    copy_example(pytester)
    result = pytester.runpytest("tests", "-p", "no:cacheprovider", "-W", "error::ResourceWarning")
    result.assert_outcomes(passed=9)


def test_the_downstream_adapter_passes_the_conformance_suite(pytester):
    copy_example(pytester)
    result = pytester.runpytest("--sequrity-conformance", "--sequrity-client=my_adapter:make_adapter",
                                       "--sequrity-clauses=sessions,errors,request_round_trip",
                                       "--sequrity-max-examples=5", "-p", "no:cacheprovider", "tests")
    result.assert_outcomes(passed=9 + 3)  # the project's tests and the three clauses
    assert any("sequrity conformance: my_adapter:make_adapter" in line for line in result.outlines)


def test_a_test_failure_is_not_hidden_by_the_fixture_teardown(pytester):
    pytester.makepyfile(test_fails="""
        import asyncio

        def test_boom(sequrity_mock, sequrity_client):
            asyncio.run(sequrity_client.create(model="m", max_tokens=8, messages=[{"role": "user", "content": "x"}]))
            assert len(sequrity_mock.requests) == 2, "expected two requests"
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    assert any("expected two requests" in line for line in result.outlines)
