"""Shutdown: SIGTERM while 50 slow streams are open closes them all, exits 0 within 5 s, and
leaves nothing half-written (whole SSE events on the wire, a complete journal file)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from drivers import ServeProcess, open_streams

from sequrity_contract import schemas
from sequrity_contract.schemas.sse import SSEParser

STREAMS = 50
EXIT_WITHIN = 5.0


async def _streams_cut_by_sigterm(server: ServeProcess) -> tuple[list[bytes], int, float]:
    started = asyncio.Event()
    reading = asyncio.create_task(open_streams(server.url, STREAMS, started, timeout=30))
    await asyncio.wait_for(started.wait(), 20)
    code, seconds = await asyncio.to_thread(server.terminate, EXIT_WITHIN + 10)
    bodies = await asyncio.wait_for(reading, 10)  # every client saw its stream end
    return bodies, code, seconds


def test_sigterm_during_50_open_streams_closes_them_and_exits_0_within_5_seconds(tmp_path: Path) -> None:
    journal_file = tmp_path / "journal.jsonl"
    with ServeProcess("--latency", "0,200", "--journal-file", str(journal_file)) as server:
        bodies, code, seconds = asyncio.run(_streams_cut_by_sigterm(server))
        log = server.stderr()
    assert code == 0, log
    assert seconds < EXIT_WITHIN, f"exit took {seconds:.2f} s"
    assert "Traceback" not in log
    for index, body in enumerate(bodies):
        parser = SSEParser()
        events = [e.json() for e in parser.feed(body)]
        assert body.endswith(b"\n\n"), f"stream {index} ends inside an event: {body[-80:]!r}"
        assert parser.close() == []
        assert events and events[0]["type"] == "message_start"
        assert events[-1]["type"] != "message_stop", f"stream {index} was not open at SIGTERM"
        assert all(schemas.validate("event", e) == [] for e in events)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.jsonl"]  # no temporary file left behind
    entries = [json.loads(line) for line in journal_file.read_text().splitlines()]
    streams = [e for e in entries if e["stream"]]
    assert len(streams) == STREAMS
    assert all(e["status"] == 200 and e["disconnected"] for e in streams)
    assert sorted(e["events_sent"] for e in streams) == sorted(len(SSEParser().feed(b)) for b in bodies)
