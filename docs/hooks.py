"""Build-time hooks of the docs site (``mkdocs.yml``: ``hooks: [docs/hooks.py]``); no network needed.

- ``on_config`` lays out the import package for mkdocstrings: the repository keeps the layers in
  top-level folders that ``setup.py`` maps into ``sequrity_contract``, so griffe gets a tree of
  symbolic links in ``.cache/api-src/sequrity_contract`` that looks like the installed package.
- ``on_page_markdown`` replaces ``<!-- generate: NAME [ARGUMENT] -->`` with text made from the code
  itself, so the reference cannot drift from it: ``cli-help [COMMAND]`` (the ``--help`` of
  ``sequrity-mock``), ``fault-fields`` (the fault vocabulary, from ``scripting.faults.FIELDS``),
  ``pytest-options`` and ``pytest-markers`` (from ``pytest --help`` / ``--markers`` with the plugin
  loaded), ``admin-routes`` (the routes of the admin sub-application), ``bench-runs`` (the latest
  run of each bench in ``bench/results/``, with its machine).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import mkdocs.plugins

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "sequrity_contract"
LAYERS = ("schemas", "strategies", "mockserver", "contract_tests")
API_SOURCE = ROOT / ".cache" / "api-src"
HELP_WIDTH = "100"
_GENERATE = re.compile(r"<!--\s*generate:\s*(?P<name>[\w-]+)\s*(?P<argument>[\w-]*)\s*-->")


@mkdocs.plugins.event_priority(100)  # before mkdocstrings reads its paths
def on_config(config: Any) -> Any:
    package = API_SOURCE / PACKAGE
    package.mkdir(parents=True, exist_ok=True)
    wanted = {entry.name: entry for entry in (ROOT / PACKAGE).iterdir() if entry.name != "__pycache__"}
    wanted.update({layer: ROOT / layer for layer in LAYERS})
    for link in package.iterdir():
        if link.name not in wanted or not link.is_symlink() or link.resolve() != wanted[link.name].resolve():
            link.unlink()
    for name, target in wanted.items():
        if not (package / name).is_symlink():
            (package / name).symlink_to(target)
    return config


def _fenced(text: str) -> str:
    return f"```text\n{text.rstrip()}\n```"


def cli_help(command: str) -> str:
    """``sequrity-mock [COMMAND] --help`` as the parser prints it."""
    os.environ["COLUMNS"] = HELP_WIDTH
    from sequrity_contract.cli import build_parser

    parser = build_parser()
    if command:
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = subparsers.choices[command]
    return _fenced(parser.format_help())


def fault_fields(_: str) -> str:
    """The fault vocabulary as a table, from the code's own ``FIELDS``."""
    from sequrity_contract.mockserver.scripting.faults import FIELDS, MODIFIERS, OUTCOMES, STREAM_ONLY

    rows = ["| field | value | effect | kind |", "|---|---|---|---|"]
    for name, (check, description) in FIELDS.items():
        expected = check(object()) or ""
        kind = ("modifier" if name in MODIFIERS else "ends the request" if name in OUTCOMES else "delay or data")
        if name in STREAM_ONLY:
            kind += ", streams only"
        rows.append(f"| `{name}` | {expected} | {description.replace('|', '&#124;')} | {kind} |")
    return "\n".join(rows)


def _pytest(*arguments: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *arguments],
                                cwd=folder, capture_output=True, text=True, check=True,
                                env={**os.environ, "COLUMNS": HELP_WIDTH})
    return result.stdout


def pytest_options(_: str) -> str:
    """The plugin's command-line options and ini settings, as ``pytest --help`` prints them."""
    lines = _pytest("--help").splitlines()
    start = next(i for i, line in enumerate(lines) if line.lower().startswith("sequrity"))
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].strip())
    ini_start = next((i for i, line in enumerate(lines) if line.startswith("[pytest]")), len(lines))
    ini, ours = [], False
    for line in lines[ini_start + 2:]:
        if not line.strip():
            break
        if not line.startswith(" " * 4):
            ours = line.strip().startswith("sequrity_")
        if ours:
            ini.append(line)
    return _fenced("\n".join([*lines[start:end], "", "ini settings:", *ini]))


def pytest_markers(_: str) -> str:
    """The plugin's markers, as ``pytest --markers`` prints them."""
    return _fenced("\n\n".join(line for line in _pytest("--markers").splitlines() if "mark.sequrity" in line))


def admin_routes(_: str) -> str:
    """The admin sub-application's routes and methods, read from its router."""
    from sequrity_contract.mockserver.admin.app import admin_app

    rows = ["| route | methods |", "|---|---|"]
    for resource in admin_app().router.resources():
        methods = sorted({route.method for route in resource if route.method != "*"})
        if methods:
            rows.append(f"| `/__admin{resource.canonical}` | {', '.join(methods)} |")
    return "\n".join(rows)


def _machine(machine: dict[str, Any]) -> str:
    return (f"{machine.get('cpu', '?')}, {machine.get('cpus', '?')} CPUs, {machine.get('memory_mib', '?')} MiB, "
            f"{machine.get('os', '?')}, Python {machine.get('python', '?')}, aiohttp {machine.get('aiohttp', '?')}")


def bench_runs(_: str) -> str:
    """The latest run of every bench in ``bench/results/*.jsonl``: when, at which commit, on what machine."""
    rows = ["| bench | runs kept | latest run | commit | machine |", "|---|---|---|---|---|"]
    for path in sorted((ROOT / "bench" / "results").glob("*.jsonl")):
        runs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if runs:
            latest = runs[-1]
            commit = str(latest.get("commit", "?"))[:10]
            rows.append(f"| `{path.stem}` | {len(runs)} | {latest.get('at', '?')} | `{commit}` "
                        f"| {_machine(latest.get('machine') or {})} |")
    return "\n".join(rows)


GENERATORS = {"cli-help": cli_help, "fault-fields": fault_fields, "pytest-options": pytest_options,
              "pytest-markers": pytest_markers, "admin-routes": admin_routes, "bench-runs": bench_runs}


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    def generate(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in GENERATORS:
            raise mkdocs.exceptions.PluginError(
                f"{page.file.src_path}: <!-- generate: {name} -->: expected one of {', '.join(GENERATORS)}")
        return GENERATORS[name](match["argument"])

    return _GENERATE.sub(generate, markdown)
