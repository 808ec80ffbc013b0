"""Fuzz at full size: the schemathesis CLI with every phase (examples, coverage, fuzzing) on the
exported OpenAPI document against ``sequrity-mock serve``, then the robustness fuzz tests
under the ``sequrity-nightly`` hypothesis profile.

schemathesis's ``positive_data_acceptance`` check is left out: the OpenAPI schemas do not carry
the contract's semantic rules (e.g. ``messages`` non-empty, alternating roles), so a
schema-valid body may rightly get a 400; ``tests/robustness/test_fuzz_openapi.py`` checks
acceptance against ``schemas.check`` instead.

    python bench/fuzz.py [--max-examples 500] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from record import ROOT, record, use_robustness_drivers

use_robustness_drivers()
from drivers import ServeProcess  # noqa: E402

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
          "response_schema_conformance,negative_data_rejection,missing_required_header,unsupported_method,"
          "ignored_auth")


def run_schemathesis(url: str, max_examples: int, seed: int | None) -> tuple[int, str]:
    """``st run`` against ``url``; its exit code and output."""
    from sequrity_contract.schemas.openapi import openapi_document

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as document:
        json.dump(openapi_document(), document)
    command = [sys.executable, "-m", "schemathesis.cli", "run", document.name, "--url", url,
               "--checks", CHECKS, "--max-examples", str(max_examples), "--workers", "1",
               "--phases", "examples,coverage,fuzzing", "-H", "Authorization: Bearer fuzz-key"]
    if seed is not None:
        command += ["--seed", str(seed)]
    try:
        with tempfile.TemporaryDirectory() as scratch:  # st keeps a .schemathesis/ cache in its working directory
            done = subprocess.run(command, capture_output=True, text=True, timeout=3600, cwd=scratch)
    finally:
        os.unlink(document.name)
    return done.returncode, done.stdout + done.stderr


def main() -> int:
    """Run both fuzzers and print/record the outcome; exit 1 when either found a failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=500)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    started = time.monotonic()
    with ServeProcess("--api-key", "fuzz-key") as server:  # a fixed key, so ignored_auth has something to check
        code, output = run_schemathesis(server.url, args.max_examples, args.seed)
        server_code, _ = server.terminate()
        server_log = server.stderr().strip()
    # schemathesis probes whether a NUL byte in a header gets through: aiohttp's HTTP parser refuses
    # it (a plain-text 400 before any handler runs) and logs it; anything else in the log counts.
    unexpected_log = [block for block in server_log.split("Error handling request") if block.strip()
                      and "BadHttpMessage" not in block]
    st_seconds = time.monotonic() - started
    cases = re.search(r"(\d+) generated", output)
    print(output[-3000:])
    print(f"server log: {len(unexpected_log)} unexpected entries, "
          f"{server_log.count('BadHttpMessage')} HTTP-parser rejections (NUL-byte header probes)")
    started = time.monotonic()
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            "tests/robustness/test_fuzz_openapi.py", "tests/robustness/test_fuzz_garbage.py"],
                           cwd=ROOT, capture_output=True, text=True, timeout=3600,
                           env={**os.environ, "SEQURITY_HYPOTHESIS_PROFILE": "sequrity-nightly",
                                "SEQURITY_FUZZ_EXAMPLES": str(args.max_examples)})
    pytest_seconds = time.monotonic() - started
    print(tests.stdout[-2000:])
    ok = code == 0 and server_code == 0 and not unexpected_log and tests.returncode == 0
    record("fuzz", {"schemathesis_exit": code, "schemathesis_cases": int(cases[1]) if cases else None,
                    "schemathesis_seconds": round(st_seconds, 1), "max_examples": args.max_examples,
                    "server_log_unexpected": len(unexpected_log),
                    "server_log_parser_rejections": server_log.count("BadHttpMessage"), "pytest_exit": tests.returncode,
                    "pytest_summary": tests.stdout.strip().splitlines()[-1] if tests.stdout.strip() else "",
                    "pytest_seconds": round(pytest_seconds, 1), "ok": ok})
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
