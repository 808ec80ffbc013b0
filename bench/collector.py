"""Objects the garbage collector walks per collection while ``sequrity-mock serve`` answers
distinct realistic requests: the size of its pauses, counted rather than timed.

The server runs with a ``gc.callbacks`` hook that, as each collection starts, counts the objects
of the generations it walks; the driver of ``bench/instructions.py`` sends ``--requests``
distinct bodies (the realistic request of ``bench/server.py``) over 16 keep-alive connections.
The first quarter of the collections (start-up, journal filling) is left out. A collection's
pause grows with what it walks, and no machine load moves these counts: the check behind the
young-generation pacing (``mockserver/support/young_collector.py``).

    python bench/collector.py [--requests 40000] [--stream]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile

from instructions import _drive
from record import record
from server import Server

HOOK = r'''
import atexit, gc, json, os, sys
walked = []
def seen(phase, info):
    if phase == "start":
        generation = info["generation"]
        walked.append((generation, sum(len(gc.get_objects(g)) for g in range(generation + 1)) if generation < 2
                       else len(gc.get_objects())))
gc.callbacks.append(seen)
atexit.register(lambda: open(os.environ["BENCH_COLLECTOR_OUT"], "w").write(json.dumps(walked)))
from sequrity_contract.cli import main
sys.argv = ["sequrity-mock", "serve", "--port", "0"]
main()
'''


def summary(walked: list[list[int]], requests: int) -> dict[str, object]:
    """Per generation: collections, objects walked at most and at the median; and per request."""
    kept = walked[len(walked) // 4:]
    result: dict[str, object] = {}
    for generation in (0, 1, 2):
        sizes = sorted(size for g, size in kept if g == generation)
        if sizes:
            result[f"gen{generation}"] = {"collections": len(sizes), "max": sizes[-1],
                                          "median": sizes[len(sizes) // 2], "walked": sum(sizes)}
    result["walked_per_request"] = sum(size for _, size in kept) / (requests * 3 / 4)
    return result


def main() -> int:
    """Serve, drive, print and record the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=40_000, help="distinct requests (default 40 000)")
    parser.add_argument("--stream", action="store_true", help="ask for streams")
    args = parser.parse_args()
    if args.requests < 1000:
        print(f"bench/collector.py: --requests {args.requests}: expected at least 1000", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "walked.json")
        os.environ["BENCH_COLLECTOR_OUT"] = out
        server = Server("sequrity-mock", [sys.executable, "-c", HOOK])
        try:
            asyncio.run(_drive(server.port, args.requests, args.stream, "realistic", True))
        finally:
            server.stop()
        with open(out, encoding="utf-8") as walked:
            result = summary(json.load(walked), args.requests)
    result = {"requests": args.requests, "stream": args.stream, **result}
    print(json.dumps(result, indent=1))
    print(f"recorded in {record('collector', result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
