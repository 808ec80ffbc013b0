"""hypothesis-jsonschema compatibility: why pyproject.toml caps hypothesis below 6.170.10.

hypothesis-jsonschema 0.23.1 fails on hypothesis 6.170.10 and newer with
``'many' object has no attribute 'more'``. The first test proves the pinned pair
works; the second installs the newest releases of both into a scratch folder and
fails — telling you to drop the cap — the day they work together again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import hypothesis
import pytest
from hypothesis import given, settings
from hypothesis_jsonschema import from_schema

SCHEMA = {"type": "object", "properties": {"a": {"type": "array", "items": {"type": "integer"}}}}
KNOWN_BREAKAGE = "'many' object has no attribute 'more'"
PROBE = f"""
import hypothesis
from hypothesis import given, settings
from hypothesis_jsonschema import from_schema
print("hypothesis", hypothesis.__version__)
@settings(max_examples=20, database=None)
@given(from_schema({SCHEMA!r}))
def probe(value):
    pass
probe()
print("COMPATIBLE")
"""


def test_installed_hypothesis_is_below_the_cap() -> None:
    version = tuple(int(p) for p in hypothesis.__version__.split(".")[:3])
    assert version < (6, 170, 10)


@settings(max_examples=20)
@given(from_schema(SCHEMA))
def test_pinned_hypothesis_works_with_hypothesis_jsonschema(value: dict) -> None:
    assert isinstance(value, dict)


def test_newest_hypothesis_still_breaks_hypothesis_jsonschema(tmp_path: Path) -> None:
    target = tmp_path / "newest"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--target", str(target),
         "hypothesis", "hypothesis-jsonschema"],
        capture_output=True, text=True, timeout=300,
    )
    if install.returncode != 0:
        pytest.skip(f"cannot install the newest releases here: {install.stderr.strip()[-300:]}")
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )
    output = probe.stdout + probe.stderr
    assert "COMPATIBLE" not in output, (
        f"{probe.stdout.splitlines()[0]} now works with hypothesis-jsonschema: "
        "lift the hypothesis<6.170.10 cap in pyproject.toml and delete this test"
    )
    assert KNOWN_BREAKAGE in output, f"the newest releases fail differently than expected:\n{output[-2000:]}"
