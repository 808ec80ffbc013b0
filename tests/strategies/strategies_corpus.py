"""A corpus of user JSON Schemas (tool input schemas, structured-output formats) that the
compiler must handle; each entry is ``(id, schema)``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"

CORPUS: list[tuple[str, Any]] = [
    ("true", True),
    ("empty", {}),
    ("integer-bounds", {"type": "integer", "minimum": -3, "maximum": 7}),
    ("integer-exclusive", {"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 5}),
    ("integer-multiple", {"type": "integer", "multipleOf": 7, "minimum": 10}),
    ("number-bounds", {"type": "number", "minimum": 0, "maximum": 1}),
    ("number-exclusive", {"type": "number", "exclusiveMinimum": 0.5, "exclusiveMaximum": 0.75}),
    ("number-multiple", {"type": "number", "multipleOf": 0.25, "maximum": 10}),
    ("string-length", {"type": "string", "minLength": 2, "maxLength": 5}),
    ("string-pattern", {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"}),
    ("string-pattern-search", {"type": "string", "pattern": "ab+c"}),
    ("string-pattern-length", {"type": "string", "pattern": "^[a-z]+$", "maxLength": 4}),
    ("string-formats", {"type": "array", "prefixItems": [
        {"type": "string", "format": "date-time"}, {"type": "string", "format": "uuid"},
        {"type": "string", "format": "email"}, {"type": "string", "format": "date"}]}),
    ("enum-mixed", {"enum": ["a", 1, None, True, {"k": [1]}]}),
    ("const-object", {"const": {"answer": 42}}),
    ("enum-with-type", {"type": "string", "enum": ["a", 1, "b"]}),
    ("type-list", {"type": ["string", "integer", "null"], "minimum": 5, "maxLength": 1}),
    ("nullable-anyof", {"anyOf": [{"type": "string"}, {"type": "null"}]}),
    ("openapi-nullable", {"type": "integer", "nullable": True}),
    ("array-items", {"type": "array", "items": {"type": "boolean"}, "minItems": 1, "maxItems": 3}),
    ("array-unique", {"type": "array", "items": {"enum": [1, 2, 3, 1.0]}, "uniqueItems": True,
                      "minItems": 2}),
    ("array-prefix", {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}],
                      "items": False}),
    ("array-tuple-draft7", {"$schema": "http://json-schema.org/draft-07/schema#", "type": "array",
                            "items": [{"type": "null"}], "additionalItems": {"type": "integer"}}),
    ("object-closed", {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}},
                       "required": ["a"], "additionalProperties": False}),
    ("object-open-typed", {"type": "object", "properties": {"a": {"type": "integer"}},
                           "additionalProperties": {"type": "string"}, "minProperties": 2}),
    ("object-required-not-listed", {"type": "object", "required": ["x"], "maxProperties": 2}),
    ("allof", {"allOf": [{"type": "object", "properties": {"a": {"type": "integer", "minimum": 0}},
                          "required": ["a"]},
                         {"properties": {"a": {"maximum": 5}, "b": {"type": "boolean"}},
                          "required": ["b"]}]}),
    ("allof-closed", {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}},
                                 "additionalProperties": False},
                                {"type": "object", "properties": {"a": {"minLength": 1}}}]}),
    ("oneof-overlap", {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 0}]}),
    ("oneof-tagged", {"oneOf": [
        {"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number", "minimum": 0}},
         "required": ["kind", "r"], "additionalProperties": False},
        {"type": "object", "properties": {"kind": {"const": "square"}, "side": {"type": "integer"}},
         "required": ["kind", "side"], "additionalProperties": False}]}),
    ("anyof-with-base", {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}},
                         "anyOf": [{"required": ["a"]}, {"required": ["b"]}]}),
    ("not", {"type": "integer", "minimum": 0, "maximum": 10, "not": {"enum": [3, 4]}}),
    ("ref-defs", {"$defs": {"point": {"type": "object", "properties": {"x": {"type": "number"},
                                                                       "y": {"type": "number"}},
                                      "required": ["x", "y"]}},
                  "type": "array", "items": {"$ref": "#/$defs/point"}, "maxItems": 3}),
    ("ref-definitions-with-siblings", {"definitions": {"n": {"type": "integer"}},
                                       "$ref": "#/definitions/n", "minimum": 100}),
    ("recursive-tree", {"$defs": {"tree": {"type": "object", "properties": {
        "value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/tree"}}},
        "required": ["value", "children"], "additionalProperties": False}}, "$ref": "#/$defs/tree"}),
    ("root-recursion", {"type": "object",
                        "properties": {"next": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}},
                        "required": ["next"]}),
    ("weather-tool", {"type": "object", "properties": {
        "location": {"type": "string", "description": "City and state"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 14}},
        "required": ["location"]}),
    ("structured-output", {"type": "object", "properties": {
        "status": {"enum": ["success", "failure"]}, "final_return_value": {},
        "error": {"anyOf": [{"type": "null"}, {"type": "object", "properties": {
            "code": {"type": "integer"}, "message": {"type": "string"}}, "required": ["code", "message"]}]}},
        "required": ["status"], "additionalProperties": False}),
    ("seed-tool-input-schema", json.loads((SEED / "ToolInputSchema.json").read_text())),
    ("seed-usage", json.loads((SEED / "Usage.json").read_text())),
    ("seed-text-block", json.loads((SEED / "TextBlock.json").read_text())),
]
"""Schemas both back ends must generate valid values for."""

UNSUPPORTED: list[tuple[str, Any, str, str]] = [
    ("pattern-properties", {"type": "object", "properties": {"a": {"patternProperties": {"^x": {}}}}},
     "patternProperties", "$.properties.a"),
    ("contains", {"type": "array", "items": {"contains": {"type": "integer"}}}, "contains", "$.items"),
    ("remote-ref", {"properties": {"a": {"$ref": "https://example.com/s.json"}}}, "$ref", "$.properties.a"),
    ("dangling-ref", {"items": {"$ref": "#/$defs/missing"}}, "$ref", "$.items"),
    ("lookahead", {"type": "string", "pattern": "^(?=a)a+$"}, "pattern", "$"),
    ("unsatisfiable", {"type": "object", "properties": {"a": False}, "required": ["a"]}, "false", "$"),
]
"""Schemas the sampler refuses: ``(id, schema, keyword, JSON path)``."""
