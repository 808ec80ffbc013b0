"""Load benchmark of the mock server against a bare aiohttp handler, in the same run.

Both servers run as separate processes on loopback, one after the other, on the default
asyncio event loop with the standard-library ``json``. The bare handler parses the request
JSON and answers with precomputed bytes -- the very bytes our server sends for the bench
request -- writing a stream one event per write. Our server runs with journal, validation
and synthesis on (its answer and validation caches make a repeated request a cache hit).

Load: ``wrk -t1 -c16 --latency`` with a POST script, after a warm-up, non-streaming and
streaming (``"stream": true``). Prints req/s, p50/p99 and the ratios against the targets.

Absolute figures drift a lot on a shared machine (rounds of the same server differ by 30 %),
so the servers take turns in short rounds, ordered ABBA (bare, ours, ours, bare, ...) so that a
steady drift favours neither, and each ratio is taken between the two rounds of one pair. The
verdict uses the median of those paired ratios; the ratio of the totals is printed beside it.

    python bench/server.py [--duration 3] [--rounds 20] [--warmup 3] [--distinct N]

``--distinct N`` sends N distinct bodies in turn instead of one ("Hello 0", "Hello 1", ...): with N
above the answer cache's size every request is a cache miss, so it shows what validation and
synthesis cost when nothing repeats. The targets are set for the repeated request, so that run
prints the ratios without a verdict.

Needs Debian's ``wrk`` (``apt-get install -y wrk``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from record import record

PATH = "/control/chat/anthropic/v1/messages"
REQUEST = {"model": "claude-sonnet-4", "max_tokens": 64, "messages": [{"role": "user", "content": "Hello"}]}
WEATHER_TOOL = {"name": "get_weather", "description": "Current weather for a city",
                "input_schema": {"type": "object", "required": ["city"],
                                 "properties": {"city": {"type": "string"},
                                                "unit": {"type": "string", "enum": ["c", "f"]}}}}
REALISTIC_REQUEST = {
    "model": "claude-sonnet-4", "max_tokens": 256, "system": "You are a concise travel assistant.",
    "tools": [WEATHER_TOOL],
    "messages": [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Great choice. What would you like to know about Lisbon?"},
        {"role": "user", "content": [{"type": "text", "text": "Hello again: what should I pack for my trip to Lisbon "
                                                                  "next week, and is it likely to rain? Please keep "
                                                                  "it short and practical."}]},
    ],
}
"""Real traffic (``--traffic realistic``): a system prompt, a tool and three turns, about 1 KB; with
``--distinct N`` its first message becomes ``Hello 0`` ... ``Hello N-1``, so every body differs."""
TRAFFIC = {"hello": REQUEST, "realistic": REALISTIC_REQUEST}
TARGETS = {"nonstream": 0.85, "stream": 1.10}
P99_LIMIT = 2.0
PEER_GOAL = 1.0
"""Distinct-body throughput against aimock in the same run (the speed issue's goal, moonshot 2x)."""
AIMOCK = "/tmp/aimock/node_modules/.bin/llmock"
"""Where ``../shared/peer-bench/setup.sh`` installs aimock (npm ``@copilotkit/aimock``)."""
AIMOCK_PATH = "/v1/messages"
"""aimock serves the Anthropic path itself, not Sequrity's."""

LUA = """
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench"
wrk.headers["x-api-key"] = "bench"
wrk.headers["anthropic-version"] = "2023-06-01"
-- BENCH_DISTINCT=N: the user message becomes "Hello 0" ... "Hello N-1" in turn, N distinct bodies.
local distinct = tonumber(os.getenv("BENCH_DISTINCT") or "0")
local counter = 0
if distinct > 0 then
  request = function()
    counter = (counter + 1) % distinct
    local body = string.gsub(wrk.body, '"Hello"', '"Hello ' .. counter .. '"')
    return wrk.format(nil, nil, nil, body)
  end
end
function done(summary, latency, requests)
  io.write(string.format('RESULT {"requests":%d,"seconds":%.3f,"p50_ms":%.3f,"p99_ms":%.3f,' ..
    '"errors":%d,"non2xx":%d}\\n', summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""

BASELINE = r'''
import json, sys
from aiohttp import web

answer = json.load(open(sys.argv[1]))
JSON_BODY = answer["json"].encode()
EVENTS = [e.encode() for e in answer["events"]]
SSE_HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}

async def messages(request):
    body = json.loads(await request.read())
    if body.get("stream") is True:
        response = web.StreamResponse(headers=SSE_HEADERS)
        try:
            await response.prepare(request)
            for event in EVENTS:
                await response.write(event)
            await response.write_eof()
        except ConnectionResetError:
            pass
        return response
    return web.Response(body=JSON_BODY, content_type="application/json")

app = web.Application()
app.router.add_post(sys.argv[2], messages)
web.run_app(app, host="127.0.0.1", port=0, access_log=None,
            print=lambda *a: None, handle_signals=True,
            )
'''


def _bench_answer() -> dict[str, Any]:
    """Our server's answer to the bench request, as JSON text and as SSE events."""
    from sequrity_contract.mockserver import MockConfig, RequestContext, synthesize
    from sequrity_contract.mockserver.state import ServerState
    from sequrity_contract.schemas import MESSAGES

    config = MockConfig()
    session = "00000000-0000-4000-8000-000000000000"
    rendered = ServerState.create(config).delivery.render(MESSAGES, synthesize(
        RequestContext("chat", "anthropic", REQUEST, session, config.seed)))
    return {"json": rendered.json_bytes(session.encode()).decode(),
            "events": [e.decode() for e in rendered.event_bytes(session.encode())]}


def _listening_port(process: subprocess.Popen[str], deadline: float) -> int:
    """Read the port from the server's first line (ours) or find its socket (baseline)."""
    while time.monotonic() < deadline:
        port = _port_of(process.pid)
        if port:
            return port
        time.sleep(0.1)
    raise RuntimeError(f"server pid {process.pid} did not listen within the deadline")


def _port_of(pid: int) -> int | None:
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        lines = Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
            return int(fields[1].split(":")[1], 16)
    return None


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


#: ``taskset`` prefixes when ``--pin`` is given: the load generator on CPU 0, servers on CPU 1.
PIN: dict[str, list[str]] = {"wrk": [], "server": []}


def _wrk(url: str, lua: str, body: str, seconds: int, distinct: int = 0) -> dict[str, Any]:
    command = [*PIN["wrk"], "wrk", "-t1", "-c16", f"-d{seconds}s", "--latency", "--timeout", "5s", "-s", lua, url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30,
                          env={**os.environ, "BENCH_BODY": body, "BENCH_DISTINCT": str(distinct)}, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[7:])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def server_commands(scratch: str) -> dict[str, list[str]]:
    """The commands of the two servers under test, by name: the bare handler (its script and
    answer written into the folder ``scratch``) and ``sequrity-mock serve`` on a free port."""
    answer = os.path.join(scratch, "answer.json")
    Path(answer).write_text(json.dumps(_bench_answer()))
    baseline = os.path.join(scratch, "baseline.py")
    Path(baseline).write_text(BASELINE)
    return {"bare aiohttp": [sys.executable, baseline, answer, PATH],
            "sequrity-mock": [sys.executable, "-m", "sequrity_contract", "serve", "--port", "0"]}


def aimock_command(scratch: str, binary: str) -> list[str]:
    """aimock answering every bench body (its last user message starts with "Hello") with one text."""
    fixtures = os.path.join(scratch, "aimock-fixtures.json")
    Path(fixtures).write_text(json.dumps({"fixtures": [{"match": {"userMessage": "Hello"},
                                                         "response": {"content": "Hello! A reply from the mock."}}]}))
    return [binary, "--host", "127.0.0.1", "--port", "0", "--fixtures", fixtures, "--chunk-size", "5",
            "--log-level", "warn"]


class Server:
    """A server process under test, started in its own session and ended by its group id."""

    def __init__(self, name: str, command: list[str], startup_s: float = 30, path: str = PATH) -> None:
        self.name = name
        self.process = subprocess.Popen([*PIN["server"], *command], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.port = _listening_port(self.process, time.monotonic() + startup_s)
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.runs: dict[str, list[dict[str, Any]]] = {"nonstream": [], "stream": []}
        self.rss: list[float] = []

    def stop(self) -> None:
        """End the process group (SIGTERM, then SIGKILL after 10 s)."""
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def summary(self, mode: str) -> dict[str, float]:
        """Requests per second over every round; median p50 and p99 of the rounds."""
        runs = self.runs[mode]
        return {"rps": sum(r["requests"] for r in runs) / sum(r["seconds"] for r in runs),
                "p50_ms": statistics.median(r["p50_ms"] for r in runs),
                "p99_ms": statistics.median(r["p99_ms"] for r in runs),
                "errors": sum(r["errors"] + r["non2xx"] for r in runs),
                "cpu_us": 1e6 * sum(r["cpu_s"] for r in runs) / sum(r["requests"] for r in runs)}


def measure(servers: list[Server], lua: str, args: argparse.Namespace) -> None:
    """Per mode: warm every server up, then measured rounds in which the servers take turns, in
    ABBA order (the pair order flips every round), so slow drifts of the machine's load affect
    all servers alike."""
    for mode in ("nonstream", "stream"):
        request = TRAFFIC[args.traffic]
        body = json.dumps({**request, "stream": True} if mode == "stream" else request)
        for server in servers:
            _wrk(server.url, lua, body, args.warmup, args.distinct)
            server.rss.append(_rss_mib(server.process.pid))
        for round_number in range(args.rounds):
            for server in (servers if round_number % 2 == 0 else servers[::-1]):
                cpu = _cpu_seconds(server.process.pid)
                run = _wrk(server.url, lua, body, args.duration, args.distinct)
                run["cpu_s"] = _cpu_seconds(server.process.pid) - cpu
                server.runs[mode].append(run)
    for server in servers:
        server.rss.append(_rss_mib(server.process.pid))


def report(base: Server, ours: Server, args: argparse.Namespace, peer: Server | None = None) -> int:
    """Print the table and the ratios; the number of missed targets."""
    print(f"\nwrk -t1 -c16, {args.rounds} ABBA-paired rounds of {args.duration}s per mode and server after "
          f"{args.warmup}s warm-up; both on asyncio + json")
    print("| server | non-stream req/s | p50 ms | p99 ms | CPU us/req | streams/s | p50 ms | p99 ms "
          "| CPU us/stream | RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for server in (base, ours, *([peer] if peer else [])):
        n, s = server.summary("nonstream"), server.summary("stream")
        rss = " -> ".join(f"{x:.0f}" for x in (server.rss[0], server.rss[-1]))
        print(f"| {server.name} | {n['rps']:,.0f} | {n['p50_ms']:.2f} | {n['p99_ms']:.2f} | "
              f"{n['cpu_us']:.0f} | {s['rps']:,.0f} | {s['p50_ms']:.2f} | {s['p99_ms']:.2f} | "
              f"{s['cpu_us']:.0f} | {rss} |")
    missed = 0
    results: dict[str, object] = {"rounds": args.rounds, "duration_s": args.duration, "warmup_s": args.warmup,
                                  "pin": bool(PIN["wrk"]), "distinct": args.distinct, "traffic": args.traffic,
                                  "bare": {m: base.summary(m) for m in TARGETS},
                                  "ours": {m: ours.summary(m) for m in TARGETS}}
    for mode, target in TARGETS.items():
        b, o = base.summary(mode), ours.summary(mode)
        paired = [x["rps"] / y["rps"] for x, y in zip(ours.runs[mode], base.runs[mode], strict=True)]
        ratio, total_ratio = statistics.median(paired), o["rps"] / b["rps"]
        p99 = o["p99_ms"] / b["p99_ms"]
        ok = ratio >= target and p99 <= P99_LIMIT and not o["errors"]
        if args.distinct:  # the targets are set for the repeated request; this run only informs
            verdict = f"no verdict with --distinct {args.distinct}"
        else:
            missed += not ok
            verdict = "OK" if ok else "MISSED"
        cpu = b["cpu_us"] / o["cpu_us"]
        results[f"{mode}_ratio"], results[f"{mode}_total_ratio"] = ratio, total_ratio
        results[f"{mode}_paired_ratios"] = paired
        results[f"{mode}_p99_ratio"], results[f"{mode}_ok"] = p99, ok
        print(f"{mode}: throughput {ratio:.3f}x median of pairs (target >= {target:.2f}x; pairs "
              f"{', '.join(f'{x:.2f}' for x in paired)}; totals {total_ratio:.2f}x), p99 {p99:.2f}x "
              f"(target <= {P99_LIMIT:.1f}x), errors {o['errors']} -> {verdict}; requests per CPU-second {cpu:.2f}x")
    if peer is not None:
        for mode in TARGETS:
            o, q = ours.summary(mode), peer.summary(mode)
            paired = [x["rps"] / y["rps"] for x, y in zip(ours.runs[mode], peer.runs[mode], strict=True)]
            ratio = statistics.median(paired)
            p99 = o["p99_ms"] / q["p99_ms"]
            ok = ratio >= PEER_GOAL and p99 <= P99_LIMIT and not o["errors"] and not q["errors"]
            results[f"{mode}_vs_{peer.name}"] = {"ratio": ratio, "paired": paired, "p99_ratio": p99, "ok": ok,
                                                 peer.name: q}
            print(f"{mode} against {peer.name}: throughput {ratio:.3f}x median of pairs (goal >= {PEER_GOAL:.1f}x; "
                  f"pairs {', '.join(f'{x:.2f}' for x in paired)}), p99 {p99:.2f}x (goal <= {P99_LIMIT:.1f}x), "
                  f"errors ours {o['errors']} / {peer.name} {q['errors']} -> {'OK' if ok else 'MISSED'}")
    total = sum(r["requests"] for runs in ours.runs.values() for r in runs)
    print(f"our server answered {total:,} measured requests; RSS {ours.rss[0]:.0f} MiB after the first "
          f"warm-up, {ours.rss[-1]:.0f} MiB at the end")
    results["rss_mib"] = [ours.rss[0], ours.rss[-1]]
    print(f"recorded in {record('server', results)}")
    return missed


def main() -> int:
    """Run the benchmark and print the table; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--duration", type=int, default=3, help="seconds per measured round (default 3)")
    add("--rounds", type=int, default=20, help="measured rounds per mode and server (default 20)")
    add("--warmup", type=int, default=3, help="seconds of discarded load per mode (default 3)")
    add("--distinct", type=int, default=0, metavar="N",
        help="cycle through N distinct request bodies (N above the answer cache's 1 024: every request a miss, "
             "validated and synthesized afresh); informational, no verdict")
    add("--pin", action="store_true", help="run wrk on CPU 0 and the servers on CPU 1 (taskset; needs 2 CPUs)")
    add("--traffic", choices=sorted(TRAFFIC), default="hello",
        help="the request: hello (one short message, default) or realistic (system, tool, three turns, ~1 KB)")
    add("--aimock", nargs="?", const=AIMOCK, default=None, metavar="LLMOCK",
        help=f"also measure aimock in the same rounds (its llmock binary; default {AIMOCK}, installed by "
             "../shared/peer-bench/setup.sh) and print our ratio against it")
    args = parser.parse_args()
    if args.pin:
        PIN.update(wrk=["taskset", "-c", "0"], server=["taskset", "-c", "1"])
    if shutil.which("wrk") is None:
        print("bench/server.py: wrk not found; install it with: apt-get install -y wrk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        lua = os.path.join(scratch, "post.lua")
        Path(lua).write_text(LUA)
        servers: list[Server] = []
        try:
            servers.extend(Server(name, command) for name, command in server_commands(scratch).items())
            if args.aimock:
                servers.append(Server("aimock", aimock_command(scratch, args.aimock), path=AIMOCK_PATH))
            measure(servers, lua, args)
        finally:
            for server in servers:
                server.stop()
    return 1 if report(servers[0], servers[1], args, servers[2] if len(servers) > 2 else None) else 0


if __name__ == "__main__":
    sys.exit(main())
