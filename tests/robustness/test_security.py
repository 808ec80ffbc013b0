"""Security: credentials never reach the journal export or the logs, ``--admin-token`` guards
``/__admin``, the server binds to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from drivers import PATH, ServeProcess, stream_request

from sequrity_contract import schemas
from sequrity_contract.mockserver import MockConfig, MockServer

SEQURITY_KEY = "sq-live-4f1c9e7a2b-SECRET"
LLM_KEY = "sk-ant-api03-9d8e7f-SECRET"
ADMIN_TOKEN = "admin-7b3e91-SECRET"
SECRETS = (SEQURITY_KEY, LLM_KEY, ADMIN_TOKEN)


def leaked_part(secret: str, text: str, width: int = 10) -> str | None:
    """A ``width``-character piece of ``secret`` that occurs in ``text`` (a prefix counts too)."""
    return next((secret[i:i + width] for i in range(len(secret) - width + 1) if secret[i:i + width] in text), None)


async def _exchange(url: str, admin: dict[str, str]) -> dict[str, Any]:
    """Send credentials every way a client may (good and bad requests, streams, odd Authorization
    values, cookies), then export the journal, sessions and health through the admin API."""
    body = {"model": "m", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}
    variants: list[tuple[dict[str, str], Any]] = [
        ({"Authorization": f"Bearer {SEQURITY_KEY}", "X-Api-Key": LLM_KEY}, body),
        ({"Authorization": f"Bearer {SEQURITY_KEY}", "X-Api-Key": LLM_KEY}, stream_request()),
        ({"Authorization": f"Bearer {SEQURITY_KEY}", "X-Api-Key": LLM_KEY}, {"model": 1}),
        ({"Authorization": SEQURITY_KEY}, body),                       # no scheme
        ({"Authorization": f"Token {SEQURITY_KEY}"}, body),            # wrong scheme
        ({"Authorization": f"bearer  {SEQURITY_KEY} ", "Cookie": f"session={LLM_KEY}"}, body),
        ({"Proxy-Authorization": f"Bearer {SEQURITY_KEY}"}, body),
        ({"Authorization": f"Bearer {ADMIN_TOKEN}"}, body),
    ]
    async with aiohttp.ClientSession() as session:
        for headers, payload in variants:
            async with session.post(url + PATH, json=payload, headers=headers) as response:
                await response.read()
        async with session.put(url + PATH, headers={"Authorization": f"Bearer {SEQURITY_KEY}"}) as response:
            await response.read()
        exports = {}
        for name in ("requests", "sessions", "health"):
            async with session.get(f"{url}/__admin/{name}", headers=admin) as response:
                assert response.status == 200, name
                exports[name] = await response.json()
        return exports


def test_credentials_never_reach_the_journal_export_nor_the_server_log() -> None:
    with ServeProcess("--admin-token", ADMIN_TOKEN, "--api-key", SEQURITY_KEY) as server:
        exports = asyncio.run(_exchange(server.url, {"Authorization": f"Bearer {ADMIN_TOKEN}"}))
        code, _ = server.terminate()
        log = server.stderr()
    assert code == 0
    journal = exports["requests"]
    assert len(journal) == 9  # every request was journalled, headers included
    assert any("X-Api-Key" in entry["headers"] for entry in journal)
    exported = json.dumps(exports)
    for secret in SECRETS:
        assert leaked_part(secret, exported) is None, f"{secret} leaked into the admin export"
        assert leaked_part(secret, log) is None, f"{secret} leaked into the server's stderr"
    assert exports["health"]["config"]["admin_token"] is True
    assert exports["health"]["config"]["api_keys"] == 1


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer wrong-token"},
    {"Authorization": ADMIN_TOKEN},
    {"X-Admin-Token": ADMIN_TOKEN},
    {"Authorization": f"Basic {ADMIN_TOKEN}"},
], ids=["none", "wrong-token", "no-scheme", "other-header", "basic-scheme"])
@pytest.mark.parametrize("method,path", [("GET", "/__admin/requests"), ("DELETE", "/__admin/requests"),
                                         ("GET", "/__admin/sessions"), ("GET", "/__admin/health"),
                                         ("POST", "/__admin/health")])
def test_the_admin_token_guards_every_admin_route(headers: dict[str, str], method: str, path: str) -> None:
    async def ask() -> tuple[int, Any]:
        async with MockServer(admin_token=ADMIN_TOKEN) as server, aiohttp.ClientSession() as session:
            async with session.request(method, server.url + path, headers=headers) as refused:
                status, body = refused.status, await refused.json()
            async with session.request(method, server.url + path,
                                       headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as allowed:
                assert allowed.status in (200, 405)
            return status, body

    status, body = asyncio.run(ask())
    assert status == 401
    assert schemas.check("error", body, status=401) == []
    assert "--admin-token" in body["error"]["message"]
    assert leaked_part(ADMIN_TOKEN, json.dumps(body)) is None


def test_without_an_admin_token_the_admin_api_is_open_and_messages_ignore_the_token() -> None:
    async def ask() -> tuple[int, int]:
        async with MockServer() as open_server, MockServer(admin_token=ADMIN_TOKEN) as guarded, \
                aiohttp.ClientSession() as session:
            async with session.get(open_server.url + "/__admin/health") as health:
                health_status = health.status
            body = {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "x"}]}
            async with session.post(guarded.url + PATH, json=body, headers={"Authorization": "Bearer k"}) as answer:
                return health_status, answer.status

    assert asyncio.run(ask()) == (200, 200)


def test_the_server_binds_to_loopback_unless_told_otherwise() -> None:
    assert MockConfig().host == "127.0.0.1"
    with ServeProcess() as server:
        assert server.url.startswith("http://127.0.0.1:")
        port = int(server.url.rsplit(":", 1)[1])
        listening = [line.split() for line in Path("/proc/net/tcp").read_text().splitlines()[1:]]
        ours = [fields for fields in listening if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port]
        assert ours, f"nothing listens on port {port}"
        assert {fields[1].split(":")[0] for fields in ours} == {"0100007F"}  # 127.0.0.1, not 0.0.0.0


def test_a_blank_admin_token_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError, match="admin_token: expected None or a non-empty string"):
        MockConfig(admin_token="  ")


def test_the_admin_token_can_come_from_the_environment() -> None:
    async def statuses(url: str) -> tuple[int, int]:
        async with aiohttp.ClientSession() as session:
            async with session.get(url + "/__admin/health") as refused:
                pass
            async with session.get(url + "/__admin/health",
                                   headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as allowed:
                return refused.status, allowed.status

    with ServeProcess(env={"SEQURITY_MOCK_ADMIN_TOKEN": ADMIN_TOKEN}) as server:
        assert asyncio.run(statuses(server.url)) == (401, 200)
