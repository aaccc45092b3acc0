"""Recording a case: one transaction writes the case and its notification, then the outbox is enqueued.

The acknowledgment (case number) is rendered only from a row this function has committed, so what a
reporter is told is always in the database, whatever happens to the process afterwards.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from besponsa.intake import outbox, validity
from besponsa.intake.guard import keyed_hash
from besponsa.intake.models import AdverseEventReport, MedicalInquiry, new_case_number


def duplicate_key(data: dict[str, Any]) -> str:
    """A keyed hash of what identifies a patient's event, for "possible duplicate" hints in the queue."""
    patient = str(data.get("patient_initials") or "").replace(".", "").replace(" ", "")
    onset = str(data.get("event_onset") or "")
    if not patient or not onset:
        return ""
    return keyed_hash("dup", patient, str(data.get("patient_sex") or ""), onset)


Case = AdverseEventReport | MedicalInquiry


def _record(
    model: type[Case], fields: dict[str, Any], kind: str, recipient: str, submission_key: str, **who: Any
) -> tuple[Any, bool]:
    """(case, created). A repeated submission key returns the case already recorded."""
    existing = model.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    for _attempt in range(5):
        try:
            with transaction.atomic():
                case = model.objects.create(
                    case_number=new_case_number(model.CASE_PREFIX),
                    submission_key=submission_key,
                    **who,
                    **fields,
                )
                note = outbox.create_for_case(kind, case.case_number, recipient)
                outbox.enqueue_after_commit(note.pk)
            return case, True
        except IntegrityError:
            # Either the same form was posted twice at once (the key is taken: answer with that case) or
            # a random case number collided (try another).
            existing = model.objects.filter(submission_key=submission_key).first()
            if existing is not None:
                return existing, False
    raise RuntimeError("could not allocate a case number")


def record_report(
    data: dict[str, Any], *, submission_key: str, reporter_user_id: int | None, reporter: str, client: str
) -> tuple[AdverseEventReport, bool]:
    missing = validity.missing_criteria(data)
    fields = {"data": data, "serious": validity.is_serious(data), "valid": not missing, "missing": missing,
              "duplicate_key": duplicate_key(data)}  # fmt: skip
    return _record(AdverseEventReport, fields, "ae-new", settings.INTAKE_SAFETY_EMAIL, submission_key,
                   reporter_user_id=reporter_user_id, reporter_key=reporter, client_key=client)  # fmt: skip


def record_inquiry(
    data: dict[str, Any], *, submission_key: str, reporter_user_id: int | None, reporter: str, client: str
) -> tuple[MedicalInquiry, bool]:
    fields = {"data": data, "preferred_channel": data["preferred_channel"]}
    recipient = settings.INTAKE_MEDICAL_INFORMATION_EMAIL
    return _record(MedicalInquiry, fields, "mi-new", recipient, submission_key,
                   reporter_user_id=reporter_user_id, reporter_key=reporter, client_key=client)  # fmt: skip
