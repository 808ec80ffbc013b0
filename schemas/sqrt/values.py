"""Values with metadata: ``producers`` (where the value came from), ``consumers`` (who may
receive it) and ``tags`` (labels), and how metadata propagates when values combine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from .nodes import META_FIELDS, MetaField
from .sets import EMPTY, UNIVERSAL, SqrtSet


@dataclass(frozen=True)
class Metadata:
    """A value's metadata; the defaults are no producers, every consumer and no tags."""

    producers: SqrtSet = EMPTY
    consumers: SqrtSet = UNIVERSAL
    tags: SqrtSet = EMPTY

    @classmethod
    def of(cls, producers: Iterable[str] = (), consumers: Iterable[str] = ("*",),
           tags: Iterable[str] = ()) -> Metadata:
        """Metadata from plain string collections (``"*"`` is every string)."""
        for name, given in (("producers", producers), ("consumers", consumers), ("tags", tags)):
            if isinstance(given, str) or not all(isinstance(x, str) for x in given):
                raise TypeError(f"Metadata.of({name}=...) expects a collection of strings, got {given!r}")
        return cls(SqrtSet.of(producers), SqrtSet.of(consumers), SqrtSet.of(tags))

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Metadata:
        """From ``{"producers": [...], "consumers": [...], "tags": [...]}`` (missing fields take
        their defaults)."""
        return cls.of(document.get("producers", ()), document.get("consumers", ("*",)), document.get("tags", ()))

    def to_json(self) -> dict[str, list[str]]:
        """``{"producers": [...], "consumers": [...], "tags": [...]}``."""
        return {f: self.get(f).strings() for f in ("producers", "consumers", "tags")}

    def get(self, field: MetaField) -> SqrtSet:
        """One field by name."""
        value: SqrtSet = getattr(self, field)
        return value

    def set(self, field: MetaField, value: SqrtSet) -> Metadata:
        """A copy with ``field`` replaced."""
        assert field in META_FIELDS
        return replace(self, **{field: value})

    def merge(self, other: Metadata) -> Metadata:
        """The metadata of a value derived from both: producers and tags unite, consumers
        intersect."""
        return Metadata(self.producers.union(other.producers), self.consumers.intersect(other.consumers),
                        self.tags.union(other.tags))


def merge_all(metadata: Iterable[Metadata]) -> Metadata:
    """The metadata of a value derived from all of ``metadata`` (the defaults when there is none)."""
    merged = Metadata()
    for item in metadata:
        merged = merged.merge(item)
    return merged


@dataclass(frozen=True)
class ValueWithMeta:
    """A value and its metadata, as the service wraps tool results and arguments."""

    value: Any
    meta: Metadata = field(default_factory=Metadata)

    def to_json(self) -> dict[str, Any]:
        """``{"value": …, "meta": {…}}``."""
        return {"value": self.value, "meta": self.meta.to_json()}
