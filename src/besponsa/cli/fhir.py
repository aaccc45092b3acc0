"""The FHIR options of `besponsa clinical`: `--fhir bundle.json` (labs in) and `plan --fhir-out` (orders out).

FHIR support is imported only when one of these options is used, so the other commands start fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.operations import execute

# Operations that read Observations (besponsa.fhir.labs.OPERATION_FIELDS), kept here as names so that
# building the parser does not import the FHIR models.
FHIR_OPERATIONS = ("bsa", "plan", "course", "modify", "assess", "grade", "qtc")


def _bundle(path: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidInput(
            [{"field": "--fhir", "message": f"cannot read {path}: {error.strerror}"}]
        ) from None
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput([{"field": "--fhir", "message": f"{path} is not a UTF-8 JSON file"}]) from None


def compute(
    operation: str, payload: object, *, fhir: str | None = None, fhir_out: bool = False
) -> dict[str, Any]:
    """The operation's answer: from the payload alone, from a Bundle's labs, or as a FHIR Bundle."""
    if fhir is not None:
        from besponsa.fhir.evaluate import evaluate

        return evaluate(operation, {"bundle": _bundle(fhir), "input": payload})
    if fhir_out:
        from besponsa.fhir.orders import plan_bundle

        return plan_bundle(payload, operation=operation)
    return execute(operation, payload)
