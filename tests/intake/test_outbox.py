"""Item 3: notifications go through the durable outbox; a failing email never loses or duplicates a case."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from besponsa.intake import outbox
from besponsa.intake.models import AdverseEventReport, Notification

from .conftest import COMPLETE_REPORT, post_form
from .flaky_mail import FlakyBackend

AE = "/report-adverse-event/"
FLAKY = "tests.intake.flaky_mail.FlakyBackend"


@pytest.mark.django_db
def test_a_failed_email_is_retried_once_it_works_and_never_sent_twice(
    gated: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset(failures=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(gated, AE, COMPLETE_REPORT)
    assert response.status_code == 200  # the reporter is acknowledged although the email failed
    report = AdverseEventReport.objects.get()
    notification = Notification.objects.get()
    assert notification.case_number == report.case_number
    assert notification.sent_at is None and notification.attempts == 1
    assert notification.last_error == "SMTPServerDisconnected"
    assert FlakyBackend.sent == []

    assert outbox.sweep() == 1  # the retry (immediate backend: run at once) succeeds
    assert outbox.sweep() == 0  # nothing left to do
    assert outbox.deliver(notification.pk) == "already sent or being sent"
    (message,) = FlakyBackend.sent
    assert message.subject == f"New adverse event report {report.case_number}"
    assert message.extra_headers["X-Idempotency-Key"] == f"ae-new:{report.case_number}:drug-safety@localhost"
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.attempts == 2
    assert AdverseEventReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_database_outbox_run_by_the_worker_retries_until_delivered(client: Client, settings: Any) -> None:
    settings.EMAIL_BACKEND = FLAKY
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "outbox": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    FlakyBackend.reset(failures=2)
    client.post("/hcp-confirm/", {"answer": "yes", "next": "/"})
    response = post_form(client, AE, COMPLETE_REPORT)
    assert response.status_code == 200
    report = AdverseEventReport.objects.get()
    # Committed: the case, its notification and the queued task; nothing sent before the worker runs.
    assert DBTaskResult.objects.filter(backend_name="outbox", status="READY").count() == 1
    assert FlakyBackend.sent == []

    call_command("db_worker", "--backend", "outbox", "--batch", "--no-startup-delay", verbosity=0)

    (message,) = FlakyBackend.sent
    assert report.case_number in message.subject
    notification = Notification.objects.get()
    assert notification.sent_at is not None and notification.attempts == 3
    statuses = sorted(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["FAILED", "FAILED", "SUCCESSFUL"]

    # A second task for a notification already delivered (the sweep re-enqueuing it, say) sends nothing.
    outbox.deliver_notification.enqueue(notification.pk)
    call_command("db_worker", "--backend", "outbox", "--batch", "--no-startup-delay", verbosity=0)
    assert len(FlakyBackend.sent) == 1
    assert AdverseEventReport.objects.count() == 1
