"""Security: credentials never reach the journal export or the logs, ``--admin-token`` guards
``/__admin``, the server binds to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import asyncio
import json
import os
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


# --- secrets in every mode: the answer, the journal, the violation report, the cassette ------------

BODY = {"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}
CREDENTIAL_VARIANTS: list[dict[str, str]] = [
    {"Authorization": f"Bearer {SEQURITY_KEY}", "X-Api-Key": LLM_KEY},
    {"Authorization": SEQURITY_KEY},                        # no scheme: the whole value is the key
    {"Authorization": f"{SEQURITY_KEY} {LLM_KEY}"},         # an unknown "scheme" that is a key itself
    {"Authorization": f"Token {SEQURITY_KEY}", "X-Api-Key": LLM_KEY},
    {"Authorization": "Bearer sq-other", "X-Api-Key": "sk-other-9f8e7d6c5b4a-SECRET"},
]
STUB_EXPECTED_KEY = "sk-ant-stub-expected-5e4d3c-SECRET"


def _leaks(text: str) -> list[str]:
    secrets = (*SECRETS, STUB_EXPECTED_KEY, "sk-other-9f8e7d6c5b4a-SECRET")
    return [secret for secret in secrets if leaked_part(secret, text) is not None]


@pytest.mark.parametrize("mode", ["synthesize", "strict-stubs", "proxy", "record"])
def test_no_credential_reaches_an_answer_the_journal_a_report_or_a_cassette(
        mode: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    cassette, report = tmp_path / "cassette.json", tmp_path / "report.json"

    async def run() -> list[str]:
        texts: list[str] = []
        async with MockServer() as upstream:
            options: dict[str, Any] = {
                "synthesize": {},
                "strict-stubs": {"strict": True, "stubs": (
                    {"id": "keyed", "match": {"headers": {"X-Api-Key": STUB_EXPECTED_KEY,
                                                          "Authorization": f"Bearer {STUB_EXPECTED_KEY}"}},
                     "message": {"content": [{"type": "text", "text": "only for the stub's key"}]}},)},
                "proxy": {"mode": "proxy", "upstream": upstream.url, "report": str(report)},
                "record": {"mode": "record", "upstream": upstream.url, "cassette": str(cassette)},
            }[mode]
            async with MockServer(**options) as server, aiohttp.ClientSession() as session:
                for headers in CREDENTIAL_VARIANTS:
                    async with session.post(server.url + PATH, json=BODY, headers=headers) as response:
                        texts.append(await response.text())
                for name in ("requests", "violations", "sessions", "health"):
                    async with session.get(f"{server.url}/__admin/{name}") as response:
                        assert response.status == 200
                        texts.append(await response.text())
                answers = texts[:len(CREDENTIAL_VARIANTS)]
                if mode == "strict-stubs":  # the near-miss still says which header differs
                    near_misses = [answer for answer in answers if "no stub matches" in answer]
                    assert len(near_misses) == 2, answers  # the others have no bearer key: 401
                    assert all("match.headers.X-Api-Key: expected the stub's value <redacted>" in answer
                               for answer in near_misses), near_misses
                if mode == "proxy":
                    assert "a value without a scheme" in texts[-3] and "an unknown scheme" in texts[-3]
        return texts

    texts = asyncio.run(run())
    if mode == "proxy":
        texts.append(report.read_text())
    if mode == "record":
        texts.append(cassette.read_text())
    texts.append(caplog.text)
    assert _leaks("\n".join(texts)) == []


def test_api_keys_are_compared_in_constant_time_with_every_configured_key(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    compared: list[int] = []
    real = hmac.compare_digest

    def counting(a: Any, b: Any) -> bool:
        compared.append(1)
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", counting)
    keys = ("key-one", SEQURITY_KEY, "key-three")

    async def statuses() -> list[tuple[int, int]]:
        out = []
        async with MockServer(api_keys=keys) as server, aiohttp.ClientSession() as session:
            for key in (keys[0], "sq-live-4f1c9e7a2b-SECREX", b"\xff".decode("latin-1")):
                compared.clear()
                async with session.post(server.url + PATH, json=BODY,
                                        headers={"Authorization": f"Bearer {key}"}) as response:
                    out.append((response.status, len(compared)))
        return out

    assert asyncio.run(statuses()) == [(200, 3), (401, 3), (401, 3)]


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.com"])
def test_a_host_beyond_loopback_needs_an_admin_token_or_admin_open(host: str) -> None:
    with pytest.raises(ValueError, match=r"--admin-token.*--admin-open") as refused:
        MockConfig(host=host)
    assert "admin_open=True" in str(refused.value)
    assert MockConfig(host=host, admin_token=ADMIN_TOKEN).host == host
    assert MockConfig(host=host, admin_open=True).admin_open is True


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost", "LOCALHOST", "::ffff:127.0.0.1"])
def test_loopback_hosts_need_neither(host: str) -> None:
    assert MockConfig(host=host).host == host


def test_serve_refuses_to_open_the_admin_api_beyond_loopback_with_exit_2() -> None:
    import subprocess

    from drivers import SERVE

    done = subprocess.run([*SERVE, "--host", "0.0.0.0"], capture_output=True, text=True, timeout=60,
                          env={k: v for k, v in os.environ.items() if k != "SEQURITY_MOCK_ADMIN_TOKEN"})
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "--admin-token" in done.stderr and "--admin-open" in done.stderr
    with ServeProcess("--host", "0.0.0.0", "--admin-open") as server:
        assert server.url
        code, _ = server.terminate()
    assert code == 0
