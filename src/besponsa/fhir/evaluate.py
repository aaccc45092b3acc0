"""`evaluate(operation, body)`: the clinical operation run on a Bundle's labs, with their sources.

The body is `{"bundle": <FHIR Bundle>, "input": {<the operation's other fields>}}`. The answer is the
operation's own answer plus `sources` (each value read, its unit, the conversion and its date) and
`not_used` (each Observation left aside, and why). The API and the CLI both call this function.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.operations import execute
from besponsa.fhir.labs import extract

__all__ = ["evaluate", "split_body"]

_KEYS = ("bundle", "input")


def split_body(body: object) -> tuple[object, object]:
    if not isinstance(body, dict):
        raise InvalidInput(
            [{"field": "body", "message": 'must be a JSON object {"bundle": …, "input": {…}}'}]
        )
    extra = sorted(set(body) - set(_KEYS))
    if extra:
        raise InvalidInput([{"field": key, "message": "is not a field of this request"} for key in extra])
    if "bundle" not in body:
        raise InvalidInput([{"field": "bundle", "message": "is required: a FHIR R4 Bundle of Observations"}])
    return body["bundle"], body.get("input")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def evaluate(operation: str, body: object) -> dict[str, Any]:
    bundle, given = split_body(body)
    extraction = extract(operation, bundle, given)
    try:
        result = execute(operation, extraction.input)
    except InvalidInput as invalid:
        # Name the field as the caller sent it: a value that came from the Bundle says which resource.
        by_field = {source["field"]: source["resource"] for source in extraction.sources}
        raise InvalidInput(
            [
                {
                    "field": error["field"],
                    "message": error["message"]
                    + (f" (read from {by_field[error['field']]})" if error["field"] in by_field else ""),
                }
                for error in invalid.errors
            ]
        ) from None
    return {**result, "sources": _plain(extraction.sources), "not_used": extraction.not_used}
