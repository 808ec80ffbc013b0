"""The ``sequrity_cassette`` marker, run with pytester: a downstream suite recorded once through a
real upstream server (a second MockServer synthesizing answers) replays offline with the same
results; a missing or corrupt cassette is a test error naming the file; misuse is a usage error
naming the argument."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sequrity_contract.mockserver import MockServer, RequestContext, Synthesizer

pytest_plugins = ["pytester"]

NO_CACHE = ("-p", "no:cacheprovider")

DOWNSTREAM_SUITE = '''
import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

RESULTS = Path(__file__).parent.parent / "results"
WEATHER_TOOL = {"name": "get_weather", "description": "Weather in a city",
                "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                                 "required": ["city"]}}


def save(name, mode, value):
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(value, sort_keys=True))
    (RESULTS / f"{name}.mode").write_text(mode)


def test_unmarked_before(sequrity_mock, sequrity_client):
    asyncio.run(sequrity_client.create(model="m", max_tokens=64, messages=[{"role": "user", "content": "hi"}]))
    assert sequrity_mock.config.mode == "synthesize"


@pytest.mark.sequrity_cassette("mixed")
def test_mixed_session(sequrity_mock, sequrity_client):
    async def conversation():
        plain = await sequrity_client.create(model="m", max_tokens=256,
                                             messages=[{"role": "user", "content": "Plan a trip to Oslo"}])
        first_session = sequrity_client.session_id
        tools = await sequrity_client.create(model="m", max_tokens=256, tools=[WEATHER_TOOL],
                                             tool_choice={"type": "any"},
                                             messages=[{"role": "user", "content": "Weather in Oslo?"}])
        thinking = await sequrity_client.create(model="m", max_tokens=4096,
                                                thinking={"type": "enabled", "budget_tokens": 1024},
                                                messages=[{"role": "user", "content": "Think about fjords"}])
        async with sequrity_client.stream(model="m", max_tokens=256, tools=[WEATHER_TOOL],
                                          messages=[{"role": "user", "content": "Stream me Bergen"}]) as stream:
            events = [event async for event in stream]
        return {"plain": plain, "tools": tools, "thinking": thinking, "events": events,
                "streamed": stream.message, "sessions": [first_session, sequrity_client.session_id]}

    result = asyncio.run(conversation())
    save("mixed", sequrity_mock.config.mode, {**result, "statuses": [e["status"] for e in sequrity_mock.requests]})
    assert result["tools"]["stop_reason"] == "tool_use"
    assert [b["type"] for b in result["thinking"]["content"]][0] == "thinking"


@pytest.mark.sequrity_cassette("ignored_user", match_ignore=("metadata.user_id",), replay_speed="recorded")
def test_ignored_user_id(sequrity_mock, sequrity_client):
    import uuid

    message = asyncio.run(sequrity_client.create(model="m", max_tokens=64, metadata={"user_id": str(uuid.uuid4())},
                                                 messages=[{"role": "user", "content": "Who am I?"}]))
    save("ignored_user", sequrity_mock.config.mode, message)


def test_unmarked_after(sequrity_mock_server):
    [entry] = sequrity_mock_server.requests  # only test_unmarked_before reached the shared server
    assert entry["body"]["messages"][0]["content"] == "hi"
    assert sequrity_mock_server.config.mode == "synthesize"
'''


def read_results(root: Path) -> tuple[dict[str, object], dict[str, str]]:
    folder = root / "results"
    values = {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}
    modes = {p.stem: p.read_text() for p in folder.glob("*.mode")}
    shutil.rmtree(folder)
    return values, modes


def test_a_suite_recorded_once_replays_offline_with_the_same_results(pytester: pytest.Pytester) -> None:
    pytester.mkdir("tests")
    pytester.path.joinpath("tests", "test_downstream.py").write_text(DOWNSTREAM_SUITE)
    with MockServer(seed=11) as upstream:
        recorded = pytester.runpytest("tests", *NO_CACHE, "--sequrity-record-mode=once",
                                      f"--sequrity-upstream={upstream.url}")
        recorded.assert_outcomes(passed=4)
        upstream_calls = len(upstream.requests)
        upstream_url = upstream.url
    first, first_modes = read_results(pytester.path)
    cassettes = {p.stem: json.loads(p.read_text())["interactions"]
                 for p in (pytester.path / "tests" / "cassettes").glob("*.json")}
    assert {name: len(items) for name, items in cassettes.items()} == {"mixed": 4, "ignored_user": 1}
    assert upstream_calls == 5  # every marked request went to the upstream, the unmarked one did not
    assert first_modes == {"mixed": "record", "ignored_user": "record"}

    replayed = pytester.runpytest("tests", *NO_CACHE)  # upstream stopped: only the cassettes answer
    replayed.assert_outcomes(passed=4)
    again, modes = read_results(pytester.path)
    assert again == first
    assert modes == {"mixed": "replay", "ignored_user": "replay"}

    # once: an existing cassette is replayed, never recorded (the upstream is unreachable)
    once = pytester.runpytest("tests", *NO_CACHE, "--sequrity-record-mode=once", f"--sequrity-upstream={upstream_url}")
    once.assert_outcomes(passed=4)
    assert read_results(pytester.path)[0] == first


def test_the_cassette_dir_option_and_ini_name_the_folder(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_dir="""
        import asyncio, pytest

        @pytest.mark.sequrity_cassette("greeting")
        def test_greeting(sequrity_client):
            asyncio.run(sequrity_client.create(model="m", max_tokens=32, messages=[{"role": "user", "content": "hi"}]))
    """)
    with MockServer() as upstream:
        pytester.runpytest(*NO_CACHE, "--sequrity-cassette-dir=recorded", "--sequrity-record-mode=all",
                           f"--sequrity-upstream={upstream.url}").assert_outcomes(passed=1)
    assert len(json.loads((pytester.path / "recorded" / "greeting.json").read_text())["interactions"]) == 1
    assert not (pytester.path / "cassettes").exists()
    pytester.runpytest(*NO_CACHE).assert_outcomes(errors=1)  # default folder: no cassette there
    pytester.makeini("[pytest]\nsequrity_cassette_dir = recorded\n")
    pytester.runpytest(*NO_CACHE).assert_outcomes(passed=1)


MISSING_TEST = """
    import pytest

    @pytest.mark.sequrity_cassette("absent")
    def test_needs_a_cassette(sequrity_mock):
        pass
"""


@pytest.mark.parametrize(("options", "says"), [
    ((), "does not exist and --sequrity-record-mode=none never records; record it once against a live server "
         "with --sequrity-record-mode=once --sequrity-upstream=URL"),
    (("--sequrity-record-mode=once",), "does not exist and --sequrity-record-mode=once needs --sequrity-upstream=URL"),
], ids=["none", "once-without-upstream"])
def test_a_missing_cassette_is_a_test_error_naming_the_file(pytester: pytest.Pytester, options: tuple[str, ...],
                                                            says: str) -> None:
    pytester.makepyfile(test_missing=MISSING_TEST)
    result = pytester.runpytest(*NO_CACHE, *options)
    result.assert_outcomes(errors=1)
    path = pytester.path / "cassettes" / "absent.json"
    expected = f"@pytest.mark.sequrity_cassette('absent'): cassette {path} {says}"
    assert expected in result.stdout.str().replace("\n", "")
    assert "Traceback" not in result.stdout.str()


def test_a_corrupt_cassette_is_a_test_error_naming_the_file_and_problem(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_missing=MISSING_TEST)
    (pytester.path / "cassettes").mkdir()
    (pytester.path / "cassettes" / "absent.json").write_text('{"version": 2, "interactions": []}')
    result = pytester.runpytest(*NO_CACHE)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cassette *absent.json: $.version: expected 1, got version 2*"])


@pytest.mark.parametrize(("marker", "says"), [
    ("sequrity_cassette()", "sequrity_cassette(): missing the cassette name"),
    ("sequrity_cassette(3)", "sequrity_cassette(3): name=3: expected a non-empty string"),
    ("sequrity_cassette('a', 'b')", "expected one cassette name, got 2 positional arguments"),
    ("sequrity_cassette('a', name='b')", "give the cassette name once"),
    ("sequrity_cassette('a', speed=2)", "unknown keyword argument speed=2; expected name, match_ignore, replay_speed"),
    ("sequrity_cassette('../a')", "name='../a': expected a name inside the cassette directory"),
    ("sequrity_cassette('a.json')", "name='a.json': expected a name inside the cassette directory without \".json\""),
    ("sequrity_cassette('a', replay_speed=0)", "replay_speed=0: expected 'recorded', 'none' or a factor > 0"),
    ("sequrity_cassette('a', match_ignore='metadata.user_id')", "match_ignore='metadata.user_id': expected a tuple"),
])
def test_marker_misuse_is_a_usage_error_naming_the_argument(pytester: pytest.Pytester, marker: str, says: str) -> None:
    pytester.makepyfile(test_misuse=f"""
        import pytest

        @pytest.mark.{marker}
        def test_marked(sequrity_mock):
            pass
    """)
    result = pytester.runpytest(*NO_CACHE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert f"ERROR: test_misuse.py::test_marked: {marker}: " in result.stderr.str()
    assert says in result.stderr.str()


def test_a_marked_test_without_the_fixture_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_unused="""
        import pytest

        @pytest.mark.sequrity_cassette("a")
        def test_marked():
            pass
    """)
    result = pytester.runpytest(*NO_CACHE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "test_unused.py::test_marked: @pytest.mark.sequrity_cassette works through the sequrity_mock fixture" \
        in result.stderr.str()


@pytest.mark.parametrize(("options", "says"), [
    (("--sequrity-record-mode=sometimes",), "--sequrity-record-mode='sometimes': expected one of none, once, "
                                            "new_episodes, all"),
    (("--sequrity-record-mode=all",), "--sequrity-record-mode=all records, so it needs --sequrity-upstream=URL"),
    (("--sequrity-upstream=localhost:1",), "--sequrity-upstream='localhost:1': expected an http:// or https://"),
])
def test_bad_cassette_options_are_usage_errors_naming_the_option(pytester: pytest.Pytester,
                                                                 options: tuple[str, ...], says: str) -> None:
    pytester.makepyfile(test_nothing="def test_nothing():\n    pass\n")
    result = pytester.runpytest(*NO_CACHE, *options)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert says in result.stderr.str()


def test_the_marker_is_documented_in_pytest_markers(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*NO_CACHE, "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.sequrity_cassette(name, *, replay_speed='none', match_ignore=()):*"])


def test_under_xdist_marker_misuse_is_the_test_error_naming_the_argument(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_misuse="""
        import pytest

        @pytest.mark.sequrity_cassette("a", speed=2)
        def test_marked(sequrity_mock):
            pass

        def test_unmarked(sequrity_mock):
            pass
    """)
    result = pytester.runpytest(*NO_CACHE, "-n", "1")
    result.assert_outcomes(passed=1, errors=1)
    assert "test_misuse.py::test_marked: sequrity_cassette('a', speed=2): unknown keyword argument speed=2" \
        in result.stdout.str()


class FinishedStopReason:
    """An upstream answer that breaks the contract: ``stop_reason: "finished"``."""

    cacheable = False

    async def respond(self, context: RequestContext) -> dict[str, Any]:
        message = await Synthesizer().respond(context)
        return {**message, "stop_reason": "finished"}


def test_an_exchange_breaking_the_contract_is_not_recorded_and_a_warning_says_so(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_record="""
        import asyncio, pytest

        @pytest.mark.sequrity_cassette("bad")
        def test_bad(sequrity_client):
            asyncio.run(sequrity_client.create(model="m", max_tokens=32, messages=[{"role": "user", "content": "hi"}]))
    """)
    with MockServer(responder=FinishedStopReason()) as upstream:
        result = pytester.runpytest(*NO_CACHE, "--sequrity-record-mode=once", f"--sequrity-upstream={upstream.url}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*SequrityCassetteWarning: 1 contract violation(s) while recording *bad.json; "
                                 "exchanges with a violation were not recorded. First: response body: "
                                 '$.stop_reason: expected one of *, got "finished"*'])
    assert not (pytester.path / "cassettes" / "bad.json").exists()
