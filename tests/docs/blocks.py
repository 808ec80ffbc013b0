"""The fenced code blocks of README.md and docs/: found, classified and run.

How a block is treated is decided by its language (the first word of its info string) and by an
optional HTML comment on the line right above the fence (invisible on GitHub and on the site):

- ``<!-- docs-test: skip (why) -->``: not run; the reason is required (``pip install`` lines,
  CI workflows, commands that need a live endpoint).
- ``<!-- docs-test: file NAME -->``: the block is a file of the page's scratch folder, written
  there before the blocks after it run (a stubs file, a ``conftest.py``).

A ``python`` block whose first line is ``# NAME.py`` is such a file too; one named
``test_*.py`` must be run by a later ``python -m pytest`` command block of its page. Other
``python`` blocks are executed, and the ``test_*`` functions they define without calling are
called. ``bash`` blocks are commands, ``console`` blocks the ``$ `` lines of a session; ``json``,
``yaml`` and ``toml`` blocks must parse; ``text`` blocks are output and not run. Any other
language is an error, so that every new block is classified.

``http://127.0.0.1:8765`` (the default address of ``sequrity-mock serve``) in a block is replaced
by the address of a server the test starts, so blocks can say what a reader types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_URL = "http://127.0.0.1:8765"
OUTPUT_LANGUAGES = frozenset({"text", "console-output"})
DATA_LANGUAGES = frozenset({"json", "yaml", "toml"})
COMMAND_LANGUAGES = frozenset({"bash", "console"})
LANGUAGES = frozenset({"python", *COMMAND_LANGUAGES, *DATA_LANGUAGES, *OUTPUT_LANGUAGES})

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^\n`]*)\n"
                    r"(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.MULTILINE | re.DOTALL)
_DIRECTIVE = re.compile(r"<!--\s*docs-test:\s*(?P<verb>skip|file)\b\s*(?P<argument>.*?)\s*-->\s*$")
_PYTHON_FILE = re.compile(r"#\s*(?P<name>[\w./-]+\.py)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced block: where it is, its language, its text and what the page says to do with it."""

    page: Path
    line: int
    language: str
    text: str
    skip: str | None = None
    file: str | None = None

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def doc_pages() -> list[Path]:
    """README.md and every page of the site."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks_of(page: Path) -> list[Block]:
    """The fenced blocks of one page, in order."""
    source = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(source):
        line = source.count("\n", 0, match.start()) + 1
        before = source[:match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        directive = _DIRECTIVE.search(before)
        indent = match["indent"]
        text = "".join(row[len(indent):] if row.startswith(indent) else row
                       for row in match["body"].splitlines(keepends=True))
        language = (match["info"].split() or [""])[0].lower()
        skip = file = None
        if directive and directive["verb"] == "skip":
            skip = directive["argument"] or ""
        elif directive:
            file = directive["argument"]
        elif language == "python" and (first := _PYTHON_FILE.fullmatch(text.split("\n", 1)[0])):
            file = first["name"]
        found.append(Block(page, line, language, text, skip, file))
    return found


def all_blocks() -> list[Block]:
    return [block for page in doc_pages() for block in blocks_of(page)]


def commands_of(block: Block) -> list[str]:
    """The commands of a bash or console block (continuation lines joined, comments dropped)."""
    lines = block.text.splitlines()
    if block.language == "console":
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    commands, current = [], ""
    for line in lines:
        current += line.strip()
        if current.endswith("\\"):
            current = current[:-1].rstrip() + " "
            continue
        if current.strip() and not current.lstrip().startswith("#"):
            commands.append(current.strip())
        current = ""
    return commands
