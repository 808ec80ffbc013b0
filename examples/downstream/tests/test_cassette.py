"""A test replaying a recorded answer: no server to reach, the same answer on every run.

`cassettes/greet_ada.json` was recorded once, through the mock's validating proxy, with
`pytest tests/test_cassette.py --sequrity-record-mode=once --sequrity-upstream=URL`.
"""

import asyncio
import json
from pathlib import Path

import pytest
from greeter import greet

CASSETTE = Path(__file__).parent / "cassettes" / "greet_ada.json"


@pytest.mark.sequrity_cassette("greet_ada")
def test_greet_returns_the_recorded_greeting(sequrity_mock, sequrity_client):
    text = asyncio.run(greet(sequrity_client, "Ada"))
    [recorded] = json.loads(CASSETTE.read_text())["interactions"]
    assert text == recorded["response"]["body"]["content"][0]["text"]
    [entry] = sequrity_mock.requests
    assert entry["status"] == 200 and entry["session_id"] == recorded["response"]["headers"]["X-Session-ID"]
