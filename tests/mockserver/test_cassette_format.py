"""The cassette file: versioned JSON that round-trips, errors that name the file and the
problem, and writes that are atomic even when the writer dies mid-write."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.modes.cassette import Cassette, CassetteError
from sequrity_contract.mockserver.support.byte_text import text_of

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
# header values: any text without control characters, and any bytes (kept as text, see support/byte_text)
header_values = (st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
                 | st.binary(max_size=30).filter(lambda b: not any(c < 32 or c == 127 for c in b)).map(text_of))
headers = st.dictionaries(st.sampled_from(["Content-Type", "X-Session-ID", "X-Features"]), header_values)


@st.composite
def interactions(draw: st.DrawFn) -> dict[str, Any]:
    response: dict[str, Any] = {"status": draw(st.integers(200, 599).filter(lambda s: s not in (204, 205, 304))),
                                "headers": draw(headers),
                                "at": draw(st.floats(0, 60))}
    if draw(st.booleans()):
        response["events"] = [{"at": at, "event": {"type": "x", "data": value}}
                              for at, value in draw(st.lists(st.tuples(st.floats(0, 60), json_values), max_size=4))]
    else:
        response["body"] = draw(json_values)
    return {"request": {"method": draw(st.sampled_from(["POST", "GET"])), "path": "/control/chat/v1/messages",
                        "headers": draw(headers), "body": draw(json_values)},
            "response": response}


@settings(max_examples=50, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(interactions(), max_size=4), redacted=st.lists(st.sampled_from(["a.b", "messages[*].x"])))
def test_a_saved_cassette_loads_back_equal(tmp_path: Path, items: list[dict[str, Any]], redacted: list[str]) -> None:
    path = tmp_path / "round.json"
    Cassette(path, items, redacted_paths=redacted).save()
    loaded = Cassette.load(path)
    assert loaded.interactions == items
    assert loaded.redacted_paths == list(dict.fromkeys(redacted))
    assert loaded.existed
    assert json.loads(path.read_text("utf-8"))["version"] == 1


def test_a_missing_file_is_an_empty_new_cassette(tmp_path: Path) -> None:
    cassette = Cassette.load(tmp_path / "new.json")
    assert (len(cassette), cassette.existed) == (0, False)


GOOD_INTERACTION = {"request": {"method": "POST", "path": "/p", "headers": {}, "body": {}},
                    "response": {"status": 200, "headers": {}, "body": {}}}
BAD_FILES = [
    ("not json", '{"version": 1, "interactions": [', "is not valid JSON"),
    ("a list", "[]", "$: expected a JSON object"),
    ("no version", '{"interactions": []}', "$.version: expected 1, got no version"),
    ("version 2", '{"version": 2, "interactions": []}', "$.version: expected 1, got version 2"),
    ("interactions not a list", '{"version": 1, "interactions": {}}', "$.interactions: expected a list"),
    ("bad status", json.dumps({"version": 1, "interactions": [
        GOOD_INTERACTION, {**GOOD_INTERACTION, "response": {"status": "200", "body": {}}}]}),
     '$.interactions[1].response.status: expected an HTTP status from 200 to 599, got "200"'),
    ("event without time", json.dumps({"version": 1, "interactions": [{**GOOD_INTERACTION, "response": {
        "status": 200, "events": [{"event": {"type": "message_stop"}}]}}]}),
     "$.interactions[0].response.events[0].at: missing (required in every event)"),
    ("neither body nor events", json.dumps({"version": 1, "interactions": [{**GOOD_INTERACTION,
                                            "response": {"status": 200}}]}),
     "$.interactions[0].response: expected a body or events, got neither"),
    ("bad redacted path", '{"version": 1, "interactions": [], "redacted_paths": ["a..b"]}',
     "$.redacted_paths[0]: path='a..b'"),
]


@pytest.mark.parametrize(("content", "problem"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES])
def test_an_unusable_cassette_names_the_file_and_the_problem(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CassetteError) as raised:
        Cassette.load(path)
    assert str(raised.value).startswith(f"cassette {path}: ")
    assert problem in str(raised.value)
    with pytest.raises(CassetteError, match=r"bad\.json"):
        MockServer(mode="replay", cassette=str(path)).__enter__()


def test_the_cli_reports_a_corrupt_cassette_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.json"
    path.write_text('{"version": 1, "interactions": [{"request": ')
    done = subprocess.run([sys.executable, "-m", "sequrity_contract", "serve", "--port", "0", "--mode", "replay",
                           "--cassette", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"cassette {path}: is not valid JSON" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_a_write_that_fails_midway_leaves_the_previous_cassette(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    cassette = Cassette(path, [GOOD_INTERACTION])
    cassette.save()
    before = path.read_bytes()
    broken = {**GOOD_INTERACTION, "response": {"status": 200, "headers": {}, "body": {"x": float("nan")}}}
    with pytest.raises(ValueError, match="JSON compliant"):
        cassette.append(broken)  # json.dump fails after writing part of the temporary file
    assert path.read_bytes() == before
    assert cassette.interactions == [GOOD_INTERACTION]
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]


WRITER = """
import sys
from sequrity_contract.mockserver.modes.cassette import Cassette
path, size = sys.argv[1], int(sys.argv[2])
pad = "x" * 2000
cassette = Cassette(path, [{"request": {"method": "POST", "path": "/p", "headers": {}, "body": {"n": n, "pad": pad}},
                           "response": {"status": 200, "headers": {}, "body": {}}} for n in range(size)])
print("ready", flush=True)
n = size
while True:
    cassette.append({"request": {"method": "POST", "path": "/p", "headers": {}, "body": {"n": n}},
                     "response": {"status": 200, "headers": {}, "body": {}}})
    n += 1
"""


def test_a_writer_killed_mid_write_never_leaves_a_broken_cassette(tmp_path: Path) -> None:
    path = tmp_path / "killed.json"
    for round_number in range(3):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), "300"], stdout=subprocess.PIPE, text=True)
        try:
            assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
            time.sleep(0.05 + 0.05 * round_number)
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
        if path.exists():
            loaded = Cassette.load(path)  # never half-written
            assert len(loaded) >= 300
    assert path.exists()
    # the kills did land mid-write: temporary files were left behind, never a torn cassette
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
