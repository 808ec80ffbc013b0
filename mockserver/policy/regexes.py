"""The regexes of a policy, checked before it runs on the event loop.

SQRT matches values against regexes (``r"…"``) and tool patterns, in full (wildcards, ``w"…"``, are
matched without a regex). Python's backtracking engine can take minutes on a short value for some
shapes; a policy that holds one is refused with the reason
(:func:`~..support.regex_guard.regex_risk`, the guard of stub regexes), so that no request stalls
the server.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from sequrity_contract.schemas.sqrt import Policy
from sequrity_contract.schemas.sqrt import nodes as n

from ..support.regex_guard import regex_risk


def _patterns(node: object) -> Iterator[str]:
    """Every regex of ``node`` (value patterns and tool patterns)."""
    if isinstance(node, n.StrRegex) or (isinstance(node, n.ToolId) and node.regex):
        yield node.pattern
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        for field in dataclasses.fields(node):
            yield from _patterns(getattr(node, field.name))
    elif isinstance(node, tuple | list):
        for item in node:
            yield from _patterns(item)


def risky_regex(policy: Policy) -> str | None:
    """Why one of ``policy``'s regexes could backtrack for a long time (naming it), or None."""
    for pattern in _patterns(policy):
        try:
            risk = regex_risk(pattern)
        except re.error:  # not a regex: the rule that uses it fails with its own error when it runs
            continue
        if risk is not None:
            return (f"r{pattern!r} could take very long to match ({risk}); "
                    "write it without nested or repeated quantifiers")
    return None
