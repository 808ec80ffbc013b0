"""Reports: the per-clause table printed by the CLI and the pytest plugin, the summary
counts, and the JSON report (``--sequrity-report PATH`` / ``--report PATH``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .console import paint
from .runner import ClauseResult

__all__ = ["REPORT_VERSION", "format_table", "json_report", "summary", "write_json_report"]

REPORT_VERSION = 1


def summary(results: Iterable[ClauseResult]) -> dict[str, int]:
    """Counts per outcome: ``{"passed": n, "failed": n, "skipped": n}``."""
    counts = Counter(r.outcome for r in results)
    return {outcome: counts.get(outcome, 0) for outcome in ("passed", "failed", "skipped")}


def format_table(results: Iterable[ClauseResult], *, width: int = 100, colour: bool = False) -> str:
    """One line per clause and client: outcome, name, examples, seconds, and the failure's
    title or the skip reason; ``colour`` paints the outcomes (ANSI, for a terminal)."""
    rows = list(results)
    if not rows:
        return "no clauses run"
    name_width = max(len(f"{r.clause} [{r.client}]") for r in rows)
    lines = [f"{'OUTCOME':<8} {'CLAUSE [CLIENT]':<{name_width}} {'EXAMPLES':>8} {'SECONDS':>8}  DETAIL"]
    for r in rows:
        detail = r.title if r.outcome == "failed" else r.message if r.outcome == "skipped" else ""
        line = (f"{r.outcome.upper():<8} {f'{r.clause} [{r.client}]':<{name_width}} {r.examples:>8} "
                f"{r.duration:>8.2f}  {detail}")
        line = line if len(line) <= width else line[: width - 1] + "…"
        lines.append(paint(line[:8], r.outcome, colour) + line[8:])
    counts = summary(rows)
    lines.append(", ".join(f"{n} {outcome}" for outcome, n in counts.items()))
    return "\n".join(lines)


def json_report(results: Iterable[ClauseResult]) -> dict[str, Any]:
    """The JSON report: ``{"version", "summary", "clauses": [result, ...]}``, failures
    with title, message, dedup key, minimal example and reproduction."""
    rows = list(results)
    return {"version": REPORT_VERSION, "summary": summary(rows), "clauses": [r.as_dict() for r in rows]}


def write_json_report(results: Iterable[ClauseResult], path: str | Path) -> Path:
    """Write :func:`json_report` to ``path`` (parents created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(json_report(results), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target
