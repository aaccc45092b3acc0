"""Example requests for the FHIR endpoints, shown in the OpenAPI document and checked by the tests."""

from __future__ import annotations

from typing import Any, Final


def _observation(code: str, value: float, unit: str, when: str, high: float | None = None) -> dict[str, Any]:
    quantity = {"system": "http://unitsofmeasure.org", "code": unit, "unit": unit}
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": when,
        "valueQuantity": {**quantity, "value": value},
    }
    if high is not None:
        observation["referenceRange"] = [{"high": {**quantity, "value": high}}]
    return {"resource": observation}


EVALUATE_EXAMPLE: Final[dict[str, Any]] = {
    "bundle": {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            _observation("751-8", 800, "/uL", "2026-11-27T08:10:00-05:00"),
            _observation("777-3", 62, "10*3/uL", "2026-11-27T08:10:00-05:00"),
            _observation("1920-8", 96, "U/L", "2026-11-27T08:10:00-05:00", high=40),
            _observation("1742-6", 50, "U/L", "2026-11-27T08:10:00-05:00", high=45),
            _observation("1975-2", 1.1, "mg/dL", "2026-11-27T08:10:00-05:00", high=1.2),
        ],
    },
    "input": {"timing": "before_cycle", "baseline": {"anc": 1.2, "platelets": 90}},
}
PLAN_OUT_EXAMPLE: Final[dict[str, Any]] = {
    "height_cm": 170,
    "weight_kg": 70,
    "cycle": 1,
    "start_date": "2026-12-01",
    "age_years": 34,
    "patient": {"reference": "Patient/example"},
}
