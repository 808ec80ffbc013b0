"""Small building blocks shared by the request, response and conversation strategies.

Each strategy's first alternative is its simplest value, so failing examples shrink to
plain text, absent optional fields and the fewest blocks.
"""

from __future__ import annotations

import base64
from typing import Any

import hypothesis.strategies as st
from hypothesis.strategies import SearchStrategy

from sequrity_contract.schemas import tool_use_id

texts: SearchStrategy[str] = st.text(max_size=24)
"""Short text, any Unicode (multi-byte characters included)."""

uuids: SearchStrategy[str] = st.uuids().map(str)
"""UUID strings (session ids and the call part of tool ids)."""

tool_names: SearchStrategy[str] = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
"""Tool names as clients spell them."""

_base64_data = st.binary(max_size=12).map(lambda b: base64.b64encode(b).decode("ascii"))

_PROPERTY_SCHEMAS: list[dict[str, Any]] = [
    {"type": "string"},
    {"type": "integer", "minimum": 0, "maximum": 100},
    {"type": "number"},
    {"type": "boolean"},
    {"type": "string", "enum": ["celsius", "fahrenheit"]},
    {"type": "array", "items": {"type": "string"}, "maxItems": 3},
    {"type": ["string", "null"]},
    {"type": "string", "pattern": "^[a-z]{1,5}$"},
    {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"],
     "additionalProperties": False},
]


_property_names = st.lists(st.from_regex(r"[a-z]{1,8}", fullmatch=True), max_size=3, unique=True)
_property_schemas = st.sampled_from(_PROPERTY_SCHEMAS)


@st.composite
def _object_schemas(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(_property_names)
    properties = {n: draw(_property_schemas) for n in names}
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [n for n in names if draw(st.booleans())]
    if required:
        schema["required"] = required
    if draw(st.booleans()):
        schema["additionalProperties"] = False
    return schema


object_schemas: SearchStrategy[dict[str, Any]] = _object_schemas()
"""Small JSON Schemas of objects, the shape tools' ``input_schema`` and structured outputs take."""


def optional_fields(**fields: SearchStrategy[Any]) -> SearchStrategy[dict[str, Any]]:
    """A dict holding some of ``fields`` (each independently present or absent, never null)."""
    return st.fixed_dictionaries({}, optional=fields)


cache_control = st.just({"type": "ephemeral"})


_tool_name_lists = st.lists(tool_names, min_size=1, max_size=3, unique=True)


def draw_tools(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to three tool definitions (``ToolParam``) with unique names."""
    out = []
    for name in draw(_tool_name_lists):
        tool = {"name": name, "input_schema": draw(object_schemas)}
        tool.update(draw(tool_extras))
        out.append(tool)
    return out


text_blocks: SearchStrategy[dict[str, Any]] = st.builds(
    lambda text, extra: {"type": "text", "text": text, **extra},
    texts, optional_fields(cache_control=cache_control))
"""``text`` request blocks."""

_base64_image_sources = st.builds(
    lambda media, data: {"type": "base64", "media_type": media, "data": data},
    st.sampled_from(["image/png", "image/jpeg", "image/gif", "image/webp"]), _base64_data)
_url_image_sources = st.builds(lambda path: {"type": "url", "url": f"https://example.com/{path}.png"},
                               st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True))
image_blocks: SearchStrategy[dict[str, Any]] = st.builds(
    lambda source: {"type": "image", "source": source}, _base64_image_sources | _url_image_sources)
"""``image`` blocks with a base64 or URL source."""

document_blocks: SearchStrategy[dict[str, Any]] = st.builds(
    lambda data: {"type": "document",
                  "source": {"type": "base64", "media_type": "application/pdf", "data": data}},
    _base64_data)
"""``document`` blocks (base64 PDF)."""

thinking_blocks: SearchStrategy[dict[str, Any]] = st.builds(
    lambda text: {"type": "thinking", "text": text}, texts)
"""``thinking`` blocks, Sequrity-style (``text``, not ``thinking`` + ``signature``)."""

user_blocks: SearchStrategy[dict[str, Any]] = text_blocks | image_blocks | document_blocks
"""The blocks a user turn may hold besides tool results."""

tool_result_content: SearchStrategy[Any] = texts | st.lists(user_blocks, min_size=1, max_size=3)
"""A tool_result's ``content``: a string or a list of text/image/document blocks."""

tool_result_extras = optional_fields(content=tool_result_content, is_error=st.booleans())
"""The optional fields of a tool_result."""

tool_extras = optional_fields(description=texts, strict=st.booleans(), type=st.just("custom"),
                              cache_control=cache_control)
"""The optional fields of a tool definition."""


def tool_id(draw: st.DrawFn, session: str) -> str:
    """A tool-call id that embeds ``session``: ``tc-<session>-<uuid>``."""
    return tool_use_id(session, draw(uuids))


metadata: SearchStrategy[dict[str, Any]] = optional_fields(
    user_id=st.from_regex(r"user-[0-9a-f]{1,8}", fullmatch=True))
"""``metadata`` objects: ``MetadataParam`` declares only ``user_id``."""
