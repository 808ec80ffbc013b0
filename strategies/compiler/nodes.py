"""The compiled form of a JSON Schema: a small tree of immutable nodes.

:func:`sequrity_contract.strategies.compiler.compile.compile_schema` builds the tree once per schema; the two back
ends (:mod:`sequrity_contract.strategies.compiler.to_strategy` and
:mod:`sequrity_contract.strategies.compiler.sampler`) walk it.
Every node records ``path``, the JSON path of the schema clause it came from, so errors
can name it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import StrategyError


class UnsupportedSchema(StrategyError, ValueError):
    """A schema (or a keyword in it) that the compiler or a back end cannot generate values for.

    ``keyword`` is the JSON Schema keyword, ``path`` the JSON path of the schema clause.
    """

    def __init__(self, keyword: str, path: str, why: str) -> None:
        self.keyword = keyword
        self.path = path
        super().__init__(f"unsupported schema keyword {keyword!r} at {path}: {why}")


@dataclass(eq=False)
class Node:
    """Base class: one compiled schema clause."""

    path: str


@dataclass(eq=False)
class AnyNode(Node):
    """The ``true`` schema (or one without constraints): any JSON value."""


@dataclass(eq=False)
class NothingNode(Node):
    """The ``false`` schema: no value is valid."""


@dataclass(eq=False)
class ConstNode(Node):
    """``const``/``enum``: one of a fixed list of values (already checked against the clause)."""

    values: tuple[Any, ...]


@dataclass(eq=False)
class NullNode(Node):
    """``type: null``."""


@dataclass(eq=False)
class BooleanNode(Node):
    """``type: boolean``."""


@dataclass(eq=False)
class IntegerNode(Node):
    """``type: integer`` with inclusive bounds (None: unbounded) and an optional ``multipleOf``."""

    minimum: int | None = None
    maximum: int | None = None
    multiple_of: int | float | None = None


@dataclass(eq=False)
class NumberNode(Node):
    """``type: number``: bounds, exclusivity and an optional ``multipleOf``."""

    minimum: float | None = None
    maximum: float | None = None
    exclude_min: bool = False
    exclude_max: bool = False
    multiple_of: int | float | None = None


@dataclass(eq=False)
class StringNode(Node):
    """``type: string`` with length bounds, an optional ``pattern`` and ``format``."""

    min_length: int = 0
    max_length: int | None = None
    pattern: str | None = None
    format: str | None = None


@dataclass(eq=False)
class ArrayNode(Node):
    """``type: array``: ``prefixItems`` then ``items`` (None when ``items: false``)."""

    prefix: tuple[Node, ...] = ()
    items: Node | None = None
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False


@dataclass(eq=False)
class ObjectNode(Node):
    """``type: object``: named properties, required names, extra properties (None: forbidden)."""

    properties: dict[str, Node] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    additional: Node | None = None
    min_properties: int = 0
    max_properties: int | None = None


@dataclass(eq=False)
class UnionNode(Node):
    """``anyOf``/``oneOf``/a list of types: a value of one of ``choices``.

    For ``oneOf`` (``exclusive``), ``check`` tells whether a value matches exactly one branch.
    """

    choices: tuple[Node, ...] = ()
    exclusive: bool = False
    check: Callable[[Any], bool] | None = None


@dataclass(eq=False)
class FilteredNode(Node):
    """A node whose construction may overshoot: values must also pass ``check``
    (``not``, ``pattern`` with length bounds, ``multipleOf`` on floats...)."""

    inner: Node
    check: Callable[[Any], bool]
    keyword: str = ""


@dataclass(eq=False)
class RefNode(Node):
    """A ``$ref``, resolved on first use so recursive schemas compile."""

    ref: str
    resolve: Callable[[], Node]
    _target: Node | None = None

    @property
    def target(self) -> Node:
        """The node the reference points to (compiled once)."""
        if self._target is None:
            self._target = self.resolve()
        return self._target
