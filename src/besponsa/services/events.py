"""Event registration: capacity, the waitlist and its promotion, reminders, the calendar file.

Every change of a registration happens in one transaction that first locks the event's row
(`select_for_update`; on SQLite the IMMEDIATE transaction mode takes the database write lock), so two
HCPs registering for the last seat, or a cancellation racing a registration, are served one after the
other: the count of confirmed seats never passes the capacity, and a freed seat goes to exactly one
person, the first on the waitlist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page

from besponsa.accounts.access import hcp_profile
from besponsa.compliance.rules import serving_problem
from besponsa.services import tasks
from besponsa.services.models import EventPage, Registration
from besponsa.tools.ics import _escape, ics_file, utc_stamp

PRODID = "-//BESPONSA HCP//Events//EN"
REMINDER_BEFORE = dt.timedelta(hours=24)


def upcoming(index: Page, now: dt.datetime | None = None) -> list[EventPage]:
    """Live, servable events that have not started yet, soonest first."""
    now = now or timezone.now()
    events = EventPage.objects.child_of(index).live().filter(starts_at__gt=now).order_by("starts_at", "pk")
    return [event for event in events if serving_problem(event) is None]


def is_open(event: EventPage, now: dt.datetime | None = None) -> bool:
    return event.live and event.starts_at > (now or timezone.now()) and serving_problem(event) is None


def confirmed_count(event: EventPage) -> int:
    return Registration.objects.filter(event=event, status=Registration.CONFIRMED).count()


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    changed: bool


def register(user: Any, event_id: int) -> Outcome:
    """Registers a verified HCP: a seat if one is free, otherwise the end of the waitlist."""
    profile = hcp_profile(user)
    assert profile is not None, "only verified HCPs register"
    with transaction.atomic():
        event = EventPage.objects.select_for_update().get(pk=event_id)
        existing = Registration.objects.filter(event=event, user=user).first()
        if existing is not None and existing.status != Registration.CANCELLED:
            return Outcome(existing, changed=False)
        seat = confirmed_count(event) < event.capacity
        status = Registration.CONFIRMED if seat else Registration.WAITLISTED
        registration = existing or Registration(event=event, user=user)
        registration.status = status
        registration.npi = profile.npi
        registration.license_state = profile.license_state
        registration.queued_at = timezone.now()
        registration.reminded_at = None
        registration.save()
        tasks.after_commit_registration(registration.pk, status)
    return Outcome(registration, changed=True)


def cancel(user: Any, event_id: int) -> Registration | None:
    """Cancels the HCP's registration; a freed seat goes to the first person on the waitlist."""
    with transaction.atomic():
        event = EventPage.objects.select_for_update().get(pk=event_id)
        registration = (
            Registration.objects.filter(event=event, user=user).exclude(status=Registration.CANCELLED).first()
        )
        if registration is None:
            return None
        had_seat = registration.status == Registration.CONFIRMED
        registration.status = Registration.CANCELLED
        registration.save(update_fields=["status"])
        tasks.after_commit_registration(registration.pk, Registration.CANCELLED)
        if had_seat:
            promote(event)
    return registration


def promote(event: EventPage) -> list[Registration]:
    """Fills free seats from the waitlist, first come first served. Call with the event row locked."""
    free = event.capacity - confirmed_count(event)
    promoted = list(
        Registration.objects.filter(event=event, status=Registration.WAITLISTED).order_by("queued_at", "pk")[
            : max(free, 0)
        ]
    )
    for registration in promoted:
        registration.status = Registration.CONFIRMED
        registration.save(update_fields=["status"])
        tasks.after_commit_registration(registration.pk, "promoted")
    return promoted


def due_reminders(now: dt.datetime | None = None) -> list[int]:
    """Confirmed registrations for events starting within the next 24 hours that have no reminder yet."""
    now = now or timezone.now()
    return list(
        Registration.objects.filter(
            status=Registration.CONFIRMED,
            reminded_at__isnull=True,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_BEFORE,
        ).values_list("pk", flat=True)
    )


def local_times(event: EventPage) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(event.time_zone)
    return event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)


def calendar(event: EventPage, *, now: dt.datetime | None = None) -> str:
    """A one-event iCalendar file (RFC 5545), times in UTC; the UID is stable so updates replace it."""

    where = event.venue if event.kind == EventPage.SPEAKER_PROGRAM else event.join_url
    uid = hashlib.sha256(f"event-{event.pk}".encode()).hexdigest()[:24]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}@besponsa-hcp",
        f"DTSTAMP:{utc_stamp(now or timezone.now())}",
        f"DTSTART:{utc_stamp(event.starts_at)}",
        f"DTEND:{utc_stamp(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}",
        f"LOCATION:{_escape(where)}",
        f"DESCRIPTION:{_escape(f'Speaker: {event.speaker}. Job code {event.job_code}.')}",
        "END:VEVENT",
    ]
    return ics_file(PRODID, lines)
