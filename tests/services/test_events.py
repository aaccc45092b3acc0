"""Events: registration for verified HCPs, capacity and the waitlist, emails with .ics through the outbox,
reminders, the attendee export, and past events leaving the listing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from besponsa.accounts import roles
from besponsa.services import events
from besponsa.services.models import EventIndexPage, EventPage, Registration

from .conftest import body, client_for, make_hcp

pytestmark = pytest.mark.django_db


def make_event(
    *, code: str = "PP-INO-USA-0811", starts_in: dt.timedelta = dt.timedelta(days=7), **fields: Any
) -> EventPage:
    index = EventIndexPage.objects.get()
    starts = timezone.now() + starts_in
    values = {
        "title": "Managing VOD risk with BESPONSA",
        "slug": f"event-{code[-4:]}",
        "summary": "A dinner program for hematologists.",
        "job_code": code,
        "kind": EventPage.SPEAKER_PROGRAM,
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "time_zone": "America/Chicago",
        "venue": "The Drake, 140 E Walton Pl, Chicago, IL 60611",
        "capacity": 2,
        "speaker": "Dr Jane Doe, MD, Example Cancer Center",
        "agenda": "6:30 pm Welcome\n7:00 pm Presentation; questions",
        **fields,
    }
    event = EventPage(live=False, **values)
    index.add_child(instance=event)
    event.save_revision().publish()  # no user: the system approval, as for seeded pages
    event.refresh_from_db()
    return event


def hcp_client(email: str) -> Client:
    client = client_for("anonymous")
    client.force_login(make_hcp(email), backend="besponsa.accounts.backends.EmailBackend")
    return client


@pytest.fixture
def event(seeded_pages: None) -> EventPage:
    return make_event()


@pytest.fixture
def seeded_pages(seeded_site: None) -> None:
    """The seeded site (tests/conftest.py `seeded_site`)."""


def test_signed_out_and_unverified_hcps_cannot_register(event: EventPage) -> None:
    response = client_for("anonymous").post(f"/events/{event.pk}/register/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client_for("unverified").post(f"/events/{event.pk}/register/").status_code == 403
    assert "Sign in</a> or" in body(client_for("anonymous").get(event.url))
    assert not Registration.objects.exists()


def test_a_verified_hcp_registers_with_npi_and_state_and_gets_the_ics(
    event: EventPage, verified: Client
) -> None:
    page = body(verified.get(event.url))
    assert "2 seats left" in page and "Central time" in page and "7:00 pm Presentation; questions" in page
    assert verified.post(f"/events/{event.pk}/register/").status_code == 302
    registration = Registration.objects.get()
    assert registration.status == Registration.CONFIRMED
    assert (registration.npi, registration.license_state) == ("1234567893", "NY")
    (email,) = mail.outbox
    assert email.subject.startswith("You are registered") and event.venue in email.body
    ((name, ics, mimetype),) = email.attachments
    assert mimetype == "text/calendar" and name.endswith(".ics")
    start = event.starts_at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}\r\n" in ics and "SUMMARY:Managing VOD risk with BESPONSA\r\n" in ics
    assert "You are registered." in body(verified.get(event.url))
    verified.post(f"/events/{event.pk}/register/")  # twice is still one registration, one email
    assert Registration.objects.count() == 1 and len(mail.outbox) == 1


def test_a_full_event_waitlists_and_a_cancellation_promotes_the_first_in_line(event: EventPage) -> None:
    clients = {name: hcp_client(f"{name}@example.org") for name in ("a", "b", "c", "d")}
    for name in "abcd":
        clients[name].post(f"/events/{event.pk}/register/")
    status = dict(Registration.objects.values_list("user__email", "status"))
    assert status == {
        "a@example.org": "confirmed", "b@example.org": "confirmed",
        "c@example.org": "waitlisted", "d@example.org": "waitlisted",
    }  # fmt: skip
    assert "you can join the waitlist" in body(hcp_client("e@example.org").get(event.url))
    mail.outbox.clear()
    clients["a"].post(f"/events/{event.pk}/cancel/")
    status = dict(Registration.objects.values_list("user__email", "status"))
    assert status["a@example.org"] == "cancelled" and status["c@example.org"] == "confirmed"
    assert status["d@example.org"] == "waitlisted"
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["a@example.org"].startswith("Your registration is cancelled")
    assert subjects["c@example.org"].startswith("A seat opened")
    assert next(m for m in mail.outbox if m.to == ["c@example.org"]).attachments
    # A waitlisted HCP cancelling frees no seat; re-registering joins the end of the line.
    clients["d"].post(f"/events/{event.pk}/cancel/")
    clients["a"].post(f"/events/{event.pk}/register/")
    assert Registration.objects.get(user__email="a@example.org").status == "waitlisted"
    assert Registration.objects.filter(event=event, status="confirmed").count() == event.capacity


def test_seats_never_exceed_capacity_whatever_the_order_of_requests(event: EventPage) -> None:
    users = [make_hcp(f"hcp{i}@example.org") for i in range(6)]
    for user in users:
        events.register(user, event.pk)
    for user in users[:3]:
        events.cancel(user, event.pk)
        assert Registration.objects.filter(event=event, status="confirmed").count() <= event.capacity
    confirmed = list(
        Registration.objects.filter(event=event, status="confirmed").values_list("user__email", flat=True)
    )
    assert sorted(confirmed) == ["hcp3@example.org", "hcp4@example.org"]


def test_past_events_leave_the_listing_and_close_registration(seeded_pages: None, verified: Client) -> None:
    soon = make_event(starts_in=dt.timedelta(hours=1))
    past = make_event(code="PP-INO-USA-0812", starts_in=-dt.timedelta(hours=1), title="Yesterday's webinar",
                      kind=EventPage.WEBINAR, venue="", join_url="https://example.org/webinar")  # fmt: skip
    listing = body(client_for("anonymous").get("/support/events/"))
    assert soon.title in listing and past.title not in listing
    index = EventIndexPage.objects.get()
    assert events.upcoming(index, now=soon.starts_at + dt.timedelta(minutes=1)) == []
    assert verified.post(f"/events/{past.pk}/register/").status_code == 302
    assert not Registration.objects.filter(event=past).exists()
    assert "Registration is closed." in body(verified.get(past.url))


def test_reminders_go_once_to_confirmed_attendees_of_events_within_24_hours(seeded_pages: None) -> None:
    soon = make_event(starts_in=dt.timedelta(hours=3))
    later = make_event(code="PP-INO-USA-0813", starts_in=dt.timedelta(days=3), title="Later")
    a, b = make_hcp("a@example.org"), make_hcp("b@example.org")
    events.register(a, soon.pk)
    events.register(b, later.pk)
    mail.outbox.clear()
    call_command("send_event_reminders", verbosity=0)
    (reminder,) = mail.outbox
    assert reminder.to == ["a@example.org"] and reminder.subject.startswith("Reminder")
    assert reminder.attachments
    call_command("send_event_reminders", verbosity=0)
    assert len(mail.outbox) == 1


def test_a_webinar_needs_its_link_and_shows_it_only_to_attendees(
    seeded_pages: None, verified: Client
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Webinar link"):
        EventPage(kind=EventPage.WEBINAR, venue="", join_url="", starts_at=timezone.now(),
                  ends_at=timezone.now() + dt.timedelta(hours=1)).clean()  # fmt: skip
    webinar = make_event(kind=EventPage.WEBINAR, venue="", join_url="https://example.org/join-here")
    assert "join-here" not in body(client_for("anonymous").get(webinar.url))
    verified.post(f"/events/{webinar.pk}/register/")
    assert "join-here" in body(verified.get(webinar.url))


def test_the_attendee_export_has_npi_and_state_and_is_for_the_fulfillment_group(
    event: EventPage, fulfillment: Client
) -> None:
    user = make_hcp("=cmd@example.org", first_name="=SUM(A1)")
    events.register(user, event.pk)
    for role in ("verified", roles.CONTENT_EDITORS):
        response = client_for(role).get(f"/cms/events/{event.pk}/attendees.csv")
        assert response.status_code in {302, 403} and "1234567893" not in body(response)
    assert event.title in body(fulfillment.get("/cms/events/"))
    rows = list(csv.DictReader(io.StringIO(body(fulfillment.get(f"/cms/events/{event.pk}/attendees.csv")))))
    assert len(rows) == 1
    assert rows[0]["npi"] == "1234567893" and rows[0]["license_state"] == "NY"
    assert rows[0]["first_name"] == "'=SUM(A1)" and rows[0]["email"] == "'=cmd@example.org"
    assert User.objects.filter(email="=cmd@example.org").exists()
