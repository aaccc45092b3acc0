"""The durable outbox: emails the safety and Medical Information teams are owed for each new case.

A Notification row is written in the same transaction as its case, so a committed case always has its
notification. After the commit, `deliver_notification` is enqueued on the durable "outbox" task backend
(django-tasks-db; run by `manage.py db_worker --backend outbox`). Delivery claims the row with a
conditional UPDATE (so two workers never send the same row at once), sends outside any transaction, then
marks it sent. A failure records the exception's class name and schedules a retry with a growing delay;
`sweep()` re-enqueues anything due that was never enqueued (a crash between commit and enqueue).

The email says only "new report N" and where to open it: nothing clinical, no reporter details.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from besponsa.intake.models import Notification

logger = logging.getLogger("besponsa.intake")

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 300  # a worker killed mid-send releases its claim after this long


def backoff_seconds(attempts: int) -> int:
    """Delay before the next try after `attempts` failures: 30 s, 1, 2, 4 … minutes, at most an hour."""
    return int(
        min(3600, 30 * 2 ** max(0, attempts - 1)) * float(getattr(settings, "INTAKE_RETRY_SCALE", 1.0))
    )


SUBJECTS = {
    "ae-new": "New adverse event report {case}",
    "mi-new": "New Medical Information request {case}",
}
QUEUE_VIEWS = {"ae-new": "intake_safety_list", "mi-new": "intake_mi_list"}


def create_for_case(kind: str, case_number: str, recipient: str) -> Notification:
    """Call inside the transaction that creates the case."""
    return Notification.objects.create(
        key=f"{kind}:{case_number}:{recipient}", case_number=case_number, recipient=recipient
    )


def enqueue_after_commit(notification_id: int) -> None:
    transaction.on_commit(lambda: _enqueue(notification_id))


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    try:
        if run_after is not None and deliver_notification.get_backend().supports_defer:
            deliver_notification.using(run_after=run_after).enqueue(notification_id)
        elif run_after is None:
            deliver_notification.enqueue(notification_id)
        # else: an immediate backend cannot wait; sweep() retries when the row is due.
    except Exception as error:  # the row is durable: sweep() will enqueue it again
        logger.warning("outbox: notification %s not enqueued (%s)", notification_id, type(error).__name__)


def _message(notification: Notification) -> EmailMessage:
    kind = notification.key.split(":", 1)[0]
    case = notification.case_number
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(QUEUE_VIEWS[kind])
    body = (
        f"{SUBJECTS[kind].format(case=case)} has been received through the BESPONSA HCP site.\n\n"
        f"Open the queue to read it (sign-in and two-factor code required):\n{link}\n\n"
        "This email deliberately holds no patient, event or reporter details.\n"
    )
    domain = (
        settings.WAGTAILADMIN_BASE_URL.split("//", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    )
    message_id = "<" + notification.key.replace(":", ".").replace("@", "-at-") + f"@{domain}>"
    return EmailMessage(
        subject=SUBJECTS[kind].format(case=case),
        body=body,
        to=[notification.recipient],
        headers={"Message-ID": message_id, "X-Idempotency-Key": notification.key},
    )


class DeliveryFailed(RuntimeError):
    """Raised after a failed attempt (the retry is already scheduled), so the task result shows it."""


def deliver(notification_id: int) -> str:
    now = timezone.now()
    claimed = Notification.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=notification_id, sent_at__isnull=True
    ).update(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS), attempts=F("attempts") + 1)
    if not claimed:
        return "already sent or being sent"
    notification = Notification.objects.get(pk=notification_id)
    try:
        _message(notification).send(fail_silently=False)
    except Exception as error:
        wait = dt.timedelta(seconds=backoff_seconds(notification.attempts))
        next_at = timezone.now() + wait
        Notification.objects.filter(pk=notification_id).update(
            claimed_until=None, last_error=type(error).__name__[:120], next_attempt_at=next_at
        )
        if notification.attempts < MAX_ATTEMPTS:
            _enqueue(notification_id, run_after=next_at)
        logger.warning(
            "outbox: %s attempt %s failed (%s)", notification.key, notification.attempts, type(error).__name__
        )
        raise DeliveryFailed(f"{notification.key}: attempt {notification.attempts} failed") from None
    Notification.objects.filter(pk=notification_id).update(
        sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return "sent"


@task(backend="outbox")
def deliver_notification(notification_id: int) -> str:
    return deliver(notification_id)


def pending() -> list[int]:
    now = timezone.now()
    return list(
        Notification.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .values_list("pk", flat=True)
    )


def sweep() -> int:
    """Enqueue every notification that is due and unsent; returns how many. Safe to run at any time:
    a row already enqueued is claimed by one delivery only."""
    ids = pending()
    for notification_id in ids:
        _enqueue(notification_id)
    return len(ids)
