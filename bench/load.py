"""Load: ``--streams`` concurrent streams with faults mixed in (``X-Mock-Fault``) and clients
leaving mid-stream; then the server's open connections, tasks and slow answers must be back
to idle and its log empty.

    python bench/load.py [--streams 2000] [--latency 0,5]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from record import record, use_robustness_drivers

use_robustness_drivers()
from drivers import ServeProcess  # noqa: E402
from test_load import _load_and_settle  # noqa: E402


def main() -> int:
    """Run the load and print/record the outcome; exit 1 when anything stayed open or was logged."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=2_000)
    parser.add_argument("--latency", default="0,5", help="the server's --latency (default 0,5)")
    args = parser.parse_args()
    with ServeProcess("--latency", args.latency) as server:
        started = time.monotonic()
        idle, tally, after = asyncio.run(_load_and_settle(server.url, args.streams))
        seconds = time.monotonic() - started
        code, _ = server.terminate()
        errors = server.stderr().strip()
    settled = after["open_connections"] == 1 and after["tasks"] <= idle["tasks"] and after["slow_answers"] == 0
    ok = settled and not tally.unexpected and code == 0 and not errors
    print(f"{args.streams} concurrent streams in {seconds:.2f} s: {tally.as_dict()}")
    print(f"idle before: {idle['open_connections']} connections, {idle['tasks']} tasks; after: "
          f"{after['open_connections']} connections, {after['tasks']} tasks, {after['slow_answers']} slow answers; "
          f"exit code {code}; server stderr {'empty' if not errors else errors[-500:]}")
    record("load", {"streams": args.streams, "latency": args.latency, "seconds": round(seconds, 2),
                    **tally.as_dict(), "idle": {k: idle[k] for k in ("open_connections", "tasks")},
                    "after": {k: after[k] for k in ("open_connections", "tasks", "slow_answers")},
                    "exit_code": code, "ok": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
