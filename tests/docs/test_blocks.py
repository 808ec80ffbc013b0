"""How the docs tests read a page: which blocks they find and what each is marked to be."""

from __future__ import annotations

from pathlib import Path

from .blocks import ROOT, Block, all_blocks, blocks_of, commands_of

PAGE = '''# A page

<!-- docs-test: skip (installs a package) -->
```bash
pip install thing
```

<!-- docs-test: file stubs.json -->
```json
{"id": "a"}
```

```python
# conftest.py
import pytest
```

- a list item with a block:

    ```bash
    sequrity-mock serve \\
      --seed 7   # a comment
    # a comment line
    curl http://127.0.0.1:8765/control/health
    ```

```text
output, not run
```
'''


def test_a_page_gives_each_block_with_its_language_and_marks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    skip, stubs, conftest, listed, output = blocks_of(page)
    assert (skip.language, skip.skip, skip.line) == ("bash", "(installs a package)", 4)
    assert (stubs.language, stubs.file, stubs.skip) == ("json", "stubs.json", None)
    assert (conftest.language, conftest.file) == ("python", "conftest.py")
    assert listed.text.startswith("sequrity-mock serve")  # the list's indentation is taken off
    assert output.language == "text"


def test_commands_join_continuation_lines_and_drop_comment_lines(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(PAGE, encoding="utf-8")
    listed = blocks_of(page)[3]
    assert commands_of(listed) == ["sequrity-mock serve --seed 7   # a comment",
                                   "curl http://127.0.0.1:8765/control/health"]


def test_console_blocks_run_only_their_prompt_lines() -> None:
    block = Block(ROOT / "README.md", 1, "console", "$ sequrity-mock --help\nusage: sequrity-mock\n")
    assert commands_of(block) == ["sequrity-mock --help"]


def test_the_readme_and_every_page_of_the_site_are_read() -> None:
    pages = {block.page.relative_to(ROOT).as_posix() for block in all_blocks()}
    assert {"README.md", "docs/getting-started.md", "docs/tutorials/downstream-suite.md"} <= pages
