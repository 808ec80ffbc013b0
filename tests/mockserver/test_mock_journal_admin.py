"""The journal and the admin API, and the MockServer handle that reads them."""

from __future__ import annotations

import asyncio
import time
import uuid

import aiohttp
import pytest
from mock_helpers import AUTH, call, post

from sequrity_contract.mockserver import MockServer

HI = {"model": "m", "max_tokens": 200, "messages": [{"role": "user", "content": "hi there"}]}


def test_every_request_is_journalled_with_credentials_redacted(server: MockServer) -> None:
    ok = post(server.messages_url("code", "openai"), HI, {"X-Api-Key": "secret-llm-key"})
    call("GET", server.url + "/nowhere")
    entries = call("GET", server.url + "/__admin/requests").json()
    assert entries == server.requests
    first, second = entries
    assert first["status"] == 200 and first["stream"] is False
    assert (first["endpoint_type"], first["provider"]) == ("code", "openai")
    assert first["body"] == HI
    assert first["session_id"] == ok.headers["X-Session-ID"]
    assert first["headers"]["Authorization"] == "<redacted>"
    assert first["headers"]["X-Api-Key"] == "<redacted>"
    assert "test-key" not in str(entries) and "secret-llm-key" not in str(entries)
    assert second["status"] == 404 and "no route" in second["error"]


def test_stream_entries_list_the_events_sent(server: MockServer) -> None:
    answer = post(server.messages_url(), {**HI, "stream": True})
    (entry,) = server.requests
    assert entry["stream"] is True and entry["disconnected"] is False
    assert entry["events"] == answer.events()
    assert entry["events_sent"] == len(answer.events())


def test_admin_delete_empties_the_journal_and_limit_keeps_the_newest(server: MockServer) -> None:
    for n in range(3):
        post(server.messages_url(), {**HI, "max_tokens": n + 1})
    newest = call("GET", server.url + "/__admin/requests?limit=1").json()
    assert [e["body"]["max_tokens"] for e in newest] == [3]
    assert call("GET", server.url + "/__admin/requests?limit=x").status == 400
    assert call("DELETE", server.url + "/__admin/requests").status == 200
    assert server.requests == []


def test_journal_is_a_bounded_ring_buffer() -> None:
    with MockServer(journal_size=3) as server:
        for n in range(7):
            post(server.messages_url(), {**HI, "max_tokens": n + 1})
        assert [e["body"]["max_tokens"] for e in server.requests] == [5, 6, 7]
        assert [e["seq"] for e in server.requests] == [5, 6, 7]


def test_sessions_admin_and_handle_agree(server: MockServer) -> None:
    first = post(server.messages_url(), HI).headers["X-Session-ID"]
    post(server.messages_url(), HI, {"X-Session-ID": first})
    chosen = "5f0e7d4c-3b2a-4190-8e7d-6c5b4a392817"
    assert post(server.messages_url(), HI, {"X-Session-ID": chosen.upper()}).headers["X-Session-ID"] == chosen
    sessions = call("GET", server.url + "/__admin/sessions").json()
    assert sessions == server.sessions
    assert [(s["id"], s["requests"], s["turns"]) for s in sessions] == [(first, 2, 2), (chosen, 1, 1)]


def test_admin_health_reports_counters(server: MockServer) -> None:
    post(server.messages_url(), HI)
    health = call("GET", server.url + "/__admin/health").json()
    assert health["status"] == "ok"
    assert health["requests"] == 1 and health["sessions"] == 1
    assert health["config"]["seed"] == 0


def _new_session_ids(count: int, **config: int) -> list[str]:
    with MockServer(**config) as server:
        return [post(server.messages_url(), HI).headers["X-Session-ID"] for _ in range(count)]


def test_new_session_ids_are_unique_uuids_seeded_per_server_and_worker() -> None:
    ids = _new_session_ids(3)
    assert len(set(ids)) == 3
    assert all(uuid.UUID(i).version == 4 and str(uuid.UUID(i)) == i for i in ids)
    assert _new_session_ids(3) == ids  # the same seed: the same sequence
    others = _new_session_ids(3, seed=1) + _new_session_ids(3, worker=1)
    assert not set(others) & set(ids) and len(set(others)) == 6


def test_new_sessions_are_kept_until_newer_ones_push_them_out_and_named_ones_continue() -> None:
    with MockServer(session_limit=3) as server:
        first, second, third = (post(server.messages_url(), HI).headers["X-Session-ID"] for _ in range(3))
        assert [(s["id"], s["requests"], s["turns"]) for s in server.sessions] == [
            (first, 1, 1), (second, 1, 1), (third, 1, 1)]
        post(server.messages_url(), HI, {"X-Session-ID": first})  # named again: it continues
        fourth = post(server.messages_url(), HI).headers["X-Session-ID"]
        assert [(s["id"], s["requests"]) for s in server.sessions] == [
            (second, 1), (third, 1), (first, 2), (fourth, 1)]  # least recently used first
        assert call("GET", server.url + "/__admin/health").json()["sessions"] == 4
        for _ in range(3):  # three newer sessions push the unnamed ones out; the named one stays
            post(server.messages_url(), HI)
        post(server.messages_url(), HI, {"X-Session-ID": second})  # pushed out: starts afresh
        counts = {s["id"]: s["requests"] for s in server.sessions}
        assert counts[first] == 2 and counts[second] == 1 and third not in counts and fourth not in counts


def test_clear_restarts_the_session_sequence(server: MockServer) -> None:
    first = post(server.messages_url(), HI).headers["X-Session-ID"]
    server.clear()
    assert server.requests == [] and server.sessions == []
    assert post(server.messages_url(), HI).headers["X-Session-ID"] == first


@pytest.mark.anyio
async def test_a_client_leaving_mid_stream_is_recorded() -> None:
    async with MockServer(latency="0,30,0", chunk_size=2) as server, aiohttp.ClientSession() as client:
        response = await client.post(server.messages_url(), json={**HI, "stream": True}, headers=AUTH)
        assert response.status == 200
        await response.content.readuntil(b"\n\n")  # message_start
        response.close()  # leave
        for _ in range(100):
            entry = server.requests[0]
            if entry["disconnected"]:
                break
            await asyncio.sleep(0.05)
        assert entry["disconnected"] is True
        assert 1 <= entry["events_sent"] < 10
        assert len(entry["events"]) == entry["events_sent"]


@pytest.mark.anyio
async def test_latency_delays_the_first_event_and_spaces_the_rest() -> None:
    async with MockServer(latency="150,20,10") as server, aiohttp.ClientSession() as client:
        started = time.monotonic()
        async with client.post(server.messages_url(), json={**HI, "stream": True}, headers=AUTH) as response:
            await response.content.readuntil(b"\n\n")
            first = time.monotonic() - started
            await response.read()
            total = time.monotonic() - started
    assert first >= 0.15
    assert total >= 0.15 + 0.02 * 5


def test_messages_url_checks_its_arguments(server: MockServer) -> None:
    assert server.messages_url("agent", "llama").endswith("/control/agent/llama/v1/messages")
    with pytest.raises(ValueError, match="endpoint_type='nope'"):
        server.messages_url("nope")
    with pytest.raises(ValueError, match="provider='nope'"):
        server.messages_url("chat", "nope")


def test_unknown_options_and_bad_values_are_named() -> None:
    with pytest.raises(TypeError, match="unknown MockConfig option colour='red'"):
        MockServer(colour="red")
    with pytest.raises(ValueError, match="chunk_size=0"):
        MockServer(chunk_size=0)


def test_a_server_that_is_not_running_says_so() -> None:
    server = MockServer()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.requests


def test_a_refused_configuration_header_still_journals_the_valid_body(server: MockServer) -> None:
    for _ in range(2):  # the second time, the body's verdict comes from the cache
        refused = post(server.messages_url(), HI, {"X-Config": '{"fsm": {"max_n_turns": 0}}'})
        assert refused.status == 400 and "X-Config header" in refused.json()["detail"]
    assert [e["body"] for e in server.requests] == [HI, HI]
    assert all("X-Config header" in e["error"] for e in server.requests)
