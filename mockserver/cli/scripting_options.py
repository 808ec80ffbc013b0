"""The ``sequrity-mock serve`` options of stubs and faults: ``--stubs FILE``, ``--fault JSON``, ``--strict``."""

from __future__ import annotations

import argparse
from typing import Any

from ..support.strict_json import InvalidJson, loads_strict


def add_scripting_arguments(serve: argparse.ArgumentParser) -> None:
    """Add ``--stubs``, ``--fault`` and ``--strict`` to the ``serve`` parser."""
    serve.add_argument("--stubs", default=None, metavar="FILE",
                       help="register the stubs in FILE at start (JSON; YAML with PyYAML installed)")
    serve.add_argument("--fault", default=None, metavar="JSON",
                       help='inject this fault into every request, e.g. \'{"status": 503, "times": 1}\'')
    serve.add_argument("--strict", action="store_true",
                       help="answer 404 when no stub matches, instead of synthesizing")


def scripting_options(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`~sequrity_contract.mockserver.config.MockConfig` fields the options give; ValueError naming the
    option."""
    from ..scripting.stubs import load_stub_file

    options: dict[str, Any] = {"strict": bool(getattr(args, "strict", False))}
    if getattr(args, "stubs", None):
        options["stubs"] = load_stub_file(args.stubs)
    if getattr(args, "fault", None):
        try:
            options["fault"] = loads_strict(args.fault)
        except InvalidJson as exc:
            raise ValueError(f"--fault {args.fault[:80]!r}: expected a JSON object, e.g. "
                             f'\'{{"status": 503}}\': {exc}') from None
    return options
