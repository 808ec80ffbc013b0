"""The ``sequrity-mock`` command line."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .handle import MockServer

Command = Callable[[argparse.Namespace], int]


def _openapi(args: argparse.Namespace) -> int:
    from schemas.openapi import openapi_document

    json.dump(openapi_document(), sys.stdout, indent=2 if args.indent else None)
    sys.stdout.write("\n")
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .config import MockConfig
    from .handle import MockServer

    try:
        config = MockConfig(
            host=args.host, port=args.port, seed=args.seed, api_keys=tuple(args.api_key),
            dialect=args.dialect, latency=args.latency, chunk_size=args.chunk_size,
            json_chunk_size=args.json_chunk_size, journal_size=args.journal_size,
            max_body_bytes=args.max_body_bytes,
        )
    except (TypeError, ValueError) as exc:
        print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
        return 2
    return asyncio.run(_run_until_signalled(MockServer(config)))


async def _run_until_signalled(server: MockServer) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (exit code 0)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await server.start()
    except OSError as exc:
        where = f"{server.config.host}:{server.config.port}"
        print(f"sequrity-mock serve: error: cannot listen on {where}: {exc}", file=sys.stderr)
        return 1
    print(f"listening on {server.url}", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()
    return 0


def _add_serve(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser("serve", help="run the mock server until SIGINT/SIGTERM")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (default 8765)")
    serve.add_argument("--seed", type=int, default=0, help="seed of every synthesized answer (default 0)")
    serve.add_argument("--api-key", action="append", default=[], metavar="KEY",
                       help="accept only this bearer key (repeatable; default: any non-empty key)")
    serve.add_argument("--dialect", choices=("sequrity", "anthropic"), default="sequrity",
                       help="SSE dialect; anthropic adds ping events (default sequrity)")
    serve.add_argument("--latency", default="0", metavar="FIRST_MS[,PER_EVENT_MS[,JITTER_MS]]",
                       help="delay before the first event, between events, and seeded jitter (default 0)")
    serve.add_argument("--chunk-size", type=int, default=16,
                       help="characters per streamed text delta (default 16)")
    serve.add_argument("--json-chunk-size", type=int, default=16,
                       help="characters per streamed tool-input JSON delta (default 16)")
    serve.add_argument("--journal-size", type=int, default=10_000,
                       help="requests the journal keeps (default 10000)")
    serve.add_argument("--max-body-bytes", type=int, default=32 * 1024 * 1024,
                       help="largest accepted request body; larger ones get 413 (default 32 MiB)")
    serve.set_defaults(run=_serve)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="sequrity-mock",
        description="A mock Sequrity Control API server and the tools around its contract.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    openapi = commands.add_parser("openapi", help="print the OpenAPI 3.1 document of the messages routes")
    openapi.add_argument("--indent", action="store_true", help="pretty-print the JSON")
    openapi.set_defaults(run=_openapi)
    _add_serve(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sequrity-mock``; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Command | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
