"""Conformance suite wall time for the reference client at the CI profile, serially and with
pytest-xdist ``-n 2`` (each worker runs its own servers), measured in the same run.

    python bench/conformance.py [--client reference] [--profile sequrity-ci] [--rounds 1]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from record import record


def wall_time(client: str, profile: str, workers: int | None) -> tuple[float, str]:
    """Seconds one ``pytest --sequrity-conformance`` run takes, and its summary line."""
    with tempfile.TemporaryDirectory() as empty:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", empty,
                   "--sequrity-conformance", f"--sequrity-client={client}", empty]
        if workers:
            command += ["-n", str(workers)]
        started = time.monotonic()
        done = subprocess.run(command, cwd=empty, capture_output=True, text=True, timeout=3600,
                              env={**os.environ, "SEQURITY_HYPOTHESIS_PROFILE": profile})
        seconds = time.monotonic() - started
    summary = next((line for line in reversed(done.stdout.splitlines()) if re.search(r"\d+ (passed|failed)", line)),
                   done.stdout[-300:] + done.stderr[-300:])
    if done.returncode != 0:
        raise SystemExit(f"conformance run failed (exit {done.returncode}): {summary}")
    return seconds, summary


def main() -> int:
    """Time the suite serially and with ``-n 2``; print and record the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", default="reference")
    parser.add_argument("--profile", default="sequrity-ci")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    serial, parallel = [], []
    for _ in range(args.rounds):  # alternate, so background load hits both alike
        seconds, summary = wall_time(args.client, args.profile, None)
        serial.append(seconds)
        seconds, parallel_summary = wall_time(args.client, args.profile, 2)
        parallel.append(seconds)
    one, two = statistics.median(serial), statistics.median(parallel)
    print(f"conformance suite, client {args.client}, profile {args.profile}: serial {one:.1f} s ({summary}); "
          f"-n 2 {two:.1f} s ({parallel_summary}); speed-up {one / two:.2f}x")
    record("conformance", {"client": args.client, "profile": args.profile, "serial_seconds": serial,
                           "n2_seconds": parallel, "speedup": round(one / two, 2)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
