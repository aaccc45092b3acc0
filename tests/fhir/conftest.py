from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

BUNDLES = Path(__file__).parent / "bundles"


def load(name: str) -> Any:
    return json.loads((BUNDLES / f"{name}.json").read_text(encoding="utf-8"))


def observation(code: str, value: float | str | None, unit: str | None, **extra: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "status": extra.pop("status", "final"),
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": extra.pop("when", "2026-11-27T08:00:00Z"),
    }
    if value is not None:
        resource["valueQuantity"] = {"value": value, "system": "http://unitsofmeasure.org", "code": unit}
    for name in ("low", "high"):
        if name in extra:
            limit = extra.pop(name)
            resource.setdefault("referenceRange", [{}])[0][name] = {
                "value": limit[0],
                "system": "http://unitsofmeasure.org",
                "code": limit[1],
            }
    resource.update(extra)
    return {"resource": resource}


def bundle(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "collection", "entry": list(entries)}


@pytest.fixture
def mixed() -> Any:
    return load("lab_mixed_units")
