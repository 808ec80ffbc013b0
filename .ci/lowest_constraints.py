"""Print a pip constraints file that pins every direct dependency of the project to its declared
lower bound (``name==minimum``), from pyproject.toml's ``dependencies`` and every extra.

Used by ``.ci/lowest``. A requirement without a ``>=`` lower bound anywhere fails: a lower bound
that is not declared cannot be tested. Upper caps (``hypothesis<6.170.10``) are left to pip; the
minimum must satisfy them.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
LOWER_BOUND = re.compile(r">=\s*([^,;\s]+)")


def canonical(name: str) -> str:
    """The name as pip compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def lower_bounds(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """Each direct dependency's canonical name -> its declared lower bound."""
    project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
    own = canonical(project["name"])
    requirements = [*project.get("dependencies", []),
                    *(r for extra in project.get("optional-dependencies", {}).values() for r in extra)]
    bounds: dict[str, str] = {}
    unbounded: set[str] = set()
    for requirement in requirements:
        match = NAME.match(requirement)
        if match is None:
            raise SystemExit(f"{pyproject}: cannot read the requirement {requirement!r}")
        name = canonical(match.group(1))
        if name == own:  # an extra naming other extras
            continue
        bound = LOWER_BOUND.search(requirement)
        if bound is None:
            unbounded.add(name)
        elif bounds.setdefault(name, bound.group(1)) != bound.group(1):
            raise SystemExit(f"{pyproject}: {name} has two lower bounds, {bounds[name]} and {bound.group(1)}")
    missing = sorted(unbounded - set(bounds))
    if missing:
        raise SystemExit(f"{pyproject}: no lower bound (>=) declared for {', '.join(missing)}")
    return bounds


def main() -> int:
    for name, minimum in sorted(lower_bounds().items()):
        print(f"{name}=={minimum}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
