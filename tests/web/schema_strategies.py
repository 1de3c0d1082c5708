"""Hypothesis strategies built from JSON Schema: the subset the OpenAPI document uses.

Optional properties are sometimes left out; `additionalProperties: false` is honoured; refs are
resolved against the document's components. What the schema allows is all that is generated,
so a server that keeps its document honest answers every example with a documented status.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
ANY_JSON = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def from_schema(schema: dict[str, Any], document: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return from_schema(document["components"]["schemas"][name], document)
    if "anyOf" in schema:
        return st.one_of([from_schema(option, document) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "string":
        return _string(schema)
    if kind == "array":
        return st.lists(from_schema(schema.get("items", {}), document), max_size=3)
    if kind == "object":
        return _object(schema, document)
    if kind == "integer":
        return st.integers()
    if kind == "boolean":
        return st.booleans()
    return ANY_JSON


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    if schema.get("format") == "date-time":
        return st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    return st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 30))


def _object(schema: dict[str, Any], document: dict[str, Any]) -> st.SearchStrategy[Any]:
    properties = schema.get("properties")
    if properties is None:
        return st.dictionaries(st.text(max_size=10), ANY_JSON, max_size=4)
    required = set(schema.get("required", ()))
    fixed = {k: from_schema(v, document) for k, v in properties.items() if k in required}
    optional = {k: from_schema(v, document) for k, v in properties.items() if k not in required}
    return st.fixed_dictionaries(fixed, optional=optional)
