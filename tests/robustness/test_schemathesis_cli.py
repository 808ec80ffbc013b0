"""A stock ``schemathesis run`` of the exported OpenAPI document, with its default checks, against a real
``sequrity-mock serve`` finds nothing: the export states the constraints the server enforces, and the
repository's ``schemathesis.toml`` declares the one thing a schema cannot (a schema-valid request that
breaks a semantic rule gets 400)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from drivers import ServeProcess

from sequrity_contract.schemas import ENDPOINTS
from sequrity_contract.schemas.openapi import openapi_document

ROOT = Path(__file__).resolve().parents[2]
KEY = "sq-schemathesis"
SCHEMATHESIS = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or shutil.which("schemathesis")


def schemathesis_run(tmp_path: Path, max_examples: int, *extra: str) -> subprocess.CompletedProcess[str]:
    """``schemathesis run`` (default checks, ``schemathesis.toml`` of the repository found from the working
    directory) of the export against ``sequrity-mock serve --api-key KEY``."""
    if SCHEMATHESIS is None:
        pytest.skip("the schemathesis command is not installed (pip install -e '.[test]')")
    export = tmp_path / "openapi.json"
    export.write_text(json.dumps(openapi_document()), encoding="utf-8")
    with ServeProcess("--api-key", KEY) as server:
        return subprocess.run(
            [SCHEMATHESIS, "run", str(export), "--url", server.url, "-H", f"Authorization: Bearer {KEY}",
             "--max-examples", str(max_examples), "--no-color", *extra],
            cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)


def test_a_stock_schemathesis_run_finds_nothing(tmp_path):
    completed = schemathesis_run(tmp_path, 15, "--seed", "1")
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]
    assert "Schema-valid request rejected" not in completed.stdout
    operations = sum(len(item) for item in openapi_document()["paths"].values())
    assert operations >= 10  # messages, chat completions, responses (each with and without provider), ...
    assert f"Tested: {operations}" in completed.stdout  # every operation of the export, responses included


@pytest.mark.nightly
def test_a_long_stock_schemathesis_run_finds_nothing(tmp_path):
    completed = schemathesis_run(tmp_path, 300)
    assert completed.returncode == 0, completed.stdout[-6000:] + completed.stderr[-2000:]


@pytest.mark.parametrize(("path", "document_name"), [(f"/control/{{endpoint_type}}{e.path}", e.request)
                                                   for e in ENDPOINTS.values()], ids=list(ENDPOINTS))
def test_a_request_the_export_calls_valid_breaks_only_the_rules_it_lists(path, document_name):
    """The export states every constraint JSON Schema can express: a body drawn from its request schema
    breaks no schema keyword and no rule but those listed under ``x-semantic-rules``."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.generation import GenerationMode

    from sequrity_contract import schemas

    document = openapi_document()
    operation = schemathesis.openapi.from_dict(document)[path]["POST"]
    post = document["paths"][path]["post"]
    listed = {rule["name"] for rule in post.get("x-semantic-rules", [])}

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    def check(case):
        broken = {v.rule for v in schemas.check(document_name, case.body)}
        assert broken <= listed, [str(v) for v in schemas.check(document_name, case.body) if v.rule not in listed]

    check()


def test_the_configuration_selects_every_endpoint_operation_by_the_exports_tag():
    """``schemathesis.toml`` names the tag the export gives every endpoint's operations (and no JSON route's)."""
    import tomllib

    from sequrity_contract.schemas.openapi import ENDPOINT_TAG

    [selection] = tomllib.loads((ROOT / "schemathesis.toml").read_text(encoding="utf-8"))["operations"]
    assert selection["include-tag"] == [ENDPOINT_TAG]
    tagged = {op["operationId"] for item in openapi_document()["paths"].values() for op in item.values()
              if ENDPOINT_TAG in op.get("tags", [])}
    assert tagged == {e.operation_id + suffix for e in ENDPOINTS.values() for suffix in ("", "WithProvider")}
