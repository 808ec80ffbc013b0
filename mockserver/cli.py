"""The ``sequrity-mock`` command line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .handle import MockServer

Command = Callable[[argparse.Namespace], int]


def _openapi(args: argparse.Namespace) -> int:
    from schemas.openapi import openapi_document

    text = json.dumps(openapi_document(), indent=2 if args.indent else None)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `sequrity-mock openapi | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _serve(args: argparse.Namespace) -> int:
    from .config import MockConfig
    from .handle import MockServer
    from .modes import mode_options
    from .scripting_cli import scripting_options

    try:
        config = MockConfig(
            host=args.host, port=args.port, seed=args.seed, api_keys=tuple(args.api_key),
            dialect=args.dialect, latency=args.latency, chunk_size=args.chunk_size,
            json_chunk_size=args.json_chunk_size, journal_size=args.journal_size, journal_bytes=args.journal_bytes,
            max_body_bytes=args.max_body_bytes,
            admin_token=args.admin_token, worker=args.worker, reuse_port=args.reuse_port,
            **mode_options(args), **scripting_options(args),
        )
        if args.workers < 1:
            raise ValueError(f"workers={args.workers}: expected an integer >= 1")
    except (TypeError, ValueError) as exc:
        print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
        return 2
    if args.workers > 1:
        from .workers import run_workers

        return run_workers(args.serve_argv, config.host, config.port, args.workers, args.journal_file)
    return asyncio.run(_run_until_signalled(MockServer(config), args.journal_file))


def write_journal(server: MockServer, path: str) -> None:
    """Write the journal of ``server`` (running or stopped) to ``path`` as JSON lines, atomically
    (a temporary file renamed into place)."""
    import os

    if server.state is None:
        raise RuntimeError("write_journal: the server never started")
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as out:
        for entry in server.state.journal.entries():
            out.write(json.dumps(entry.as_dict(), ensure_ascii=False, default=str) + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


async def _run_until_signalled(server: MockServer, journal_file: str | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (exit code 0)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    from .cassette import CassetteError

    try:
        await server.start()
    except CassetteError as exc:
        print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{server.config.host}:{server.config.port}"
        print(f"sequrity-mock serve: error: cannot listen on {where}: {exc}", file=sys.stderr)
        return 1
    print(f"listening on {server.url}", flush=True)
    # What start-up built (modules, schemas, validators) lives as long as the process: moved out
    # of the collector's sight, it is not walked again by every full collection (shorter pauses).
    gc.freeze()
    try:
        await stop.wait()
    finally:
        await server.stop()
        if journal_file:
            write_journal(server, journal_file)
    return 0


def _add_serve(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .modes import add_mode_arguments
    from .scripting_cli import add_scripting_arguments

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
    serve.add_argument("--journal-bytes", type=int, default=64 * 1024 * 1024,
                       help="request-body bytes the journal keeps; the oldest entries go first (default 64 MiB)")
    serve.add_argument("--max-body-bytes", type=int, default=32 * 1024 * 1024,
                       help="largest accepted request body; larger ones get 413 (default 32 MiB)")
    serve.add_argument("--admin-token", default=os.environ.get("SEQURITY_MOCK_ADMIN_TOKEN") or None, metavar="TOKEN",
                       help="require 'Authorization: Bearer TOKEN' on /__admin (default: $SEQURITY_MOCK_ADMIN_TOKEN, "
                            "else the admin API is open)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="server processes sharing the port with SO_REUSEPORT, Linux (default 1)")
    serve.add_argument("--journal-file", default=None, metavar="PATH",
                       help="on exit, write the journal to PATH as JSON lines (PATH.I per worker)")
    serve.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    serve.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    add_mode_arguments(serve)
    add_scripting_arguments(serve)
    serve.set_defaults(run=_serve)


def _conformance(args: argparse.Namespace) -> int:
    """Run the conformance suite in-process; 0 when no clause failed, 1 otherwise, 2 on bad arguments."""
    import os

    from contract_tests.adapters import UnknownAdapterError
    from contract_tests.conformance import (
        CLAUSES,
        LiveSettings,
        UnknownClauseError,
        format_table,
        run_conformance,
        write_json_report,
    )

    def fail(message: object) -> int:
        print(f"sequrity-mock conformance: error: {message}", file=sys.stderr)
        return 2

    if args.max_examples is not None and args.max_examples < 1:
        return fail(f"--max-examples={args.max_examples}: expected an integer >= 1")
    live = None
    if args.live_url:
        try:
            live = LiveSettings(args.live_url, args.api_key or os.environ.get("SEQURITY_API_KEY") or None,
                                args.live_budget)
        except ValueError as exc:
            return fail(exc)
    try:
        names = args.clause or None
        if names is not None:
            CLAUSES.select(names)
        results = run_conformance(args.client, names, max_examples=args.max_examples, live=live)
    except (UnknownAdapterError, UnknownClauseError, ImportError) as exc:
        return fail(exc.args[0] if exc.args else exc)
    print(format_table(results, width=200))
    for result in results:
        if result.outcome == "failed":
            print()
            print(result.describe())
    if args.report:
        write_json_report(results, args.report)
        print(f"report written to {args.report}")
    return 1 if any(r.outcome == "failed" for r in results) else 0


def _add_conformance(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = commands.add_parser("conformance", help="run the client conformance suite against in-process mock servers")
    run.add_argument("--client", required=True, metavar="NAME",
                     help="reference, raw, sequrity, sequrity-async, anthropic, or package.module:factory")
    run.add_argument("--clause", action="append", default=[], metavar="NAME",
                     help="run only this clause (repeatable; default: all)")
    run.add_argument("--max-examples", type=int, default=None, metavar="N",
                     help="hypothesis examples per clause (default: the hypothesis profile's)")
    run.add_argument("--report", metavar="PATH", help="write the results as JSON to PATH")
    run.add_argument("--live-url", metavar="URL", help="also run the live clauses against this base URL")
    run.add_argument("--api-key", metavar="KEY", help="key of the live endpoint (default: $SEQURITY_API_KEY)")
    run.add_argument("--live-budget", type=int, default=10, metavar="N",
                     help="requests each live clause may send (default 10)")
    run.set_defaults(run=_conformance)


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
    _add_conformance(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sequrity-mock``; returns the process exit code."""
    parser = build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.serve_argv = argv  # what ``--workers`` hands on to each worker process
    run: Command | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
