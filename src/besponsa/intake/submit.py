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


def _existing(model: type[AdverseEventReport] | type[MedicalInquiry], submission_key: str) -> Any:
    return model.objects.filter(submission_key=submission_key).first()


def record_report(
    data: dict[str, Any], *, submission_key: str, reporter_user_id: int | None, reporter: str, client: str
) -> tuple[AdverseEventReport, bool]:
    """(report, created). A repeated submission key returns the report already recorded."""
    existing = _existing(AdverseEventReport, submission_key)
    if existing is not None:
        return existing, False
    missing = validity.missing_criteria(data)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                report = AdverseEventReport.objects.create(
                    case_number=new_case_number(AdverseEventReport.CASE_PREFIX),
                    submission_key=submission_key,
                    reporter_user_id=reporter_user_id,
                    reporter_key=reporter,
                    client_key=client,
                    data=data,
                    serious=validity.is_serious(data),
                    valid=not missing,
                    missing=missing,
                    duplicate_key=duplicate_key(data),
                )
                note = outbox.create_for_case("ae-new", report.case_number, settings.INTAKE_SAFETY_EMAIL)
                outbox.enqueue_after_commit(note.pk)
            return report, True
        except IntegrityError:
            # Either the same form was posted twice at once (the key is taken: answer with that case) or
            # a random case number collided (try another).
            existing = _existing(AdverseEventReport, submission_key)
            if existing is not None:
                return existing, False
    raise RuntimeError("could not allocate a case number")


def record_inquiry(
    data: dict[str, Any], *, submission_key: str, reporter_user_id: int | None, reporter: str, client: str
) -> tuple[MedicalInquiry, bool]:
    existing = _existing(MedicalInquiry, submission_key)
    if existing is not None:
        return existing, False
    for _attempt in range(5):
        try:
            with transaction.atomic():
                inquiry = MedicalInquiry.objects.create(
                    case_number=new_case_number(MedicalInquiry.CASE_PREFIX),
                    submission_key=submission_key,
                    reporter_user_id=reporter_user_id,
                    reporter_key=reporter,
                    client_key=client,
                    data=data,
                    preferred_channel=data["preferred_channel"],
                )
                note = outbox.create_for_case(
                    "mi-new", inquiry.case_number, settings.INTAKE_MEDICAL_INFORMATION_EMAIL
                )
                outbox.enqueue_after_commit(note.pk)
            return inquiry, True
        except IntegrityError:
            existing = _existing(MedicalInquiry, submission_key)
            if existing is not None:
                return existing, False
    raise RuntimeError("could not allocate a case number")
