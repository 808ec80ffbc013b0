"""Shutdown: ``--rounds`` times, SIGTERM during ``--streams`` open slow streams; every stream
must end on an event boundary, the journal file must be complete, exit code 0 within 5 s.

    python bench/shutdown.py [--rounds 5] [--streams 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
from pathlib import Path

from record import record, use_robustness_drivers

use_robustness_drivers()
from drivers import ServeProcess  # noqa: E402
from test_shutdown import _streams_cut_by_sigterm  # noqa: E402

LIMIT = 5.0


def one_round(streams: int) -> dict[str, object]:
    """One SIGTERM-under-load round; what happened."""
    with tempfile.TemporaryDirectory() as folder:
        journal = Path(folder) / "journal.jsonl"
        with ServeProcess("--latency", "0,200", "--journal-file", str(journal)) as server:
            bodies, code, seconds = asyncio.run(_streams_cut_by_sigterm(server))
        whole = all(b.endswith(b"\n\n") for b in bodies)
        lines = [json.loads(line) for line in journal.read_text().splitlines()]
        journalled = sum(1 for e in lines if e["stream"] and e["disconnected"])
    return {"exit_code": code, "seconds": round(seconds, 3), "whole_events": whole, "journalled": journalled}


def main() -> int:
    """Run the rounds and print/record them; exit 1 when any round failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--streams", type=int, default=200)
    args = parser.parse_args()
    import test_shutdown

    test_shutdown.STREAMS = args.streams
    rounds = [one_round(args.streams) for _ in range(args.rounds)]
    times = [r["seconds"] for r in rounds]
    ok = all(r["exit_code"] == 0 and r["seconds"] < LIMIT and r["whole_events"]  # type: ignore[operator]
             and r["journalled"] == args.streams for r in rounds)
    print(f"{args.rounds} rounds of SIGTERM during {args.streams} open streams: exit "
          f"{sorted({r['exit_code'] for r in rounds})}, seconds median {statistics.median(times):.3f} "  # type: ignore[arg-type]
          f"max {max(times):.3f} (limit {LIMIT}), every stream on an event boundary: "  # type: ignore[type-var]
          f"{all(r['whole_events'] for r in rounds)}, journal complete: "
          f"{all(r['journalled'] == args.streams for r in rounds)}")
    record("shutdown", {"streams": args.streams, "rounds": rounds, "ok": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
