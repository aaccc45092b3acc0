"""Plan out: one cycle's plan as a FHIR R4 Bundle of proposed orders an EHR can take in.

The Bundle (type "collection") holds a CarePlan for the cycle, the Medication (BESPONSA 0.9 mg vial, NDC
coding), one MedicationRequest per dose (mg, intravenous, the label's infusion rate, the day and its
±window as a note) and a Provenance naming the label revision and this engine's version. Everything is a
draft proposal: a prescriber reviews and signs it in the EHR. No patient identifier is needed; a
`patient` reference passed in is echoed into `subject`, never stored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Final

from besponsa.clinical import product
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.operations import execute
from besponsa.fhir.quantities import UCUM

__all__ = ["LABEL_VERSION", "SNOMED_INTRAVENOUS", "engine_version", "plan_bundle"]

NDC_SYSTEM: Final = "http://hl7.org/fhir/sid/ndc"
SNOMED: Final = "http://snomed.info/sct"
SNOMED_INTRAVENOUS: Final = ("47625008", "Intravenous route")
LABEL_VERSION: Final = "BESPONSA (inotuzumab ozogamicin) US Prescribing Information, revision 3/2024"
NO_PATIENT: Final = {"display": "Patient to be identified in the EHR (not sent to BESPONSA HCP)"}

Json = dict[str, Any]


def engine_version() -> str:
    try:
        return version("besponsa-hcp")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def _patient(reference: object) -> Json:
    if reference is None:
        return dict(NO_PATIENT)
    if (
        not isinstance(reference, dict)
        or set(reference) - {"reference", "display"}
        or not all(isinstance(value, str) and 0 < len(value) <= 200 for value in reference.values())
        or not reference
    ):
        raise InvalidInput(
            [
                {
                    "field": "patient",
                    "message": 'must be a FHIR Reference such as {"reference": "Patient/123"} '
                    "(reference and display only, each 1–200 characters)",
                }
            ]
        )
    return dict(reference)


def _medication() -> Json:
    strength = f"{product.VIAL_STRENGTH.value} {product.VIAL_STRENGTH.unit}"
    return {
        "resourceType": "Medication",
        "code": {
            "coding": [
                {
                    "system": NDC_SYSTEM,
                    "code": str(product.NDC.value),
                    "display": f"BESPONSA (inotuzumab ozogamicin) for injection {strength} single-dose vial",
                }
            ],
            "text": f"BESPONSA (inotuzumab ozogamicin) {strength} vial",
        },
    }


def _quantity(value: float, unit: str) -> Json:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def _dose_request(dose: Json, plan: Json, medication_url: str, subject: Json) -> Json:
    window = f"Day {dose['day']} on {dose['date']}"
    if dose.get("window_earliest") and dose.get("window_latest"):
        window += f"; may be given from {dose['window_earliest']} to {dose['window_latest']}"
    rate = f"{product.INFUSION_RATE.value} {product.INFUSION_RATE.unit}"
    return {
        "resourceType": "MedicationRequest",
        "status": "draft",
        "intent": "proposal",
        "medicationReference": {"reference": medication_url},
        "subject": subject,
        "note": [
            {
                "text": f"Cycle {plan['cycle']}, {window}. "
                f"Plan status: {plan['status']}; see the CarePlan's notes."
            }
        ],
        "dosageInstruction": [
            {
                "sequence": 1,
                "text": f"{dose['dose_mg']} mg ({dose['mg_per_m2']} mg/m²) intravenously at {rate}; {window}",
                "timing": {"event": [dose["date"]]},
                "route": {
                    "coding": [
                        {"system": SNOMED, "code": SNOMED_INTRAVENOUS[0], "display": SNOMED_INTRAVENOUS[1]}
                    ]
                },
                "doseAndRate": [
                    {
                        "doseQuantity": _quantity(dose["dose_mg"], "mg"),
                        "rateQuantity": _quantity(float(product.INFUSION_RATE.value), "mL/h"),
                    }
                ],
            }
        ],
    }


def plan_bundle(body: object, *, operation: str | None = None, now: dt.datetime | None = None) -> Json:
    """The next cycle as a FHIR Bundle: `body` is the plan input, or the course input (it has `cycles`,
    the history of earlier cycles), plus an optional `patient` reference. `operation` ("plan" or
    "course") says which; without it the presence of `cycles` decides."""
    if not isinstance(body, dict):
        raise InvalidInput([{"field": "body", "message": "must be a JSON object: the plan or course input"}])
    payload = {key: value for key, value in body.items() if key != "patient"}
    subject = _patient(body.get("patient"))
    plan: Json = execute(operation or ("course" if "cycles" in payload else "plan"), payload)
    recorded = (now or dt.datetime.now(dt.UTC)).isoformat()
    urls = {name: f"urn:uuid:{uuid.uuid4()}" for name in ("careplan", "medication", "provenance")}
    requests = [
        (f"urn:uuid:{uuid.uuid4()}", _dose_request(d, plan, urls["medication"], subject))
        for d in plan["doses"]
    ]
    careplan = {
        "resourceType": "CarePlan",
        "status": "draft",
        "intent": "proposal",
        "title": f"BESPONSA cycle {plan['cycle']}",
        "description": f"Plan status: {plan['status']}"
        + (f" ({'; '.join(r['message'] for r in plan['reason_details'])})" if plan["reason_details"] else "")
        + f". BSA {plan['bsa_m2']} m² ({plan['formula']}); dose level {plan['dose_level']}.",
        "subject": subject,
        "period": {
            "start": plan["start_date"],
            **({"end": plan["cycle_end_date"]} if plan["cycle_end_date"] else {}),
        },
        "activity": [{"reference": {"reference": url}} for url, _ in requests],
        "note": [{"text": note} for note in plan["notes"]],
    }
    provenance = {
        "resourceType": "Provenance",
        "target": [{"reference": urls["careplan"]}, *({"reference": url} for url, _ in requests)],
        "recorded": recorded,
        "agent": [
            {
                "type": {"text": "assembler"},
                "who": {"display": f"BESPONSA HCP clinical engine {engine_version()}"},
            }
        ],
        "entity": [{"role": "source", "what": {"display": LABEL_VERSION}}],
        "reason": [{"text": "Cited label sections: " + "; ".join(plan["citations"])}],
    }
    entries = [
        (urls["careplan"], careplan),
        (urls["medication"], _medication()),
        *requests,
        (urls["provenance"], provenance),
    ]
    document = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": recorded,
        "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries],
    }
    return validated(document)


def validated(document: Json) -> Json:
    """The Bundle checked against the R4B models and written back through them (what an EHR reads)."""
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate(document).model_dump(mode="json", exclude_none=True)
