"""What every contract model shares: strict JSON types, unknown keys kept or refused
as the documents say, and the field helpers the documents call for."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class ContractModel(BaseModel):
    """A JSON object of the contract whose document allows keys it does not name.

    Types are strict (``"1"`` is not an integer, ``true`` is not a number), as in
    JSON Schema; unknown keys are kept, so a document round-trips unchanged through
    ``model_validate(...).model_dump(mode="json", exclude_unset=True, by_alias=True)``.
    """

    model_config = ConfigDict(extra="allow", strict=True)


class ClosedModel(BaseModel):
    """A JSON object of the contract whose document refuses unknown keys
    (``additionalProperties: false``)."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def omittable() -> Any:
    """A field that may be absent and has no documented default: ``None`` in Python
    when absent, and no ``default`` in the JSON Schema."""
    return Field(default=None, json_schema_extra=_drop_default)


def _unique(items: list[str]) -> list[str]:
    if len(set(items)) != len(items):
        duplicates = sorted({item for item in items if items.count(item) > 1})
        raise ValueError(f"items must be unique; repeated: {duplicates}")
    return items


UniqueStrings = Annotated[list[str], AfterValidator(_unique), Field(json_schema_extra={"uniqueItems": True})]
"""A list of distinct strings (``uniqueItems: true``), kept in the order given."""

EmptyObject = Annotated[dict[str, Any], Field(max_length=0)]
"""The empty JSON object ``{}`` (``maxProperties: 0``)."""

JSONObject = dict[str, Any]
"""Any JSON object (``{"type": "object", "additionalProperties": true}``)."""
