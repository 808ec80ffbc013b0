"""Every code block of README.md and docs/ runs, so none can rot (the rules: :mod:`tests.docs.blocks`).

Python blocks are executed against a real mock server (the default address replaced by its
own), commands are run as a reader would type them (``sequrity-mock serve ...`` until it
listens, ``curl`` with ``--fail-with-body`` so a 4xx fails the block), data blocks are parsed.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sequrity_contract.mockserver import MockServer

from .blocks import COMMAND_LANGUAGES, DEFAULT_URL, LANGUAGES, OUTPUT_LANGUAGES, ROOT, Block, all_blocks, commands_of

BLOCKS = all_blocks()
COMMAND_TIMEOUT = 60
SERVE_TIMEOUT = 15
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*")
ENV = {**{name: value for name, value in os.environ.items() if not name.startswith("PYTEST_")},
       "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": "."}
"""What a reader's shell has: this interpreter's scripts first, the current folder importable, and
none of the running pytest's (or xdist worker's) variables."""


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running


@pytest.fixture(scope="module")
def page_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    """One scratch folder per page, where its file blocks are written and its commands run."""
    folders: dict[Path, Path] = {}
    for block in BLOCKS:
        if block.page not in folders:
            folders[block.page] = tmp_path_factory.mktemp(block.page.stem)
    return folders


def _text(block: Block, server: MockServer) -> str:
    return block.text.replace(DEFAULT_URL, server.url)


def _files_before(block: Block, folder: Path, server: MockServer) -> None:
    """Write the page's file blocks up to and including ``block`` (each test may run alone)."""
    for other in BLOCKS:
        if other.page == block.page and other.file and other.line <= block.line:
            target = folder / other.file
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_text(other, server), encoding="utf-8")


def _run(command: str, folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=folder, env=ENV, capture_output=True, text=True,
                          timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)


def _serve(command: str, folder: Path) -> None:
    """Start a ``sequrity-mock serve`` command on a free port, wait until it listens, stop it (a leading
    ``VAR=value`` is set in its environment, as a shell would)."""
    words, env = shlex.split(command, comments=True), dict(ENV)
    while words and _ASSIGNMENT.fullmatch(words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    process = subprocess.Popen([*words, "--port", "0"], cwd=folder, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.startswith("listening on http://"), f"{command!r} printed {first!r}: {process.stderr.read()}"
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(SERVE_TIMEOUT)
    assert code == 0, f"{command!r} exited {code}"


def _command(command: str, folder: Path) -> None:
    words = shlex.split(command, comments=True)
    while words and _ASSIGNMENT.fullmatch(words[0]):  # a leading VAR=value, as in `PYTHONPATH=. cmd`
        words = words[1:]
    if words[0] == "curl":
        command = command.replace("curl ", "curl --fail-with-body -sS ", 1)
    elif words[:2] == ["sequrity-mock", "serve"]:
        _serve(command, folder)
        return
    elif not (words[0] == "sequrity-mock" or words[0] == "pytest" or words[1:3] == ["-m", "pytest"]):
        pytest.fail(f"{command!r}: not a command the docs tests run (curl, sequrity-mock, pytest); "
                    "mark the block <!-- docs-test: skip (why) -->")
    if words[0] == "python":
        command = command.replace("python ", f"{shlex.quote(sys.executable)} ", 1)
    result = _run(command, folder)
    assert result.returncode == 0, f"{command!r} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"


def _page_runs_pytest(block: Block) -> bool:
    return any(other.page == block.page and other.line > block.line and other.language in COMMAND_LANGUAGES
               and any("pytest" in command for command in commands_of(other)) for other in BLOCKS)


def _python(block: Block, text: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if block.file:
        assert not Path(block.file).name.startswith("test_") or _page_runs_pytest(block), (
            f"{block.id}: the test file {block.file} is never run: add a `python -m pytest` command block after it")
    else:
        monkeypatch.chdir(folder)
        monkeypatch.syspath_prepend(str(folder))
        namespace: dict[str, object] = {"__name__": "__docs__"}
        exec(compile(text, block.id, "exec", dont_inherit=True), namespace)
        for name, test in namespace.items():  # a block that defines tests and does not call them
            if name.startswith("test_") and callable(test) and not re.search(rf"(?<!def ){name}\(", text):
                assert not inspect.signature(test).parameters, (
                    f"{block.id}: {name} takes fixtures; make the block a test file (# test_name.py) run by pytest")
                test()


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.language not in OUTPUT_LANGUAGES], ids=lambda b: b.id)
def test_code_block_runs(block: Block, server: MockServer, page_dirs: dict[Path, Path],
                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert block.language in LANGUAGES, (
        f"{block.id}: code block language {block.language!r} is not one the docs tests know "
        f"({', '.join(sorted(LANGUAGES))}); use one, or mark it <!-- docs-test: skip (why) -->")
    if block.skip is not None:
        assert block.skip.strip(), f"{block.id}: say why the block is not run: <!-- docs-test: skip (why) -->"
        pytest.skip(f"not run: {block.skip}")
    folder = page_dirs[block.page]
    server.clear()
    server.clear_stubs()
    server.clear_fault()
    _files_before(block, folder, server)
    text = _text(block, server)
    if block.language == "python":
        _python(block, text, folder, monkeypatch)
    elif block.language in COMMAND_LANGUAGES:
        commands = commands_of(block)
        assert commands, f"{block.id}: a command block without a command"
        for command in commands:
            _command(command.replace(DEFAULT_URL, server.url), folder)
    elif block.language == "json":
        json.loads(text)
    elif block.language == "yaml":
        yaml.safe_load(text)
    elif block.language == "toml":
        tomllib.loads(text)


def test_the_readme_is_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 200, f"README.md has {lines} lines; the limit is 200 (move reference material to docs/)"
