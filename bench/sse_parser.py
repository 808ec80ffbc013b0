"""The SSE parser is linear: a stream fed in one piece parses in about the time of the same stream
fed in 4 KiB pieces (the goal: within 2x), at 1 MB and at 4 MB.

    python bench/sse_parser.py [--megabytes 1 4] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from record import record

from sequrity_contract.schemas.sse import SSEParser, encode_event

GOAL = 2.0


def stream_of(megabytes: float) -> bytes:
    """A realistic stream: text deltas of 40 characters, ``megabytes`` MB in all."""
    event = encode_event({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "x" * 40}})
    return event * int(megabytes * 1_000_000 / len(event))


def parse_seconds(stream: bytes, piece: int | None) -> float:
    parser = SSEParser()
    started = time.perf_counter()
    if piece is None:
        parser.feed(stream)
    else:
        for at in range(0, len(stream), piece):
            parser.feed(stream[at:at + piece])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, nargs="+", default=[1.0, 4.0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for size in args.megabytes:
        stream = stream_of(size)
        whole = statistics.median(parse_seconds(stream, None) for _ in range(args.repeat))
        pieces = statistics.median(parse_seconds(stream, 4096) for _ in range(args.repeat))
        ratio = whole / pieces
        verdict = "OK" if ratio <= GOAL else "MISSED"
        print(f"{len(stream) / 1e6:.1f} MB: one feed {whole * 1000:.1f} ms, 4 KiB feeds {pieces * 1000:.1f} ms, "
              f"ratio {ratio:.2f}x (goal <= {GOAL}x) -> {verdict}")
        record("sse_parser", {"bytes": len(stream), "one_feed_ms": round(whole * 1000, 2),
                              "chunked_ms": round(pieces * 1000, 2), "ratio": round(ratio, 3)})


if __name__ == "__main__":
    main()
