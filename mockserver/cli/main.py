"""The ``sequrity-mock`` command line."""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from ..handle import MockServer

Command = Callable[[argparse.Namespace], int]
SERVE_PORT = 8765
"""The port ``serve`` listens on by default (a library server, :class:`MockConfig`, picks a free one)."""
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""The sub-parsers a command adds itself to."""


def _openapi(args: argparse.Namespace) -> int:
    from sequrity_contract.schemas.openapi import openapi_document

    text = json.dumps(openapi_document(), indent=2 if args.indent else None)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. `sequrity-mock openapi | head`: the reader left, which is fine
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _serve(args: argparse.Namespace) -> int:
    from ..config import MockConfig
    from ..handle import MockServer
    from .environment import command_line_wins
    from .mode_options import mode_options
    from .scripting_options import scripting_options

    if args.environment_errors:
        for error in args.environment_errors:
            print(f"sequrity-mock serve: error: {error}", file=sys.stderr)
        return 2
    command_line_wins(args)
    _configure_logging(args.log_level)
    try:
        _check_nesting(args)
        config = MockConfig(
            host=args.host, port=args.port, seed=args.seed, api_keys=tuple(args.api_key),
            dialect=args.dialect, latency=args.latency, chunk_size=args.chunk_size,
            json_chunk_size=args.json_chunk_size, journal_size=args.journal_size, journal_bytes=args.journal_bytes,
            max_body_bytes=args.max_body_bytes, max_body_objects=args.max_body_objects,
            admin_token=args.admin_token, admin_open=args.admin_open, worker=args.worker, reuse_port=args.reuse_port,
            **mode_options(args), **scripting_options(args), **_timeout_options(args),
        )
        if args.workers < 1:
            raise ValueError(f"workers={args.workers}: expected an integer >= 1")
    except (TypeError, ValueError) as exc:
        print(f"sequrity-mock serve: error: {exc}", file=sys.stderr)
        return 2
    except RecursionError:  # e.g. a YAML stubs file nested beyond what the parser can follow
        from ..support.json_nesting import too_deep

        options = (("--stubs", ", ".join(args.stubs)), ("--fault", args.fault))
        given = " or ".join(f"{name} {value[:40]!r}" for name, value in options if value)
        print(f"sequrity-mock serve: error: {given}: {too_deep()}", file=sys.stderr)
        return 2
    if args.workers > 1:
        from .workers import run_workers

        return run_workers(args.serve_argv, config.host, config.port, args.workers, args.journal_file)
    return event_loop_runner(args.loop)(_run_until_signalled(MockServer(config), args.journal_file))


LOOPS = ("auto", "asyncio", "uvloop")
"""The event loops ``serve --loop`` runs on; ``auto`` takes uvloop when it is installed (the ``fast`` extra)."""


def event_loop_runner(loop: str) -> Callable[[Coroutine[Any, Any, int]], int]:
    """The function that runs ``serve``'s coroutine on the event loop ``loop`` (see :data:`LOOPS`)."""
    if loop != "asyncio":
        try:
            import uvloop
        except ImportError:
            if loop == "uvloop":
                raise SystemExit("sequrity-mock serve: error: --loop uvloop: uvloop is not installed; "
                                 "pip install 'sequrity-contract[fast]'") from None
        else:
            return uvloop.run
    return asyncio.run


#: ``--log-level`` choices, most verbose first; ``info`` adds one access-log line per request.
LOG_LEVELS = ("debug", "info", "warning", "error")


def _configure_logging(level: str) -> None:
    """Log to stderr at ``level`` (``info``: the access log of :mod:`..access_log`)."""
    import logging

    logging.basicConfig(level=level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _check_nesting(args: argparse.Namespace) -> None:
    """A :class:`ValueError` naming ``--stubs FILE`` (JSON) or ``--fault`` when it nests deeper than
    :data:`~sequrity_contract.mockserver.support.json_nesting.MAX_NESTING` (unreadable files and bad
    JSON are left to their own checks, which name them too)."""
    from ..support.json_nesting import TooDeep, loads_bounded
    from .scripting_options import stub_files

    given: list[tuple[str, str]] = []
    for path in stub_files(args.stubs):
        if path.endswith((".yaml", ".yml")):
            continue
        try:
            with open(path, encoding="utf-8") as source:
                given.append((f"stubs file {path}", source.read()))
        except (OSError, UnicodeDecodeError):
            pass
    if args.fault:
        given.append((f"--fault {args.fault[:40]!r}", args.fault))
    for name, text in given:
        try:
            loads_bounded(text)
        except TooDeep as exc:
            raise ValueError(f"{name}: {exc}") from None
        except ValueError:
            pass


def _timeout_options(args: argparse.Namespace) -> dict[str, Any]:
    from ..config import TIMEOUT_FIELDS

    return {name: getattr(args, name) for name in TIMEOUT_FIELDS}


def _add_timeout_arguments(serve: argparse.ArgumentParser) -> None:
    """``--idle-timeout`` and the other :data:`~sequrity_contract.mockserver.config.TIMEOUT_FIELDS`, each
    from its ``MockConfig`` field (name, default, help)."""
    import dataclasses

    from ..config import TIMEOUT_FIELDS, MockConfig

    for field in dataclasses.fields(MockConfig):
        if field.name in TIMEOUT_FIELDS:
            serve.add_argument(f"--{field.name.replace('_', '-')}", type=float, default=field.default,
                               metavar="SECONDS", help=f"{field.metadata['help']} (default {field.default:g})")


def write_journal(server: MockServer, path: str) -> None:
    """Write the journal of ``server`` (running or stopped) to ``path`` as JSON lines, atomically
    (a temporary file renamed into place). Header bytes that are not UTF-8 are kept as ``\\udcXX``
    escapes (:mod:`sequrity_contract.mockserver.support.byte_text`)."""
    from ..support.atomic_file import write_atomically
    from ..support.byte_text import dumps

    if server.state is None:
        raise RuntimeError("write_journal: the server never started")
    entries = server.state.journal.entries()
    write_atomically(path, (dumps(entry.as_dict(), default=str) + "\n" for entry in entries))


async def _run_until_signalled(server: MockServer, journal_file: str | None = None) -> int:
    """Serve until SIGINT or SIGTERM, then shut down cleanly (exit code 0)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    from ..modes.cassette import CassetteError

    if journal_file:
        from ..support.atomic_file import remove_stale_temporaries

        remove_stale_temporaries(journal_file)
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
        written = _write_journal_file(server, journal_file)
    return 0 if written else 1


def _write_journal_file(server: MockServer, journal_file: str | None) -> bool:
    """Write ``--journal-file`` (when given); False, after saying why on stderr, when it cannot be written."""
    if not journal_file:
        return True
    try:
        write_journal(server, journal_file)
    except OSError as exc:
        print(f"sequrity-mock serve: error: --journal-file {journal_file}: cannot write it: {exc}", file=sys.stderr)
        return False
    return True


def _add_serve(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from sequrity_contract.schemas import DIALECTS

    from ..config import MockConfig
    from .environment import apply_environment
    from .mode_options import add_mode_arguments
    from .scripting_options import add_scripting_arguments

    default = MockConfig()  # the one place the defaults are spelled
    serve = commands.add_parser("serve", help="run the mock server until SIGINT/SIGTERM")
    serve.add_argument("--host", default=default.host, help=f"address to listen on (default {default.host})")
    serve.add_argument("--port", type=int, default=SERVE_PORT,
                       help=f"port; 0 picks a free one (default {SERVE_PORT})")
    serve.add_argument("--seed", type=int, default=default.seed,
                       help=f"seed of every synthesized answer (default {default.seed})")
    serve.add_argument("--api-key", action="append", default=[], metavar="KEY",
                       help="accept only this bearer key (repeatable; default: any non-empty key)")
    serve.add_argument("--dialect", choices=DIALECTS, default=default.dialect,
                       help=f"SSE dialect of messages; anthropic adds ping events (default {default.dialect})")
    serve.add_argument("--latency", default="0", metavar="FIRST_MS[,PER_EVENT_MS[,JITTER_MS]]",
                       help="delay before the first event, between events, and seeded jitter (default 0)")
    serve.add_argument("--chunk-size", type=int, default=default.chunk_size,
                       help=f"characters per streamed text delta (default {default.chunk_size})")
    serve.add_argument("--json-chunk-size", type=int, default=default.json_chunk_size,
                       help=f"characters per streamed tool-input JSON delta (default {default.json_chunk_size})")
    serve.add_argument("--journal-size", type=int, default=default.journal_size,
                       help=f"requests the journal keeps (default {default.journal_size})")
    serve.add_argument("--journal-bytes", type=int, default=default.journal_bytes,
                       help=f"request-body bytes the journal keeps; the oldest entries go first "
                            f"(default {default.journal_bytes // 2**20} MiB)")
    serve.add_argument("--max-body-bytes", type=int, default=default.max_body_bytes,
                       help=f"largest accepted request body; larger ones get 413 "
                            f"(default {default.max_body_bytes // 2**20} MiB)")
    serve.add_argument("--max-body-objects", type=int, default=default.max_body_objects,
                       help=f"most JSON objects and arrays a request body may hold; more get 413 "
                            f"(default {default.max_body_objects})")
    serve.add_argument("--admin-token", default=None, metavar="TOKEN",
                       help="require 'Authorization: Bearer TOKEN' on /__admin (default: the admin API is open "
                            "on loopback)")
    serve.add_argument("--admin-open", action="store_true",
                       help="leave /__admin open without --admin-token on a --host beyond loopback (refused otherwise)")
    serve.add_argument("--loop", choices=LOOPS, default="auto",
                       help="event loop: uvloop when installed (the fast extra), else asyncio (default auto)")
    serve.add_argument("--workers", type=int, default=1, metavar="N",
                       help="server processes sharing the port with SO_REUSEPORT, Linux (default 1)")
    serve.add_argument("--journal-file", default=None, metavar="PATH",
                       help="on exit, write the journal to PATH as JSON lines (PATH.I per worker)")
    serve.add_argument("--log-level", choices=LOG_LEVELS, default="warning",
                       help="what to log on stderr; info adds one line per request: method, path, status, "
                            "milliseconds, session, the stub or fault that answered (default warning)")
    serve.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    serve.add_argument("--reuse-port", action="store_true", help=argparse.SUPPRESS)
    _add_timeout_arguments(serve)
    add_mode_arguments(serve)
    add_scripting_arguments(serve)
    # every option above also reads SEQURITY_MOCK_<OPTION>; a bad value is reported when serve runs
    serve.set_defaults(run=_serve, environment_errors=apply_environment(serve, os.environ))


def build_parser(*more_commands: Callable[[Commands], None]) -> argparse.ArgumentParser:
    """The argument parser of the server's sub-commands, and of ``more_commands`` (each adds its
    own sub-parser)."""
    parser = argparse.ArgumentParser(
        prog="sequrity-mock",
        description="A mock Sequrity Control API server and the tools around its contract.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    openapi = commands.add_parser("openapi", help="print the OpenAPI 3.1 document of the API's routes")
    openapi.add_argument("--indent", action="store_true", help="pretty-print the JSON")
    openapi.set_defaults(run=_openapi)
    _add_serve(commands)
    for add in more_commands:
        add(commands)
    return parser


def main(argv: Sequence[str] | None = None, parser: argparse.ArgumentParser | None = None) -> int:
    """Run ``sequrity-mock`` (``parser``: :func:`build_parser`'s, or one with more commands);
    returns the process exit code."""
    parser = parser or build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.serve_argv = argv  # what ``--workers`` hands on to each worker process
    run: Command | None = getattr(args, "run", None)
    if run is None:
        parser.print_help()
        return 0
    return run(args)

