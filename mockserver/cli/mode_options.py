"""The ``sequrity-mock serve`` options of the modes: ``--mode``, ``--upstream``, ``--cassette``..."""

from __future__ import annotations

import argparse
from typing import Any

from ..modes.options import MODES, ON_MISS, RECORD_MODES


def add_mode_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``serve`` options of the modes."""
    parser.add_argument("--mode", choices=MODES, default="synthesize",
                        help="synthesize answers (default), proxy to --upstream, record to or replay from "
                             "--cassette")
    parser.add_argument("--upstream", metavar="URL", help="live server for proxy and record, e.g. "
                        "https://api.sequrity.ai")
    parser.add_argument("--cassette", metavar="PATH", help="cassette file to record to or replay from")
    parser.add_argument("--record-mode", choices=RECORD_MODES, default="once",
                        help="when record mode writes the cassette (default once)")
    parser.add_argument("--on-miss", choices=ON_MISS, default="error",
                        help="a request no recording matches: 404 error (default) or a synthesized answer")
    parser.add_argument("--replay-speed", default="recorded", metavar="recorded|none|FACTOR",
                        help="replay timing: as recorded (default), no waits, or FACTOR times as fast")
    parser.add_argument("--match-ignore", action="append", default=[], metavar="JSON_PATH",
                        help="body path left out of matching, e.g. metadata.user_id (repeatable)")
    parser.add_argument("--redact", action="append", default=[], metavar="JSON_PATH",
                        help="body path written to cassettes as <redacted> (repeatable)")
    parser.add_argument("--report", metavar="PATH", help="write the violation report here as JSON on shutdown")


def mode_options(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`~sequrity_contract.mockserver.config.MockConfig` fields of the parsed mode options."""
    return {"mode": args.mode, "upstream": args.upstream, "cassette": args.cassette, "record_mode": args.record_mode,
            "on_miss": args.on_miss, "replay_speed": args.replay_speed, "match_ignore": tuple(args.match_ignore),
            "redact": tuple(args.redact), "report": args.report}
