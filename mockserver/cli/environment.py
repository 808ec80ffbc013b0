"""``SEQURITY_MOCK_*`` environment defaults for every ``serve`` option, derived from the parser itself.

``--port`` reads ``SEQURITY_MOCK_PORT``, ``--admin-token`` ``SEQURITY_MOCK_ADMIN_TOKEN``, and so on: the
option's name upper-cased, dashes as underscores, after :data:`PREFIX`. A repeatable option
(``--api-key``, ``--stubs``, ``--match-ignore``...) takes a comma-separated list; a flag (``--admin-open``,
``--strict``) takes ``1/true/yes/on`` or ``0/false/no/off``. The command line wins over the environment.
An empty value counts as unset. A value that does not fit the option is an error naming the variable
(reported when ``serve`` runs, so that other commands are not disturbed by it).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

PREFIX = "SEQURITY_MOCK_"
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")


def variable_for(action: argparse.Action) -> str | None:
    """The environment variable of an option (None for hidden options, positionals and ``--help``)."""
    long_names = [o for o in action.option_strings if o.startswith("--")]
    if not long_names or action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
        return None
    return PREFIX + long_names[0][2:].upper().replace("-", "_")


def _convert(action: argparse.Action, variable: str, text: str) -> Any:
    if isinstance(action, argparse._StoreTrueAction):
        if text.strip().lower() in TRUE:
            return True
        if text.strip().lower() in FALSE:
            return False
        raise ValueError(f"{variable}={text!r}: expected one of {'/'.join(TRUE)} or {'/'.join(FALSE[:-1])}")
    if isinstance(action, argparse._AppendAction):
        return [_one(action, variable, part.strip()) for part in text.split(",") if part.strip()]
    return _one(action, variable, text)


def _one(action: argparse.Action, variable: str, text: str) -> Any:
    convert = action.type if callable(action.type) else str
    try:
        value = convert(text)
    except (TypeError, ValueError):
        kind = {"int": "an integer", "float": "a number"}.get(getattr(convert, "__name__", ""), "a valid value")
        raise ValueError(f"{variable}={text!r}: expected {kind} (as {action.option_strings[0]} takes)") from None
    if action.choices is not None and value not in action.choices:
        raise ValueError(f"{variable}={text!r}: expected one of {', '.join(map(str, action.choices))}")
    return value


def apply_environment(parser: argparse.ArgumentParser, environ: Mapping[str, str]) -> list[str]:
    """Set the default of every option of ``parser`` whose variable is in ``environ``, and name the
    variable in the option's help; returns the errors (a message per variable that does not fit).
    Call :func:`command_line_wins` on the parsed arguments."""
    errors: list[str] = []
    from_environment: dict[str, int] = {}
    for action in parser._actions:
        variable = variable_for(action)
        if variable is None:
            continue
        action.help = f"{action.help} [env {variable}]" if action.help else f"[env {variable}]"
        text = environ.get(variable)
        if text is None or (not text.strip() and not isinstance(action, argparse._StoreTrueAction)):
            continue  # unset, or set empty (as `docker run -e NAME=` does): the option's own default
        try:
            action.default = _convert(action, variable, text)
        except ValueError as exc:
            errors.append(str(exc))
            continue
        if isinstance(action, argparse._AppendAction):
            from_environment[action.dest] = len(action.default)
    parser.set_defaults(environment_lists=from_environment)
    return errors


def command_line_wins(args: argparse.Namespace) -> None:
    """A repeatable option given on the command line replaces its environment list (argparse appends
    command-line values to a list default)."""
    for dest, count in getattr(args, "environment_lists", {}).items():
        values = getattr(args, dest)
        if len(values) > count:
            setattr(args, dest, values[count:])
