"""The tokens of SQRT: words, strings (plain, ``r``, ``w`` and ``d`` prefixed), numbers, range
operators and punctuation. Comments (``//`` and ``/* */``) are skipped; ``///`` doc comments are
tokens, since they document the declaration that follows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SqrtSyntaxError

STRING_KINDS = {"": "STRING", "r": "REGEX", "w": "WILDCARD", "d": "DATETIME"}
"""A string's prefix and the kind of its token."""

_PATTERNS: tuple[tuple[str, str], ...] = (
    ("WS", r"[ \t\r\n\f]+"),
    ("DOC", r"///[^\n]*"),
    ("COMMENT", r"//[^\n]*|/\*[\s\S]*?\*/"),
    ("PREFIXED", r'[rwd]"(?:[^"\\]|\\.)*"'),
    ("STRING", r'"(?:[^"\\]|\\.)*"'),
    ("FLOAT", r"-?\d+\.\d+"),
    ("INF", r"[+-]inf(?![A-Za-z0-9_])"),
    ("INT", r"-?\d+"),
    ("ATWORD", r"@(?:result|session|args)(?![A-Za-z0-9_])"),
    ("DOTVALUE", r"\.value(?![A-Za-z0-9_])"),
    ("WORD", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("RANGE", r"<\.\.<|<\.\.|\.\.<|\.\."),
    ("OP", r"\|=|&=|-=|\^=|==|->|[{}()\[\];,.=|&\-^@]"),
)
_SCANNER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _PATTERNS))


@dataclass(frozen=True)
class Token:
    """One token: its ``kind`` (``WORD``, ``STRING``, ``REGEX``, ``WILDCARD``, ``DATETIME``,
    ``INT``, ``FLOAT``, ``INF``, ``ATWORD``, ``DOTVALUE``, ``RANGE``, ``OP``, ``DOC``, ``EOF``),
    its text and where it starts (1-based line and column)."""

    kind: str
    text: str
    line: int
    column: int

    def describe(self) -> str:
        """The token as an error message names it."""
        return "end of input" if self.kind == "EOF" else repr(self.text)


def source_line(text: str, line: int) -> str:
    """The ``line``-th line (1-based) of ``text``, or ``""``."""
    lines = text.splitlines()
    return lines[line - 1] if 1 <= line <= len(lines) else ""


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``EOF`` token; raises :class:`SqrtSyntaxError` on a
    character no token starts with."""
    tokens: list[Token] = []
    position, line, line_start = 0, 1, 0
    while position < len(text):
        match = _SCANNER.match(text, position)
        column = position - line_start + 1
        if match is None:
            if text[position] == '"' or text.startswith(('r"', 'w"', 'd"'), position):  # no closing quote
                raise SqrtSyntaxError(line, column, ("a closing '\"'",), "a string that never ends",
                                      source_line(text, line))
            raise SqrtSyntaxError(line, column, ("a token",), repr(text[position]), source_line(text, line))
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "PREFIXED":
            kind = STRING_KINDS[value[0]]
        if kind not in ("WS", "COMMENT"):
            tokens.append(Token(kind, value, line, column))
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = position + value.rindex("\n") + 1
        position = match.end()
    tokens.append(Token("EOF", "", line, position - line_start + 1))
    return tokens


def unquote(token_text: str) -> str:
    """The content of a string token: the quotes (and prefix) dropped, ``\\"`` and ``\\\\`` read
    as ``"`` and ``\\``; in plain strings also ``\\n``, ``\\t`` and ``\\r``. Other escapes stay as
    written, so ``r"a\\.b"`` keeps its regex escape."""
    plain = token_text.startswith('"')
    body = token_text[1:-1] if plain else token_text[2:-1]
    simple = {'"': '"', "\\": "\\"}
    if plain:
        simple.update({"n": "\n", "t": "\t", "r": "\r"})
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body) and body[index + 1] in simple:
            out.append(simple[body[index + 1]])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def quote(content: str, prefix: str = "") -> str:
    """The token text for ``content`` with ``prefix``: the inverse of :func:`unquote`."""
    if not prefix:
        body = content.replace("\\", "\\\\").replace('"', '\\"')
        body = body.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
        return f'"{body}"'
    # in r/w/d strings a backslash stays as written unless unquote would read it as an escape
    out = []
    for index, char in enumerate(content):
        following = content[index + 1] if index + 1 < len(content) else ""
        if char == '"':
            out.append('\\"')
        elif char == "\\" and following in ("\\", '"', ""):
            out.append("\\\\")
        else:
            out.append(char)
    return f'{prefix}"{"".join(out)}"'
