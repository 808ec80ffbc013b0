"""Benchmark: valid request examples per second, ``strategies.requests()`` against
hypothesis-jsonschema's ``from_schema`` on the published request schema (target >= 100x) and
against schemathesis's generator for the messages operation of the OpenAPI export (goal >= 10x),
measured in the same run.

    python bench/strategies.py [--ours N] [--reference N] [--seconds S]

Each generator runs one ``@given`` loop (generation phase only, no database) bounded by
an example count and a wall-clock budget; setup (compiling the schema) is included.
Ours counts examples passing ``schemas.check("request", r) == []`` (schema and semantic
rules); the reference counts examples valid against the published schema alone, which
favours it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import HypothesisException
from hypothesis.strategies import SearchStrategy
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from record import record  # noqa: E402

from sequrity_contract import schemas, strategies  # noqa: E402

SEED_SCHEMA = ROOT / "tests" / "fixtures" / "seed" / "AnthropicMessageRequest.json"


class _OutOfTime(Exception):
    pass


def measure(strategy: SearchStrategy[Any], valid: Callable[[Any], bool], examples: int, seconds: float
            ) -> tuple[int, int, float]:
    """Run one generation loop; return (examples drawn, valid examples, elapsed seconds)."""
    counts = [0, 0]
    start = time.perf_counter()

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def loop(value: Any) -> None:
        counts[0] += 1
        counts[1] += bool(valid(value))
        if time.perf_counter() - start > seconds:
            raise _OutOfTime

    try:
        loop()
    except _OutOfTime:
        pass
    except HypothesisException as exc:  # e.g. the reference gives up on the schema
        print(f"  (generator stopped: {type(exc).__name__}: {exc})")
    return counts[0], counts[1], time.perf_counter() - start


def report(name: str, drawn: int, valid: int, elapsed: float) -> float:
    rate = valid / elapsed if elapsed else 0.0
    print(f"{name:<40} {drawn:>6} drawn {valid:>6} valid {elapsed:>8.2f} s {rate:>10.1f} valid/s")
    return rate


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ours", type=int, default=1000, help="examples drawn from requests()")
    parser.add_argument("--reference", type=int, default=40, help="examples drawn from hypothesis-jsonschema")
    parser.add_argument("--schemathesis", type=int, default=60, help="examples drawn from schemathesis")
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget per generator")
    args = parser.parse_args(argv)

    published = json.loads(SEED_SCHEMA.read_text())
    published_valid = Draft202012Validator(published).is_valid

    print(f"schema: {SEED_SCHEMA.relative_to(ROOT)}")
    ours = report("strategies.requests()",
                  *measure(strategies.requests(), lambda r: schemas.check("request", r) == [], args.ours,
                           args.seconds))
    from hypothesis_jsonschema import from_schema as reference

    baseline = report("hypothesis_jsonschema.from_schema()",
                      *measure(reference(published), published_valid, args.reference, args.seconds))
    peer = schemathesis_rate(args.schemathesis, args.seconds)
    result: dict[str, Any] = {"ours_per_s": ours, "reference_per_s": baseline}
    if baseline:
        result["ratio"] = ours / baseline
        print(f"ratio against hypothesis-jsonschema: {ours / baseline:.1f}x (target >= 100x)")
    else:
        print("ratio: hypothesis-jsonschema produced no valid example in its budget")
    if peer:
        result["schemathesis_per_s"], result["schemathesis_ratio"] = peer, ours / peer
        print(f"ratio against schemathesis: {ours / peer:.1f}x (goal >= 10x)")
    result.update(chat_rates(args.ours, args.reference, args.seconds))
    result.update(responses_rates(args.ours, args.reference, args.seconds))
    print(f"recorded in {record('strategies', result)}")
    return 0


def chat_rates(examples: int, reference_examples: int, seconds: float) -> dict[str, float]:
    """The chat completions strategies beside the messages ones: ``chat_requests()`` (valid under
    ``schemas.check("chat.request", ...)``) against hypothesis-jsonschema on the chat request document."""
    from hypothesis_jsonschema import from_schema as reference

    ours = report("strategies.chat_requests()",
                  *measure(strategies.chat_requests(), lambda r: schemas.check("chat.request", r) == [], examples,
                           seconds))
    baseline = report("hypothesis_jsonschema.from_schema(chat.request)",
                      *measure(reference(schemas.load("chat.request")),
                               lambda r: schemas.check("chat.request", r) == [], reference_examples, seconds))
    result = {"chat_ours_per_s": ours, "chat_reference_per_s": baseline}
    if baseline:
        result["chat_ratio"] = ours / baseline
        print(f"chat ratio against hypothesis-jsonschema: {ours / baseline:.1f}x")
    return result


def responses_rates(examples: int, reference_examples: int, seconds: float) -> dict[str, float]:
    """The responses strategies likewise: ``responses_requests()`` (valid under
    ``schemas.check("responses.request", ...)``) against hypothesis-jsonschema on the responses request
    document, both counted by the same check (the document leaves input items and tools open, so the
    reference's values must also pass the rules that hold each to its type)."""
    from hypothesis_jsonschema import from_schema as reference

    from sequrity_contract.schemas.responses import REQUEST

    ours = report("strategies.responses_requests()",
                  *measure(strategies.responses_requests(), lambda r: schemas.check(REQUEST, r) == [], examples,
                           seconds))
    baseline = report("hypothesis_jsonschema.from_schema(responses.request)",
                      *measure(reference(schemas.load(REQUEST)), lambda r: schemas.check(REQUEST, r) == [],
                               reference_examples, seconds))
    result = {"responses_ours_per_s": ours, "responses_reference_per_s": baseline}
    if baseline:
        result["responses_ratio"] = ours / baseline
        print(f"responses ratio against hypothesis-jsonschema: {ours / baseline:.1f}x")
    else:
        print("responses ratio: hypothesis-jsonschema produced no valid example in its budget")
    return result


def schemathesis_rate(examples: int, seconds: float) -> float | None:
    """Valid requests per second from schemathesis's generator for ``POST .../v1/messages`` of our
    OpenAPI export (its bodies counted valid when ``schemas.check`` finds nothing); None when
    schemathesis is not installed."""
    try:
        import schemathesis
    except ImportError:
        print("schemathesis: not installed, skipped")
        return None
    from sequrity_contract.schemas.openapi import openapi_document

    operation = schemathesis.openapi.from_dict(openapi_document())["/control/{endpoint_type}/v1/messages"]["POST"]
    drawn, valid, elapsed = measure(operation.as_strategy(),
                                    lambda case: schemas.check("request", case.body) == [], examples, seconds)
    return report("schemathesis (OpenAPI operation)", drawn, valid, elapsed) or None


if __name__ == "__main__":
    raise SystemExit(main())
