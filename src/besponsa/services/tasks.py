"""Emails sent by the background worker (the durable "outbox" backend of django-tasks).

With the durable outbox (django-tasks-db) the task row is written in the same transaction as the order,
referral or registration it is about: both commit or neither does, so a crash right after the commit
cannot leave a record whose email is never sent (issue 17: `make chaos` reads back both). With a backend
that runs tasks at once (the test profile), the task runs after the commit, so nothing is ever sent
about a record that was rolled back. Each task reads the database again: the arguments are ids, never
personal data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks_db import DatabaseBackend

from besponsa.services.models import EmailPreferences, Order, Registration, SupportReferral


def _site_link(path: str) -> str:
    return str(settings.WAGTAILADMIN_BASE_URL).rstrip("/") + path


@task(backend="outbox")
def send_order_confirmation(order_id: int) -> None:
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None or order.confirmation_sent_at is not None:
        return  # deleted since, or already sent by an earlier attempt
    body = render_to_string(
        "services/email/order_confirmation.txt",
        {"order": order, "link": _site_link(reverse("services:order", args=[order.pk]))},
    )
    send_mail(f"Your BESPONSA materials order {order.reference}", body, None, [order.user.email])
    Order.objects.filter(pk=order.pk).update(confirmation_sent_at=timezone.now())


@task(backend="outbox")
def send_order_status(order_id: int) -> None:
    order = Order.objects.select_related("user").filter(pk=order_id).first()
    if order is None or not EmailPreferences.for_user(order.user).order_updates:
        return
    body = render_to_string(
        "services/email/order_status.txt",
        {"order": order, "link": _site_link(reverse("services:order", args=[order.pk]))},
    )
    send_mail(
        f"Your BESPONSA materials order {order.reference}: {order.get_status_display().lower()}",
        body,
        None,
        [order.user.email],
    )


@task(backend="outbox")
def send_referral_acknowledgment(referral_id: int) -> None:
    """Tells the office (and the HCP who sent the request, if another address) that the request reached
    the patient-support team, and when it asked to be called."""
    referral = SupportReferral.objects.select_related("user").filter(pk=referral_id).first()
    if referral is None or referral.acknowledged_at is not None:
        return
    body = render_to_string("services/email/referral_acknowledgment.txt", {"referral": referral})
    recipients = list(dict.fromkeys([referral.email, referral.user.email]))
    send_mail(f"Your patient-support request {referral.reference}", body, None, recipients)
    SupportReferral.objects.filter(pk=referral.pk).update(acknowledged_at=timezone.now())


def _with_the_record(work: Any, *args: Any) -> None:
    """Enqueues `work` with the caller's transaction (see the module docstring)."""
    if isinstance(work.get_backend(), DatabaseBackend):
        work.enqueue(*args)  # the task row joins the open transaction
    else:
        transaction.on_commit(lambda: work.enqueue(*args))


def after_commit_acknowledge(referral_id: int) -> None:
    _with_the_record(send_referral_acknowledgment, referral_id)


REGISTRATION_SUBJECTS = {
    Registration.CONFIRMED: "You are registered",
    "promoted": "A seat opened: you are registered",
    Registration.WAITLISTED: "You are on the waitlist",
    Registration.CANCELLED: "Your registration is cancelled",
    "reminder": "Reminder: starting soon",
}


@task(backend="outbox")
def send_registration_email(registration_id: int, kind: str) -> None:
    """Confirmation (also after promotion from the waitlist), waitlist notice, cancellation or reminder;
    a registered attendee's email carries the event as an .ics file."""
    from besponsa.services.events import calendar, local_times

    registration = Registration.objects.select_related("user", "event").filter(pk=registration_id).first()
    if registration is None or kind not in REGISTRATION_SUBJECTS:
        return
    if kind == "reminder" and (
        registration.reminded_at is not None
        or not EmailPreferences.for_user(registration.user).event_reminders
    ):
        return
    event = registration.event
    starts, ends = local_times(event)
    body = render_to_string(
        "services/email/registration.txt",
        {
            "registration": registration,
            "event": event,
            "kind": kind,
            "starts": starts,
            "ends": ends,
            "link": _site_link(event.url or "/"),
        },
    )
    message = EmailMessage(
        f"{REGISTRATION_SUBJECTS[kind]}: {event.title}", body, None, [registration.user.email]
    )
    if kind in {Registration.CONFIRMED, "promoted", "reminder"}:
        message.attach(f"besponsa-event-{event.pk}.ics", calendar(event), "text/calendar")
    message.send()
    if kind == "reminder":
        Registration.objects.filter(pk=registration.pk).update(reminded_at=timezone.now())


def after_commit_registration(registration_id: int, kind: str) -> None:
    _with_the_record(send_registration_email, registration_id, kind)


def after_commit_confirm(order_id: int) -> None:
    _with_the_record(send_order_confirmation, order_id)


def after_commit_status(order_id: int) -> None:
    _with_the_record(send_order_status, order_id)
