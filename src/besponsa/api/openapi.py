"""The OpenAPI document and the readable docs page, both built from the operations' pydantic models.

Ninja contributes the paths and operation ids; request bodies and responses are the JSON Schemas of the
input and output models in `besponsa.clinical.models` (the models `execute` validates with), so the
documented ranges are the enforced ones and every example answer is what `execute` really returns.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Final

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from besponsa.api import guard
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.models import INPUTS, OUTPUTS, FieldDoc, field_docs
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute

DESCRIPTION: Final = (
    "Decision support that applies the BESPONSA (inotuzumab ozogamicin) US Prescribing Information's "
    "rules to numbers you send; every answer lists the label sections it rests on (`citations`) and the "
    "places where the label is silent or unconfirmed (`notes`). The clinician decides. The same "
    "operations are available from the `besponsa clinical` command line with the same JSON. Nothing "
    "sent is logged or stored. Bodies are limited to 32 KB; each client may make "
    f"{guard.DEFAULT_RATE_LIMIT_PER_MINUTE} calls a minute by default (429 with Retry-After beyond that)."
)

_ERRORS_REF: Final = {"$ref": "#/components/schemas/Errors"}


def error_doc(description: str, example_message: str, field: str = "body", **extra: Any) -> dict[str, Any]:
    """A documented refusal: the Errors schema with a one-problem example (the clinical and FHIR paths)."""
    return {
        "description": description,
        "content": {
            "application/json": {
                "schema": _ERRORS_REF,
                "example": {"errors": [{"field": field, "message": example_message}]},
            }
        },
        **extra,
    }


# The 401 and 429 of every path behind the guard (the clinical and FHIR paths).
UNAUTHORIZED_DOC: Final = error_doc(
    "An Authorization header was sent but its API token cannot be used",
    guard.UNAUTHORIZED,
    field="Authorization",
)
RATE_LIMITED_DOC: Final = error_doc(
    "Too many calls from this client in the current minute",
    "too many requests: at most 120 calls a minute from one client; try again in 17 s",
    headers={
        "Retry-After": {
            "description": "Seconds until the next minute window opens",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
)


def invalid_example(operation: str) -> dict[str, Any]:
    """A real 422 answer for the example input with its first required field left out."""
    required = next(name for name, field in INPUTS[operation].model_fields.items() if field.is_required())
    payload = {k: v for k, v in EXAMPLES[operation].items() if k != required}
    try:
        execute(operation, payload)
    except InvalidInput as invalid:
        return {"errors": invalid.errors}
    raise AssertionError(f"{operation}: the example without {required} was accepted")


def operation_spec(operation: str) -> dict[str, Any]:
    name = operation.capitalize()
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": f"#/components/schemas/{name}Input"},
                    "example": EXAMPLES[operation],
                }
            },
        },
        "responses": {
            "200": {
                "description": "The result, with its citations and notes",
                "content": {
                    "application/json": {
                        "schema": {"$ref": f"#/components/schemas/{name}Output"},
                        "example": execute(operation, EXAMPLES[operation]),
                    }
                },
            },
            "401": UNAUTHORIZED_DOC,
            "413": error_doc(
                "The body is larger than 32 KB", f"the body is larger than {guard.MAX_BODY_BYTES // 1024} KB"
            ),
            "415": error_doc(
                "The body was not sent as application/json",
                "send the body as application/json (Content-Type was text/plain)",
                field="Content-Type",
            ),
            "422": {
                "description": "The body is not JSON, not an object, or has fields that cannot be used: "
                "every problem is listed with its field",
                "content": {
                    "application/json": {"schema": _ERRORS_REF, "example": invalid_example(operation)}
                },
            },
            "429": RATE_LIMITED_DOC,
        },
    }


def _inline(schema: Any, definitions: dict[str, Any] | None = None) -> Any:
    """The schema with every `$ref` to its `$defs` written out: each component stands alone."""
    definitions = schema.get("$defs", {}) if definitions is None else definitions
    if isinstance(schema, list):
        return [_inline(item, definitions) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = definitions[schema["$ref"].rsplit("/", 1)[-1]]
        siblings = {key: value for key, value in schema.items() if key != "$ref"}
        return {**_inline(target, definitions), **siblings}
    return {
        key: _inline(value, definitions)
        for key, value in schema.items()
        if key not in ("$defs", "title") or not isinstance(value, dict | str)
    }


def _null_means_absent(schema: dict[str, Any]) -> dict[str, Any]:
    """The engine reads a JSON null in an optional field as "not given": say so in the schema."""
    for name, prop in schema.get("properties", {}).items():
        if prop.get("type") == "object":
            _null_means_absent(prop)
        elif prop.get("type") == "array":
            _null_means_absent(prop["items"])
        if name not in schema.get("required", []) and "anyOf" not in prop:
            prop["anyOf"] = [
                {key: prop.pop(key) for key in ("type", "enum", "format", "items") if key in prop}
            ]
            prop["anyOf"].append({"type": "null"})
    return schema


def input_json_schema(operation: str) -> dict[str, Any]:
    return _null_means_absent(_inline(INPUTS[operation].model_json_schema()))


def output_json_schema(operation: str) -> dict[str, Any]:
    return _inline(OUTPUTS[operation].model_json_schema(mode="serialization"))


BEARER_SCHEME: Final = "bearerToken"


def build_document(document: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(dict(document))
    schemas = {
        f"{operation.capitalize()}Input": input_json_schema(operation) for operation in OPERATION_NAMES
    }
    for path, item in result.get("paths", {}).items():
        operation = path.rstrip("/").rsplit("/", 1)[-1]
        if "/clinical/" in path and operation in OPERATION_NAMES and "post" in item:
            post = item["post"]
            post.pop("parameters", None)
            post.update(operation_spec(operation))
            post["security"] = [{}, {BEARER_SCHEME: []}]  # a token is optional: it buys a higher limit
    components = result.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER_SCHEME] = {
        "type": "http",
        "scheme": "bearer",
        "description": "An HCP's API token (bsp_…) from /accounts/tokens/. Optional: without it calls "
        "count per client address; an unusable token is a 401, and repeated unusable tokens from one "
        "address a 429.",
    }
    components.setdefault("schemas", {}).update(schemas)
    result["servers"] = []
    return result


# The docs page ---------------------------------------------------------------------------------------


def _kind_text(spec: FieldDoc) -> str:
    if spec.kind == "choice":
        return "one of: " + ", ".join(spec.choices)
    if spec.kind == "date":
        return "date (YYYY-MM-DD)"
    if spec.kind == "list":
        return f"list of objects (at most {spec.max_items})"
    return spec.kind


def _field_rows(specs: tuple[FieldDoc, ...], prefix: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for spec in specs:
        rows.append(
            {
                "name": prefix + spec.name,
                "kind": _kind_text(spec),
                "required": spec.required,
                "description": spec.description + spec.range_text(),
                "default": "" if spec.default is None else json.dumps(spec.default),
            }
        )
        if spec.kind == "object":
            rows.extend(_field_rows(spec.fields, prefix=f"{prefix}{spec.name}."))
        elif spec.kind == "list":
            rows.extend(_field_rows(spec.fields, prefix=f"{prefix}{spec.name}[]."))
    return rows


def _output_rows(schema: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf", [prop])
        kinds = [option.get("type", "") for option in options]
        kind = " or ".join(kinds)
        choices = [value for option in options for value in option.get("enum", []) if value is not None]
        if choices:
            kind += " (" + ", ".join(choices) + ")"
        rows.append({"name": prefix + name, "kind": kind, "description": prop.get("description", "")})
        for option in options:
            if option.get("type") == "object":
                rows.extend(_output_rows(option, prefix=f"{prefix}{name}."))
            elif option.get("type") == "array" and option["items"].get("type") == "object":
                rows.extend(_output_rows(option["items"], prefix=f"{prefix}{name}[]."))
    return rows


def _example_text(post: dict[str, Any], status: str) -> str:
    """The documented example answer of one status, indented for the page."""
    example = post["responses"][status]["content"]["application/json"]["example"]
    return json.dumps(example, indent=2, ensure_ascii=False)


def docs_page(request: HttpRequest, document: dict[str, Any]) -> HttpResponse:
    base = request.build_absolute_uri("/api/v1/clinical/")
    operations = []
    for operation in OPERATION_NAMES:
        post = document["paths"][f"/api/v1/clinical/{operation}"]["post"]
        example = json.dumps(EXAMPLES[operation], ensure_ascii=False)
        operations.append(
            {
                "name": operation,
                "summary": post["summary"],
                "path": f"/api/v1/clinical/{operation}",
                "inputs": _field_rows(field_docs(INPUTS[operation])),
                "outputs": _output_rows(output_json_schema(operation)),
                "curl": f"curl -sS -X POST {base}{operation} -H 'Content-Type: application/json' "
                f"-d '{example}'",
                "answer": _example_text(post, "200"),
                "invalid": _example_text(post, "422"),
            }
        )
    return render(
        request,
        "api/docs.html",
        {
            "operations": operations,
            "rate_limit": guard.rate_limit_per_minute(),
            "max_body_kb": guard.MAX_BODY_BYTES // 1024,
            "description": DESCRIPTION,
        },
    )
