"""What loading the pytest plugin adds to a pytest run that uses none of it (goal: under 50 ms).

Runs ``python -m pytest`` on a project holding one empty test, with the plugin and with
``-p no:sequrity``, alternately, ``--repeat`` times each, and prints the medians and their
difference (a benchmark, not a timed assertion; ``tests/contract_tests/test_plugin_ergonomics.py``
checks what the plugin imports, which is what the time follows).

    python bench/plugin_import.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from record import record

GOAL_MS = 50.0
EMPTY_TEST = "def test_nothing():\n    pass\n"


def run_seconds(project: Path, *flags: str) -> float:
    """Wall time of one pytest run of ``project`` (the environment without a hypothesis profile choice)."""
    env = {k: v for k, v in os.environ.items() if k != "SEQURITY_HYPOTHESIS_PROFILE"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *flags, "test_empty.py"],
                   cwd=project, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


IMPORT_PLUGIN = ("import time, pytest; started = time.perf_counter(); "
                 "import sequrity_contract.contract_tests.plugin; print(time.perf_counter() - started)")


def import_seconds() -> float:
    """Time to import the plugin in a fresh process that has imported pytest (less noisy than whole runs)."""
    out = subprocess.run([sys.executable, "-c", IMPORT_PLUGIN], check=True, capture_output=True, text=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "test_empty.py").write_text(EMPTY_TEST)
        run_seconds(project)  # warm the file system and bytecode caches
        run_seconds(project, "-p", "no:sequrity")
        with_plugin: list[float] = []
        without: list[float] = []
        for _ in range(args.repeat):
            with_plugin.append(run_seconds(project))
            without.append(run_seconds(project, "-p", "no:sequrity"))
    importing_ms = statistics.median(import_seconds() for _ in range(args.repeat)) * 1000
    plugin_ms, bare_ms = statistics.median(with_plugin) * 1000, statistics.median(without) * 1000
    added = plugin_ms - bare_ms
    verdict = "OK" if added < GOAL_MS else "MISSED"
    print(f"pytest on an empty test, median of {args.repeat}: with the plugin {plugin_ms:.0f} ms, "
          f"with -p no:sequrity {bare_ms:.0f} ms; the plugin adds {added:.0f} ms "
          f"(goal < {GOAL_MS:.0f} ms) -> {verdict}")
    print(f"importing the plugin after pytest: {importing_ms:.1f} ms (median of {args.repeat})")
    record("plugin_import", {"repeat": args.repeat, "with_plugin_ms": round(plugin_ms, 1),
                             "without_plugin_ms": round(bare_ms, 1), "added_ms": round(added, 1),
                             "import_ms": round(importing_ms, 1)})


if __name__ == "__main__":
    main()
