"""What the signed-in write paths need, made once per site in its own database (`manage.py shell`):
verified HCPs with sessions, an open event, a Medical reviewer with a two-factor-verified CMS session,
and pages waiting at the Medical step of the MLR review. Printed as one JSON line for `load.py`.

Sessions are made the way Django's test client signs in (`force_login`), so no password is hashed per
write and no sign-in throttle is involved: the writes under test are the orders, referrals,
registrations and approvals themselves.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Site, TaskState

from besponsa.accounts.models import HcpProfile
from besponsa.compliance import setup
from besponsa.portal.models import ContentPage
from besponsa.services.models import EventIndexPage, EventPage, MaterialPage

BACKEND = "besponsa.accounts.backends.EmailBackend"


def _session(user: User, **extra: Any) -> str:
    client = Client()
    client.force_login(user, backend=BACKEND)
    if extra:
        session = client.session
        session.update(extra)
        session.save()
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def _hcp(n: int) -> User:
    email = f"fixture-hcp-{n}@example.org"
    user = User.objects.create_user(username=email, email=email, password=None, first_name="Chaos")
    HcpProfile.objects.create(
        user=user, profession="physician", specialty="Hematology", npi="1234567893",
        npi_checked_by="check-digit", license_state="NY", license_number=f"H{n}",
        terms_accepted_at=timezone.now(), email_verified_at=timezone.now(),
    )  # fmt: skip
    return user


def _event() -> EventPage:
    index = EventIndexPage.objects.get()
    starts = timezone.now() + dt.timedelta(days=30)
    event = EventPage(
        title="Chaos speaker program", slug="chaos-speaker-program", summary="For the fault-injection suite.",
        job_code="PP-INO-USA-0899", kind=EventPage.SPEAKER_PROGRAM, starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2), time_zone="America/Chicago", venue="Chicago, IL",
        capacity=20, speaker="Dr Jane Doe, MD", agenda="6:30 pm Welcome", live=False,
    )  # fmt: skip
    index.add_child(instance=event)
    event.save_revision().publish()  # no user: the system approval, as for seeded pages
    return event


def _pages_in_review(count: int, editor: User) -> list[list[int]]:
    """Draft pages submitted to the MLR review by `editor`: [page id, Medical task-state id] each."""
    home = Site.objects.get(is_default_site=True).root_page
    waiting = []
    for n in range(count):
        page = ContentPage(
            title=f"Chaos page {n}", slug=f"chaos-page-{n}", summary="Waiting for Medical review.",
            job_code=f"PP-INO-USA-9{n:03d}", live=False,
        )  # fmt: skip
        home.add_child(instance=page)
        page.save_revision(user=editor)
        workflow = page.get_workflow()
        assert workflow is not None, "the MLR workflow is assigned to every page"
        state = workflow.start(page, editor)
        task_state = TaskState.objects.get(workflow_state=state, status=TaskState.STATUS_IN_PROGRESS)
        waiting.append([page.pk, task_state.pk])
    return waiting


def main(hcps: int = 8, event_hcps: int = 80, pages: int = 30) -> None:
    ordering = [_hcp(n) for n in range(hcps)]
    registering = [_hcp(hcps + n) for n in range(event_hcps)]
    editor = User.objects.create_user("fixture-editor", email="fixture-editor@example.org", password=None)
    editor.groups.add(Group.objects.get(name=setup.CONTENT_EDITORS))
    reviewer = User.objects.create_user("fixture-medical", email="fixture-medical@example.org", password=None)
    reviewer.groups.add(Group.objects.get(name=setup.MEDICAL))
    device = TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)
    materials = MaterialPage.objects.live().filter(printable=True).order_by("pk")
    print(  # noqa: T201 - the one line `Site.query` reads
        json.dumps(
            {
                "hcp_sessions": [_session(user) for user in ordering],
                "event": _event().pk,
                "event_sessions": [[user.pk, _session(user)] for user in registering],
                "materials": list(materials.values_list("pk", flat=True)[:2]),
                "reviewer_session": _session(reviewer, **{DEVICE_ID_SESSION_KEY: device.persistent_id}),
                "pages": _pages_in_review(pages, editor),
            }
        )
    )
