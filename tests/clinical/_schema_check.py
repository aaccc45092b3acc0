"""A minimal JSON Schema checker for the subset `schemas.py` emits (type, enum, required, properties,
additionalProperties, items, minimum, exclusiveMinimum, maximum, format=date). jsonschema is not a
project dependency; this keeps the generated schemas honest without adding one."""

from __future__ import annotations

import datetime as dt

_TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def _is_type(value: object, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[name])


def problems(value: object, schema: dict[str, object], path: str = "") -> list[str]:
    found: list[str] = []
    types = schema.get("type")
    names = types if isinstance(types, list) else [types]
    if types is not None and not any(_is_type(value, str(name)) for name in names):
        return [f"{path or '<root>'}: {value!r} is not {types}"]
    if value is None:
        return found
    enum = schema.get("enum")
    if isinstance(enum, list) and value not in enum:
        found.append(f"{path}: {value!r} not in {enum}")
    if schema.get("format") == "date" and isinstance(value, str):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            found.append(f"{path}: {value!r} is not a date")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:  # type: ignore[operator]  # schema numbers
            found.append(f"{path}: below minimum")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:  # type: ignore[operator]  # schema numbers
            found.append(f"{path}: not above exclusiveMinimum")
        if "maximum" in schema and value > schema["maximum"]:  # type: ignore[operator]  # schema numbers
            found.append(f"{path}: above maximum")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        assert isinstance(properties, dict)
        for name in schema.get("required", []):  # type: ignore[attr-defined]  # schema lists
            if name not in value:
                found.append(f"{path}.{name}: missing")
        for name, item in value.items():
            if name in properties:
                found += problems(item, properties[name], f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                found.append(f"{path}.{name}: not allowed")
            else:
                found.append(f"{path}.{name}: not declared in the output schema")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found += problems(item, schema["items"], f"{path}[{index}]")  # type: ignore[arg-type]  # schema dict
    return found
