"""The ``sequrity-mock`` command line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence

Command = Callable[[argparse.Namespace], int]


def _openapi(args: argparse.Namespace) -> int:
    from schemas.openapi import openapi_document

    json.dump(openapi_document(), sys.stdout, indent=2 if args.indent else None)
    sys.stdout.write("\n")
    return 0


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
