"""Data safety of the files the server writes: the journal file and cassettes keep any byte a client
sends (as ``\\udcXX`` escapes), a failure never loses what was recorded before, temporary files of
writers killed mid-write are cleaned up at start, and a cassette that is a symbolic link, or has its
own permissions, stays so."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import requests
from drivers import ServeProcess

from sequrity_contract.mockserver import MockServer
from sequrity_contract.mockserver.modes.cassette import Cassette
from sequrity_contract.mockserver.support.byte_text import bytes_of
from sequrity_contract.mockserver.support.json_nesting import MAX_NESTING

PATH = "/control/chat/v1/messages"
REQUEST = json.dumps({"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}]}).encode()


def raw_post(port: int, extra_headers: bytes) -> bytes:
    """POST a valid request whose head carries ``extra_headers`` as raw bytes; the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"POST " + PATH.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     b"Authorization: Bearer k\r\nContent-Type: application/json\r\n" + extra_headers
                     + b"Content-Length: %d\r\n\r\n" % len(REQUEST) + REQUEST)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_the_journal_file_keeps_header_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    with ServeProcess("--journal-file", str(journal)) as server:
        port = int(server.url.rsplit(":", 1)[1])
        assert raw_post(port, b"X-Custom: caf\xc3\xa9 \xe9\xff\r\n").startswith(b"HTTP/1.1 200 ")
        assert raw_post(port, b"X-Custom: plain\r\n").startswith(b"HTTP/1.1 200 ")
        code, _ = server.terminate()
        log = server.stderr()
    assert code == 0, log
    assert "Traceback" not in log
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.jsonl"]
    text = journal.read_text("utf-8")
    assert "\\udce9\\udcff" in text  # the bytes as escapes, the UTF-8 text as text
    entries = [json.loads(line) for line in text.splitlines()]
    assert [bytes_of(e["headers"]["X-Custom"]) for e in entries] == [b"caf\xc3\xa9 \xe9\xff", b"plain"]


def test_recording_an_x_config_that_is_not_utf8_answers_reports_and_keeps_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "rec.json"
    config = b'{"llm": {"note": "caf\xe9\xff"}}'
    with MockServer() as upstream, MockServer(mode="record", upstream=upstream.url, cassette=str(path)) as recorder:
        answer = raw_post(recorder.port, b"X-Config: " + config + b"\r\n")
        assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]  # the upstream's answer, not a 500
        entry = recorder.requests[-1]
        assert entry["status"] == 200 and entry["error"] is None
        assert bytes_of(entry["headers"]["X-Config"]) == config  # the journal keeps the bytes exactly
        # a configuration header is UTF-8 JSON: the validating proxy reports the bytes that are not
        violations = [v for v in recorder.violations["violations"] if v["subject"] == "request header X-Config"]
        assert violations and "UTF-8" in violations[0]["expected"]
    assert Cassette.load(path).interactions == []  # an exchange that breaks the contract is not recorded


def test_an_exchange_that_cannot_be_recorded_is_answered_and_the_cassette_keeps_what_it_held(tmp_path: Path) -> None:
    path = tmp_path / "kept.json"
    deep = "[" * (MAX_NESTING + 10) + "]" * (MAX_NESTING + 10)  # the server accepts it; a cassette may not hold it
    body = ('{"model": "m", "max_tokens": 20, "messages": [{"role": "user", "content": "hi"}], '
            '"tools": [{"name": "t", "input_schema": {"type": "object", "x": DEEP}}]}').replace("DEEP", deep).encode()
    with MockServer() as upstream:
        with MockServer(mode="record", upstream=upstream.url, cassette=str(path), record_mode="all") as recorder:
            assert raw_post(recorder.port, b"").startswith(b"HTTP/1.1 200 ")
        before = path.read_bytes()
        with MockServer(mode="record", upstream=upstream.url, cassette=str(path),
                        record_mode="new_episodes") as recorder:
            status = requests.post(recorder.messages_url(), data=body, timeout=30,
                                   headers={"Authorization": "Bearer k", "Content-Type": "application/json"})
            entry = recorder.requests[-1]
    assert status.status_code == 200, status.text[:300]  # the client still gets the upstream's answer
    assert entry["status"] == 200
    assert entry["error"] == (f"not recorded to the cassette {path}: $.interactions[1]: expected JSON nested at "
                              f"most {MAX_NESTING} levels deep (arrays and objects), got {MAX_NESTING + 18} levels")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["kept.json"]


WRITER = """
import sys
from sequrity_contract.mockserver.modes.cassette import Cassette
path = sys.argv[1]
pad = "x" * 2000
cassette = Cassette(path, [{"request": {"method": "POST", "path": "/p", "headers": {}, "body": {"n": n, "pad": pad}},
                           "response": {"status": 200, "headers": {}, "body": {}}} for n in range(300)])
print("ready", flush=True)
while True:
    cassette.save()
"""


def test_temporary_files_of_writers_killed_mid_write_are_removed_when_recording_starts(tmp_path: Path) -> None:
    path = tmp_path / "killed.json"
    for round_number in range(3):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
        try:
            assert writer.stdout is not None and writer.stdout.readline() == "ready\n"
            time.sleep(0.05 + 0.05 * round_number)
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(timeout=10)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp"))
    assert left, "the kills did not land mid-write"
    alive = tmp_path / f".killed.json.{os.getpid()}.0123abcd.tmp"  # a writer that is still running: ours
    foreign = [tmp_path / ".killed.json.tmp", tmp_path / f".other.json.{writer.pid}.0123abcd.tmp",
               tmp_path / "notes.tmp"]
    for keep in [alive, *foreign]:
        keep.write_text("not ours to remove")
    with MockServer() as upstream, MockServer(mode="record", upstream=upstream.url, cassette=str(path),
                                              record_mode="new_episodes"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["killed.json", alive.name, *(p.name for p in foreign)])
    assert len(Cassette.load(path)) == 300


def test_a_symlinked_cassette_is_written_through_the_link_and_keeps_its_mode(tmp_path: Path) -> None:
    shared, tests = tmp_path / "shared", tmp_path / "tests"
    shared.mkdir()
    tests.mkdir()
    target, link = shared / "session.json", tests / "session.json"
    Cassette(target).save()
    target.chmod(0o640)
    link.symlink_to(target)
    with MockServer() as upstream, MockServer(mode="record", upstream=upstream.url, cassette=str(link),
                                              record_mode="new_episodes") as recorder:
        assert raw_post(recorder.port, b"").startswith(b"HTTP/1.1 200 ")
    assert link.is_symlink() and link.resolve() == target
    assert len(Cassette.load(target)) == 1
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in shared.iterdir()) == ["session.json"]
    assert sorted(p.name for p in tests.iterdir()) == ["session.json"]


def test_a_new_cassette_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    path = tmp_path / "new.json"
    Cassette(path).save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
