"""One walk over every URL of the site, the API and the CMS as every role, asserting who gets in.

Roles: anonymous, unverified HCP, verified HCP, staff who have not passed 2FA this session, and each
staff role after 2FA. URLs: every pattern of the URL resolver (path converters filled in), every live
Wagtail page, and every /api/v1/ endpoint (POSTed its documented example). The rules:

- anonymous never reaches /cms/ (sent to our sign-in page); HCPs never reach it (403); staff reach it
  only after 2FA; admin-only CMS views (users, groups, audit log) open for Administrators only;
- /accounts/ pages answer each role as the access rules in docs/accounts.md say;
- everything else (content pages, tools, API) answers every role exactly as it answers anonymous, and
  nothing answers 5xx;
- a reviewer may act only on the MLR step of their own discipline (Medical, Legal, Regulatory).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.models import Page

from besponsa.accounts import roles
from besponsa.clinical.operations import EXAMPLES

from .conftest import make_hcp, make_staff, pass_gate

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.heavy]

STAFF_ROLES = roles.STAFF_ROLES
ROLES = ("anonymous", "unverified HCP", "verified HCP", "staff before 2FA", *STAFF_ROLES)
HCP_ROLES = {"unverified HCP", "verified HCP"}

# CMS views that need more than access to the CMS, and the role that has it.
ADMIN_ONLY_CMS = ("/cms/users/", "/cms/groups/", "/cms/audit-log/")
STAFF_CMS_SAMPLE = ("/cms/", "/cms/pages/", "/cms/snippets/", "/cms/account/", *ADMIN_ONLY_CMS)

CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def _fill(route: str) -> str | None:
    """A concrete path for a route: converters filled in; regex routes (Wagtail's page catch-all,
    document serving) are left out: the pages are visited from the page tree instead."""
    if "^" in route or "(" in route:
        return None
    return "/" + CONVERTER.sub(lambda m: "1" if m.group("kind") == "int" else "x", route)


def resolver_paths() -> list[str]:
    paths = {filled for route in _walk(get_resolver().url_patterns) if (filled := _fill(route))}
    return sorted(paths)


def _client_for(role: str) -> Client:
    client = pass_gate(Client())
    if role == "anonymous":
        return client
    if role in HCP_ROLES:
        user = make_hcp(f"{role.split()[0]}@example.org", verified=role == "verified HCP")
    elif role == "staff before 2FA":
        user = make_staff(roles.CONTENT_EDITORS, "no-2fa@staff.example.org")
    else:
        user = make_staff(role)
    client.force_login(user, backend="besponsa.accounts.backends.EmailBackend")
    if role in STAFF_ROLES:
        # The state a successful /accounts/2fa/ leaves in the session (tested in test_staff.py).
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    return client


def accounts_expectation(path: str, role: str) -> set[int]:
    signed_in = role != "anonymous"
    is_staff = role not in HCP_ROLES and signed_in
    login_required = {
        "/accounts/password/change/",
        "/accounts/password/change/done/",
        "/accounts/profile/",
        "/accounts/tokens/",
        "/accounts/delete/",
        "/accounts/2fa/",
        "/accounts/2fa/setup/",
        "/accounts/verify/resend/",
        "/accounts/tokens/1/revoke/",
        "/accounts/email/",
    }
    if path in login_required and not signed_in:
        return {302}
    table: dict[str, set[int]] = {
        "/accounts/register/": {302} if signed_in else {200},
        "/accounts/login/": {302} if signed_in else {200},
        "/accounts/logout/": {405},
        "/accounts/verify/resend/": {405},
        "/accounts/verify/x/": {400},
        "/accounts/email/confirm/x/": {400},
        "/accounts/reset/x/x/": {200},  # "this link has expired" page
        "/accounts/tokens/": {200} if role == "verified HCP" else {403},
        "/accounts/tokens/1/revoke/": {405} if role == "verified HCP" else {403},
        "/accounts/delete/": {403} if is_staff else {200},
        "/accounts/2fa/": {200} if is_staff else {403},
        "/accounts/2fa/setup/": {302} if is_staff else {403},
    }
    return table.get(path, {200})


# Savings & Support (docs/services.md): print orders are for verified HCPs; everyone else is sent to sign
# in (anonymous) or told to confirm their address / that the feature is for HCPs (403). Path ids are 1,
# which is nobody's order (404) and no material (404).
SERVICES_HCP_ONLY = {
    "/materials/order/": 200,
    "/materials/order/checkout/": 302,  # an empty order goes back to the cart
    "/materials/orders/": 200,
    "/materials/orders/1/": 404,
    "/support-referral/": 200,
    "/support-referral/1/sent/": 404,
    "/events/1/register/": 405,  # POST only
    "/events/1/cancel/": 405,
    "/account/": 200,
    "/account/export.json": 200,
    "/account/saved/": 405,
    "/account/saved/1/delete/": 405,
    "/account/preferences/": 405,
    "/account/delete-data/": 405,
}
# The fulfillment, support-call and event-attendee views in the CMS: the Fulfillment operations group only.
SERVICES_CMS = ("/cms/fulfillment/", "/cms/fulfillment/orders.csv", "/cms/referrals/", "/cms/events/")


def services_expectation(path: str, role: str) -> set[int]:
    if role == "anonymous":
        return {302}
    return {SERVICES_HCP_ONLY[path]} if role == "verified HCP" else {403}


def cms_expectation(path: str, role: str) -> set[int]:
    if role == "anonymous" or role == "staff before 2FA":
        return {302}
    if role in HCP_ROLES:
        return {403}
    if path in SERVICES_CMS:
        return {200} if role == roles.FULFILLMENT else {302, 403}
    if path in ADMIN_ONLY_CMS:
        # Wagtail answers a missing permission by redirecting to the dashboard (302) or with 403.
        return {200} if role == roles.ADMINISTRATORS else {302, 403}
    return {200, 302}


@pytest.fixture
def seeded(verified_site: None, settings: Any) -> None:
    # verified_site: Table 4 on /dosing/ is unconfirmed, so withheld until Medical verifies it.
    settings.API_RATE_LIMIT_PER_MINUTE = 100_000


def test_every_url_as_every_role(seeded: None) -> None:
    clients = {role: _client_for(role) for role in ROLES}
    all_paths = resolver_paths()
    cms_paths = [p for p in all_paths if p.startswith("/cms/")]
    site_paths = [
        p
        for p in all_paths
        if not p.startswith(("/cms/", "/accounts/", "/api/")) and p not in SERVICES_HCP_ONLY
    ]
    assert set(SERVICES_HCP_ONLY) <= set(all_paths) and set(SERVICES_CMS) <= set(cms_paths)
    accounts_paths = [p for p in all_paths if p.startswith("/accounts/")]
    api_paths = [p for p in all_paths if p.startswith("/api/")]
    page_paths = sorted({page.get_url() for page in Page.objects.live().specific() if page.get_url()})
    assert len(page_paths) >= 10 and len(cms_paths) >= 100 and len(api_paths) >= 8  # the walk is real

    problems: list[str] = []

    def check(role: str, method: str, path: str, got: int, expected: set[int]) -> None:
        if got not in expected or got >= 500:
            problems.append(f"{role:28} {method} {path}: got {got}, expected {sorted(expected)}")

    # 1. The CMS: every route for the roles that must be kept out; a sample for staff.
    for role in ROLES:
        for path in (
            cms_paths
            if role in {"anonymous", "staff before 2FA", *HCP_ROLES}
            else (*STAFF_CMS_SAMPLE, *SERVICES_CMS)
        ):
            response = clients[role].get(path)
            check(role, "GET", path, response.status_code, cms_expectation(path, role))
            if role == "anonymous" and response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), path
            if role == "staff before 2FA" and response.status_code == 302:
                assert response["Location"].startswith("/accounts/2fa/"), path

    # 2. Account pages by role.
    for role in ROLES:
        for path in accounts_paths:
            check(role, "GET", path, clients[role].get(path).status_code, accounts_expectation(path, role))

    # 2b. Savings & Support pages by role.
    for role in ROLES:
        for path in SERVICES_HCP_ONLY:
            check(role, "GET", path, clients[role].get(path).status_code, services_expectation(path, role))

    # 3. Content pages, tools, shell views and the API: every role is answered as anonymous is.
    anonymous_status: dict[tuple[str, str], int] = {}
    requests: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", p, None) for p in site_paths + page_paths
    ]
    requests += [("GET", p, None) for p in api_paths]
    for path in api_paths:
        operation = path.rstrip("/").rsplit("/", 1)[-1]
        if operation in EXAMPLES:
            requests.append(("POST", path, EXAMPLES[operation]))
    for role in ROLES:
        client = clients[role]
        for method, path, body in requests:
            if method == "GET":
                status = client.get(path).status_code
            else:
                status = client.post(path, json.dumps(body), content_type="application/json").status_code
            if role == "anonymous":
                anonymous_status[(method, path)] = status
            check(role, method, path, status, {anonymous_status[(method, path)]})
    for path in page_paths:
        check("anonymous", "GET", path, anonymous_status[("GET", path)], {200})
    for method, path, _body in requests:
        if method == "POST":
            check("anonymous", method, path, anonymous_status[(method, path)], {200})

    assert not problems, "\n".join(problems)


def test_a_reviewer_can_act_only_on_their_own_review_step() -> None:
    from besponsa.compliance.models import MLRApprovalTask

    steps = {
        "Medical review": roles.MEDICAL_REVIEWERS,
        "Legal review": roles.LEGAL_REVIEWERS,
        "Regulatory review": roles.REGULATORY_REVIEWERS,
    }
    tasks = {task.name: task for task in MLRApprovalTask.objects.filter(name__in=steps)}
    assert set(tasks) == set(steps), "the compliance app sets up the three MLR steps after migrate"
    page = Page.objects.filter(depth=2).first()
    for role in STAFF_ROLES:
        user = make_staff(role, device=False)
        for name, task in tasks.items():
            actions = {action for action, _label, _modal in task.get_actions(page, user)}
            if steps[name] == role:
                assert "approve" in actions, (role, name)
            else:
                assert actions == set(), (role, name)
            assert {g.name for g in task.groups.all()} == {steps[name]}
        assert list(user.groups.values_list("name", flat=True)) == [role]
    assert Group.objects.filter(name__in=steps.values()).count() == 3
    assert not User.objects.filter(is_superuser=True).exists()
