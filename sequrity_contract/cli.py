"""The ``sequrity-mock`` command: the server's commands (``serve``, ``openapi``) and ``conformance``.

This module sits above every layer: it joins the mock server's command line
(:mod:`sequrity_contract.mockserver.cli.main`) with the conformance runner of
:mod:`sequrity_contract.contract_tests`, each imported only when its command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from sequrity_contract import __version__
from sequrity_contract.contract_tests.adapters.registry import BUILTIN_ADAPTERS
from sequrity_contract.mockserver.cli.main import Commands
from sequrity_contract.mockserver.cli.main import build_parser as build_server_parser
from sequrity_contract.mockserver.cli.main import main as run_parser

#: The ``conformance`` command's options that its messages name (a skip reason says which to pass).
LIVE_URL_OPTION = "--live-url"
API_KEY_OPTION = "--api-key"


def run_conformance_command(args: argparse.Namespace) -> int:
    """Run the conformance suite in-process; 0 when no clause failed, 1 otherwise, 2 on bad arguments.
    Progress goes to stderr (a line per clause, and every few dozen examples), the table and the
    failures to stdout, in colour on a terminal unless ``NO_COLOR`` is set; warnings raised by the
    client's libraries during the run are summarised in one line on stderr."""
    from sequrity_contract.contract_tests.adapters import UnknownAdapterError
    from sequrity_contract.contract_tests.conformance import (
            CLAUSES,
            LiveSettings,
            OptionNames,
            UnknownClauseError,
            format_table,
            run_conformance,
            write_json_report,
        )
    from sequrity_contract.contract_tests.conformance.console import (
            colour_enabled,
            gathered_warnings,
            warnings_line,
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
    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        names = args.clause or None
        if names is not None:
            CLAUSES.select(names)
        with gathered_warnings() as caught:
            results = run_conformance(args.client, names, max_examples=args.max_examples, live=live,
                                      option_names=OptionNames(LIVE_URL_OPTION, API_KEY_OPTION), progress=progress)
    except (UnknownAdapterError, UnknownClauseError, ImportError) as exc:
        return fail(exc.args[0] if exc.args else exc)
    summary = warnings_line(caught)
    if summary:
        print(summary, file=sys.stderr)
    print(format_table(results, width=200, colour=colour_enabled(sys.stdout)))
    for result in results:
        if result.outcome == "failed":
            print()
            print(result.describe())
    if args.report:
        write_json_report(results, args.report)
        print(f"report written to {args.report}")
    return 1 if any(r.outcome == "failed" for r in results) else 0


def add_conformance_command(commands: Commands) -> None:
    run = commands.add_parser(
        "conformance", help="run the client conformance suite against in-process mock servers",
        description="Run the client conformance suite. Each clause starts its own mock servers in this process "
                    "(a running `sequrity-mock serve` is not used); --live-url also runs the live clauses against "
                    "that endpoint.")
    run.add_argument("--client", required=True, metavar="NAME",
                     help=f"{', '.join(BUILTIN_ADAPTERS)}, or package.module:factory")
    run.add_argument("--clause", action="append", default=[], metavar="NAME",
                     help="run only this clause (repeatable; default: all)")
    run.add_argument("--max-examples", type=int, default=None, metavar="N",
                     help="hypothesis examples per clause (default: the hypothesis profile's)")
    run.add_argument("--report", metavar="PATH", help="write the results as JSON to PATH")
    run.add_argument(LIVE_URL_OPTION, metavar="URL", help="also run the live clauses against this base URL")
    run.add_argument(API_KEY_OPTION, metavar="KEY", help="key of the live endpoint (default: $SEQURITY_API_KEY)")
    run.add_argument("--live-budget", type=int, default=10, metavar="N",
                     help="requests each live clause may send (default 10)")
    run.set_defaults(run=run_conformance_command)



def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command, and ``--version``."""
    parser = build_server_parser(add_conformance_command)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sequrity-mock``; returns the process exit code."""
    return run_parser(argv, build_parser())
