"""The reproduction's curl line sends the body the client sent, whether the server accepted it (journalled
as its JSON value) or refused it (journalled as its text)."""

from __future__ import annotations

import json
import shlex

import pytest
import requests

from sequrity_contract.contract_tests.conformance import replay
from sequrity_contract.mockserver import MockServer

ACCEPTED = {"model": "m", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
REFUSED = {**ACCEPTED, "output_config": {"format": {"type": "json_schema", "schema_": {"type": "object"}}}}


def _data_of(curl_line: str) -> str:
    words = shlex.split(curl_line)
    return words[words.index("--data-raw") + 1]


@pytest.mark.parametrize(("body", "status"), [(ACCEPTED, 200), (REFUSED, 400)])
def test_the_replayed_body_is_the_one_sent(body, status):
    with MockServer() as server:
        sent = json.dumps(body)
        answer = requests.post(server.messages_url(), data=sent, timeout=10,
                               headers={"Authorization": "Bearer k", "Content-Type": "application/json"})
        assert answer.status_code == status
        [entry] = server.requests
        curl_line = replay(entry, "sequrity-mock serve").splitlines()[1]
        assert json.loads(_data_of(curl_line)) == body
        again = requests.post(f"{server.url}{entry['path']}", data=_data_of(curl_line).encode(), timeout=10,
                              headers={"Authorization": "Bearer k", "Content-Type": "application/json"})
        assert (again.status_code, again.json().get("detail")) == (status, answer.json().get("detail"))
