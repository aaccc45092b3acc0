"""Issue 17 item 3: least privilege in the CMS, and every account, role and permission change audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from besponsa.accounts.audit import current_request
from besponsa.accounts.models import AuditEvent
from besponsa.accounts.roles import ADMINISTRATORS, MEDICAL_REVIEWERS

from .conftest import make_hcp, make_staff, pass_gate, pass_two_factor, sign_in

pytestmark = pytest.mark.django_db


@contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """What a CMS request by `user` looks like to the model layer."""
    request = RequestFactory().post("/cms/")
    request.user = user
    token = current_request.set(request)
    try:
        yield
    finally:
        current_request.reset(token)


def cms_client(user: User) -> Client:
    client = pass_gate(Client())
    sign_in(client, user)
    pass_two_factor(client, user)
    return client


def test_an_administrator_cannot_make_anyone_a_superuser_through_the_cms() -> None:
    admin = make_staff(ADMINISTRATORS)
    target = make_staff(MEDICAL_REVIEWERS, "colleague@staff.example.org")
    client = cms_client(admin)
    data = {
        "username": target.username, "email": target.email, "first_name": "Col", "last_name": "League",
        "is_active": "on", "is_superuser": "on", "groups": [str(g.pk) for g in target.groups.all()],
        "password1": "", "password2": "",
    }  # fmt: skip
    client.post(reverse("wagtailusers_users:edit", args=[target.pk]), data)
    # Refused (Wagtail turns the refusal into "no permission" and a redirect): nothing changed.
    assert not User.objects.get(pk=target.pk).is_superuser
    assert AuditEvent.objects.filter(kind="role_change", detail="is_superuser granted").count() == 0


def test_an_administrator_cannot_escalate_by_groups_or_group_permissions() -> None:
    admin = make_staff(ADMINISTRATORS)
    other = make_staff(MEDICAL_REVIEWERS, "m2@staff.example.org")
    publish = Permission.objects.get(codename="publish_safetyinformation")
    with acting_as(admin):
        with pytest.raises(PermissionDenied), transaction.atomic():
            admin.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))  # their own roles
        with pytest.raises(PermissionDenied), transaction.atomic():
            other.groups.add(Group.objects.get(name=ADMINISTRATORS))  # a new administrator
        with pytest.raises(PermissionDenied), transaction.atomic():
            Group.objects.get(name=ADMINISTRATORS).permissions.add(publish)
        with pytest.raises(PermissionDenied), transaction.atomic():
            GroupPagePermission.objects.create(
                group=Group.objects.get(name=ADMINISTRATORS),
                page=Page.get_first_root_node(),
                permission=Permission.objects.get(codename="publish_page"),
            )
        with pytest.raises(PermissionDenied), transaction.atomic():
            Group.objects.create(name="Everything")
        # Their job still works: putting another person in a reviewer role.
        make_hcp_staff = make_staff(MEDICAL_REVIEWERS, "m3@staff.example.org")
        make_hcp_staff.groups.remove(Group.objects.get(name=MEDICAL_REVIEWERS))
    assert not Group.objects.get(name=ADMINISTRATORS).permissions.filter(pk=publish.pk).exists()
    assert not Group.objects.filter(name="Everything").exists()


def test_a_superuser_may_and_every_change_is_audited() -> None:
    boss = User.objects.create_superuser("boss@staff.example.org", "boss@staff.example.org", "x" * 20)
    target = make_staff(MEDICAL_REVIEWERS, "t@staff.example.org")
    publish = Permission.objects.get(codename="publish_safetyinformation")
    with acting_as(boss):
        target.is_superuser = True
        target.save()
        Group.objects.get(name=MEDICAL_REVIEWERS).permissions.add(publish)
        target.is_active = False
        target.save()
        newcomer = User.objects.create_user("new@staff.example.org", "new@staff.example.org", "y" * 20)
        newcomer.delete()
    events = {(e.kind, e.detail, e.actor_id) for e in AuditEvent.objects.all()}
    assert ("role_change", "is_superuser granted", boss.pk) in events
    assert ("permission_change", "Medical reviewers: granted publish_safetyinformation", boss.pk) in events
    assert ("account_deactivated", "", boss.pk) in events
    assert ("account_created", "by an administrator", boss.pk) in events
    assert ("account_deleted", "by an administrator", boss.pk) in events


def test_an_hcp_registering_is_not_double_counted() -> None:
    user = make_hcp()  # created by a fixture outside any request: the operator's own command
    assert AuditEvent.objects.filter(kind="account_created", user_id=user.pk).count() == 1
    assert not AuditEvent.objects.filter(kind="account_created", actor_id__isnull=False).exists()


def test_a_publish_outside_the_workflow_is_refused_even_for_a_superuser() -> None:
    from besponsa.accounts.wagtail_hooks import refuse_direct_page_publish, refuse_direct_snippet_publish
    from besponsa.portal.models import SafetyInformation

    boss = User.objects.create_superuser("boss@staff.example.org", "boss@staff.example.org", "x" * 20)
    request = RequestFactory().post("/cms/pages/3/edit/")
    request.user = boss
    request.session = {}  # type: ignore[assignment]
    request._messages = type("M", (), {"add": lambda *a, **k: None})()  # type: ignore[attr-defined]
    page = Page.get_first_root_node()
    assert refuse_direct_page_publish(request, page).status_code == 302
    isi = SafetyInformation(pk=1, job_code="PP-INO-USA-0001")
    assert refuse_direct_snippet_publish(request, isi) is not None
    assert AuditEvent.objects.filter(kind="publish_refused", user_id=boss.pk).count() == 2
