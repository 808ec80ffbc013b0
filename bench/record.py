"""Results of the bench scripts as JSON lines under ``bench/results/``, with the machine description.

``record("soak", {...})`` appends one line ``{"bench": "soak", "at": ..., "machine": {...},
"commit": ..., **result}`` to ``bench/results/soak.jsonl``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def machine() -> dict[str, Any]:
    """CPU model and count, memory, OS, Python, aiohttp: what the numbers were measured on."""
    import aiohttp

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), None) if Path("/proc/meminfo").exists() else None
    return {"cpu": cpu, "cpus": os.cpu_count(), "memory_mib": memory, "os": platform.platform(),
            "python": sys.version.split()[0], "aiohttp": aiohttp.__version__}


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip() or None
    except OSError:
        return None


def record(bench: str, result: dict[str, Any]) -> Path:
    """Append ``result`` as one JSON line to ``bench/results/<bench>.jsonl``; returns the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{bench}.jsonl"
    line = {"bench": bench, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "commit": _commit(),
            "machine": machine(), **result}
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")
    return path


def use_robustness_drivers() -> None:
    """Make ``tests/robustness/drivers.py`` importable (the bench runs the tests' drivers at full size)."""
    sys.path.insert(0, str(ROOT / "tests" / "robustness"))
    sys.path.insert(0, str(ROOT))
