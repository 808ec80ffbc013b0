"""Soak: ``--requests`` varied requests (a quarter streams) against ``sequrity-mock serve``;
resident memory sampled as it goes; growth after the warm-up must stay under 10 %.

    python bench/soak.py [--requests 100000] [--warmup 20000] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from record import record, use_robustness_drivers

use_robustness_drivers()
from drivers import ServeProcess, soak  # noqa: E402

LIMIT = 0.10


def main() -> int:
    """Run the soak and print/record the memory curve; exit 1 when growth is over the limit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--warmup", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    with ServeProcess() as server:
        started = time.monotonic()
        marks = asyncio.run(soak(server.url, args.requests, pid=server.pid, samples=20,
                                 concurrency=args.concurrency))
        seconds = time.monotonic() - started
        code, _ = server.terminate()
        errors = server.stderr().strip()
    warm = next(rss for done, rss in marks if done >= args.warmup)
    growth = (marks[-1][1] - warm) / warm
    for done, rss in marks:
        print(f"{done:>8} requests  RSS {rss / 1024:7.1f} MiB")
    print(f"{args.requests} requests in {seconds:.1f} s ({args.requests / seconds:.0f} req/s); RSS after "
          f"warm-up {warm / 1024:.1f} MiB -> {marks[-1][1] / 1024:.1f} MiB: {growth:+.1%} (limit {LIMIT:.0%}); "
          f"exit code {code}; server stderr {'empty' if not errors else 'NOT empty'}")
    ok = growth < LIMIT and code == 0 and not errors
    record("soak", {"requests": args.requests, "warmup": args.warmup, "seconds": round(seconds, 2),
                    "rss_kib": marks, "growth_after_warmup": round(growth, 4), "exit_code": code, "ok": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
