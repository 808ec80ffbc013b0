"""The plugin as a downstream project meets it: cheap to load, the hypothesis profile chosen by
``SEQURITY_HYPOTHESIS_PROFILE``, SDK clients ready to use, ``@given`` tests against the session's
server, drawn requests sent through the anthropic SDK, and opt-in checks after a test."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import anthropic
import pytest
from hypothesis import given, settings

from sequrity_contract.contract_tests.mock_checks import MockExpectationError
from sequrity_contract.contract_tests.profiles import PROFILE_ENV
from sequrity_contract.contract_tests.property_tests import fresh_mock
from sequrity_contract.contract_tests.sdk_clients import anthropic_arguments, make_anthropic_client
from sequrity_contract.mockserver import MockServer
from sequrity_contract.strategies import requests

pytest_plugins = ["pytester"]

HELLO = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}

# -- loading the plugin ---------------------------------------------------------------------------------

HEAVY = ("hypothesis", "aiohttp", "sequrity_contract.mockserver", "sequrity_contract.schemas",
         "sequrity_contract.contract_tests.conformance", "anthropic", "openai", "sequrity", "pydantic")


def test_loading_the_plugin_imports_none_of_the_heavy_parts() -> None:
    probe = ("import sys, pytest, sequrity_contract.contract_tests.plugin; "
             f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


# -- the hypothesis profile, downstream -----------------------------------------------------------------

PROFILE_TEST = """
from hypothesis import settings

def test_profile():
    print("max_examples", settings.default.max_examples)
    assert settings.default.max_examples == {expected}
"""


def test_the_profile_env_var_is_honoured_in_a_downstream_project(pytester: pytest.Pytester,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROFILE_ENV, "sequrity-nightly")
    pytester.makepyfile(test_profile=PROFILE_TEST.format(expected=2000))
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_ini_option_chooses_when_the_env_var_does_not(pytester: pytest.Pytester,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PROFILE_ENV, raising=False)
    pytester.makeini("[pytest]\nsequrity_hypothesis_profile = sequrity-nightly\n")
    pytester.makepyfile(test_profile=PROFILE_TEST.format(expected=2000))
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_hypothesis_profile_on_the_command_line_wins(pytester: pytest.Pytester,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROFILE_ENV, "sequrity-nightly")
    pytester.makepyfile(test_profile=PROFILE_TEST.format(expected=25))
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hypothesis-profile=sequrity-dev").assert_outcomes(
        passed=1)


def test_an_unknown_profile_is_a_usage_error_naming_the_variable(pytester: pytest.Pytester,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROFILE_ENV, "sequrity-nigthly")
    pytester.makepyfile(test_profile=PROFILE_TEST.format(expected=0))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*SEQURITY_HYPOTHESIS_PROFILE='sequrity-nigthly': no such hypothesis profile; "
                                 "expected one of sequrity-dev, sequrity-ci, sequrity-nightly*"])


# -- base URL and client fixtures -----------------------------------------------------------------------


def test_base_url_is_the_route_prefix_the_sdk_appends_v1_messages_to(sequrity_mock: MockServer) -> None:
    assert sequrity_mock.base_url() == f"{sequrity_mock.url}/control/chat"
    assert sequrity_mock.base_url("code", "openai") == f"{sequrity_mock.url}/control/code/openai"
    assert sequrity_mock.base_url("chat", "anthropic") + "/v1/messages" == sequrity_mock.messages_url(
        "chat", "anthropic")
    with pytest.raises(ValueError, match=r"provider='acme': expected None or one of"):
        sequrity_mock.base_url("chat", "acme")


def test_the_anthropic_client_fixture_talks_to_the_mock(anthropic_client: Any, sequrity_mock: MockServer) -> None:
    message = anthropic_client.messages.create(**HELLO)
    assert message.type == "message"
    (entry,) = sequrity_mock.requests
    assert (entry["path"], entry["status"]) == ("/control/chat/anthropic/v1/messages", 200)


def test_the_openai_client_fixture_talks_to_the_mocks_chat_completions(openai_client: Any,
                                                                       sequrity_mock: MockServer) -> None:
    completion = openai_client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    assert completion.object == "chat.completion" and completion.choices[0].message.content
    (entry,) = sequrity_mock.requests
    assert (entry["path"], entry["status"]) == ("/control/chat/openai/v1/chat/completions", 200)
    assert {"authorization", "x-api-key"} <= {name.lower() for name in entry["headers"]}  # values redacted


def test_the_official_client_fixture_talks_to_the_mock(sequrity_official_client: Any,
                                                       sequrity_mock: MockServer) -> None:
    message = sequrity_official_client.control.messages.create(**HELLO)
    assert message.type == "message"
    assert [e["status"] for e in sequrity_mock.requests] == [200]


def test_the_client_fixtures_are_skipped_naming_the_extra_when_the_package_is_missing(
        pytester: pytest.Pytester) -> None:
    pytester.makeconftest("import sys\nsys.modules['anthropic'] = None\nsys.modules['sequrity'] = None\n"
                          "sys.modules['openai'] = None\n")
    pytester.makepyfile(test_clients="""
        def test_sdk(anthropic_client):
            pass

        def test_openai(openai_client):
            pass

        def test_official(sequrity_official_client):
            pass
    """)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=3)
    output = "\n".join(result.outlines)
    assert "the anthropic_client fixture needs the 'anthropic' package: pip install 'sequrity-contract[clients]'" \
        in output
    assert "the openai_client fixture needs the 'openai' package: pip install 'sequrity-contract[clients]'" in output
    assert ("the sequrity_official_client fixture needs the 'sequrity' package: pip install "
            "'sequrity-contract[clients]'") in output


# -- property tests: @given against the session's server, drawn requests through the SDK --------------------


@settings(max_examples=15, deadline=None)
@given(request=requests(stream=False))
def test_a_drawn_request_goes_through_the_sdk_as_drawn(sequrity_mock_server: MockServer,
                                                       request: dict[str, Any]) -> None:
    with fresh_mock(sequrity_mock_server) as mock:
        client = make_anthropic_client(mock)
        arguments = anthropic_arguments(request)
        message = client.messages.create(**arguments)
        assert message.type == "message"
        (entry,) = mock.requests
        assert entry["body"] == request


def test_the_arguments_follow_the_sdk_signature() -> None:
    arguments = anthropic_arguments({**HELLO, "temperature": 0.5, "top_k": 3, "timeout": 30, "stream": True})
    assert arguments == {**HELLO, "stream": True, "extra_body": {"temperature": 0.5, "top_k": 3, "timeout": 30}}
    streaming = anthropic.Anthropic(auth_token="k", base_url="http://127.0.0.1:9").messages.stream
    assert "stream" not in anthropic_arguments({**HELLO, "stream": True}, streaming)


def test_fresh_mock_resets_the_server_for_each_example(sequrity_mock_server: MockServer) -> None:
    with fresh_mock(sequrity_mock_server) as mock:
        mock.stub(message={"content": "scripted"})
        make_anthropic_client(mock).messages.create(**HELLO)
    with fresh_mock(sequrity_mock_server) as mock:
        assert (mock.requests, mock.stubs) == ([], [])


def test_fresh_mock_checks_on_a_normal_exit_and_never_hides_the_body_s_error(
        sequrity_mock_server: MockServer) -> None:
    never_called = r"1 stub\(s\) registered during the test were never called: 'never-called'"
    with pytest.raises(MockExpectationError, match=never_called), \
            fresh_mock(sequrity_mock_server, assert_all_called=True) as mock:
        mock.stub(id="never-called", message={"content": "x"})
    with pytest.raises(ZeroDivisionError), fresh_mock(sequrity_mock_server, assert_all_called=True) as mock:
        mock.stub(id="never-called", message={"content": "x"})
        1 / 0  # noqa: B018


# -- the sequrity_mock marker's checks --------------------------------------------------------------------

CHECKED = """
import pytest
import anthropic
from sequrity_contract.contract_tests.sdk_clients import make_anthropic_client

HELLO = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.sequrity_mock(assert_all_called=True)
def test_all_called(sequrity_mock, anthropic_client):
    sequrity_mock.stub(id="used", message={"content": "hi"})
    anthropic_client.messages.create(**HELLO)


@pytest.mark.sequrity_mock(assert_all_called=True)
def test_one_uncalled(sequrity_mock):
    sequrity_mock.stub(id="forgotten", match={"model": "other"}, message={"content": "hi"})


@pytest.mark.sequrity_mock(assert_all_called=True)
def test_own_failure_first(sequrity_mock):
    sequrity_mock.stub(id="also-forgotten", message={"content": "hi"})
    assert False, "the test's own failure"


@pytest.mark.sequrity_mock(assert_all_matched=True)
def test_synthesized(sequrity_mock, anthropic_client):
    anthropic_client.messages.create(**HELLO)


def test_unmarked_tests_are_not_checked(sequrity_mock):
    sequrity_mock.stub(id="unchecked", message={"content": "hi"})
"""


def test_the_marker_checks_after_a_passing_test_and_names_what_is_wrong(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_checked=CHECKED)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines([
        "*sequrity_mock: assert_all_called: 1 stub(s) registered during the test were never "
        "called: 'forgotten' match={\"model\": \"other\"}*",
        "*sequrity_mock: assert_all_matched: 1 request(s) were answered by no stub: "
        "#* POST /control/chat/anthropic/v1/messages (model 'm'): answered 200 by the synthesizer*"])
    assert any("AssertionError: the test's own failure" in line for line in result.outlines)
    assert not any("'also-forgotten' match=" in line for line in result.outlines)  # the checks kept quiet


def test_in_strict_mode_a_request_an_application_swallowed_is_reported(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("""
        import pytest
        from sequrity_contract.mockserver import MockConfig

        @pytest.fixture(scope="session")
        def sequrity_mock_config():
            return MockConfig(strict=True)
    """)
    pytester.makepyfile(test_strict="""
        import anthropic
        import pytest

        @pytest.mark.sequrity_mock(assert_all_matched=True)
        def test_swallowed(sequrity_mock, anthropic_client):
            sequrity_mock.stub(match={"model": "expected"}, message={"content": "hi"})
            try:
                anthropic_client.messages.create(model="m", max_tokens=5, messages=[{"role": "user", "content": "x"}])
            except anthropic.NotFoundError:
                pass  # an application that hides the error
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*assert_all_matched: 1 request(s) were answered by no stub: "
                                 "#1 POST /control/chat/anthropic/v1/messages: 404 no stub matches*"
                                 "Closest: *match.model*"])


def test_a_wrong_marker_is_a_usage_error_naming_the_argument(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_wrong="""
        import pytest

        @pytest.mark.sequrity_mock(assert_all_caled=True)
        def test_typo(sequrity_mock):
            pass
    """)
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_typo: sequrity_mock(assert_all_caled=True): unknown keyword argument "
                                 "assert_all_caled=True; expected assert_all_called, assert_all_matched*"])
