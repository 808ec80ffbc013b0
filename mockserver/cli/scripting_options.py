"""The ``sequrity-mock serve`` options of stubs and faults: ``--stubs FILE|FOLDER`` (repeatable), ``--fault JSON``,
``--strict``."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from typing import Any

from ..support.strict_json import InvalidJson, loads_strict

#: The file names ``--stubs FOLDER`` loads (in sorted order).
STUB_FILE_SUFFIXES = (".json", ".yaml", ".yml")


def add_scripting_arguments(serve: argparse.ArgumentParser) -> None:
    """Add ``--stubs``, ``--fault`` and ``--strict`` to the ``serve`` parser."""
    serve.add_argument("--stubs", action="append", default=[], metavar="FILE|FOLDER",
                       help="register the stubs in FILE at start (JSON; YAML with PyYAML installed); a FOLDER "
                            f"gives every {'/'.join('*' + s for s in STUB_FILE_SUFFIXES)} in it, sorted "
                            "(repeatable; stub ids unique across files)")
    serve.add_argument("--fault", default=None, metavar="JSON",
                       help='inject this fault into every request, e.g. \'{"status": 503, "times": 1}\'')
    serve.add_argument("--strict", action="store_true",
                       help="answer 404 when no stub matches, instead of synthesizing")


def stub_files(paths: Iterable[str]) -> list[str]:
    """The files ``--stubs`` names: each FILE as given, each FOLDER as its stub files in sorted order."""
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            files += sorted(os.path.join(path, name) for name in os.listdir(path)
                            if name.endswith(STUB_FILE_SUFFIXES) and os.path.isfile(os.path.join(path, name)))
        else:
            files.append(path)
    return files


def load_stubs(paths: Iterable[str]) -> tuple[dict[str, Any], ...]:
    """The stub definitions of every file ``paths`` name (:func:`stub_files`), in order; a ValueError naming
    both files when two define one id."""
    from ..scripting.stubs import load_stub_file

    definitions: list[dict[str, Any]] = []
    owners: dict[str, str] = {}
    for path in stub_files(paths):
        for definition in load_stub_file(path):
            stub_id = definition.get("id") if isinstance(definition, dict) else None
            if isinstance(stub_id, str):
                if stub_id in owners:
                    raise ValueError(f"--stubs: stub id {stub_id!r} is defined in {owners[stub_id]} and again in "
                                     f"{path}: expected ids unique across the stub files")
                owners[stub_id] = path
            definitions.append(definition)
    return tuple(definitions)


def scripting_options(args: argparse.Namespace) -> dict[str, Any]:
    """The :class:`~sequrity_contract.mockserver.config.MockConfig` fields the options give; ValueError naming the
    option."""
    options: dict[str, Any] = {"strict": bool(getattr(args, "strict", False))}
    if getattr(args, "stubs", None):
        options["stubs"] = load_stubs(args.stubs)
    if getattr(args, "fault", None):
        try:
            options["fault"] = loads_strict(args.fault)
        except InvalidJson as exc:
            raise ValueError(f"--fault {args.fault[:80]!r}: expected a JSON object, e.g. "
                             f'\'{{"status": 503}}\': {exc}') from None
    return options
