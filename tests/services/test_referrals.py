"""Patient-support call requests: verified HCPs only, office contact only, acknowledged through the outbox,
worked from a staff queue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from besponsa.accounts import roles
from besponsa.services.forms import ReferralForm
from besponsa.services.models import SupportReferral

from .conftest import body, client_for

pytestmark = pytest.mark.django_db

REQUEST = {
    "office_name": "Mercy Hospital Infusion Center",
    "contact_name": "Grace Hopper",
    "phone": "(518) 555-0142",
    "email": "infusion@mercy.example.org",
    "preferred_time": "morning",
    "time_zone": "America/New_York",
    "help_types": ["coverage", "logistics"],
}


def send(client: Client, **changes: Any) -> Any:
    return client.post("/support-referral/", {**REQUEST, **changes})


def test_signed_out_and_unverified_visitors_cannot_send_one(db: None) -> None:
    response = client_for("anonymous").get("/support-referral/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert send(client_for("unverified")).status_code == 403
    assert not SupportReferral.objects.exists()


def test_the_form_has_no_place_for_patient_information() -> None:
    assert set(ReferralForm().fields) == {
        "office_name", "contact_name", "phone", "email", "preferred_time", "time_zone", "help_types"
    }  # fmt: skip


def test_a_verified_hcp_sends_a_request_and_the_office_is_acknowledged(verified: Client) -> None:
    form = body(verified.get("/support-referral/"))
    assert "No patient information here" in form and 'value="verified@example.org"' in form
    response = send(verified)
    assert response.status_code == 302
    referral = SupportReferral.objects.get()
    assert response["Location"] == f"/support-referral/{referral.pk}/sent/"
    assert (referral.coverage, referral.financial, referral.logistics) == (True, False, True)
    assert referral.phone == "518-555-0142" and referral.acknowledged_at is not None
    (email,) = mail.outbox
    assert set(email.to) == {"infusion@mercy.example.org", "verified@example.org"}
    assert referral.reference in email.subject and "Morning" in email.body.replace("morning", "Morning")
    sent = body(verified.get(response["Location"]))
    assert referral.reference in sent and "Insurance coverage" in sent
    assert client_for("unverified").get(response["Location"]).status_code == 403


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "555-0142", "Office phone: enter a 10-digit US number"),
        ("email", "not-an-address", "Office email: enter an address"),
        ("preferred_time", "midnight", "Best time to call: choose one from the list."),
        ("time_zone", "Europe/Paris", "Office time zone: choose one from the list."),
        ("help_types", [], "Help needed: choose at least one kind of help."),
        ("help_types", ["diagnosis"], "Help needed: choose from the list."),
        ("office_name", "", "Practice or institution: this field is required."),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(
    verified: Client, field: str, value: Any, message: str
) -> None:
    response = send(verified, **{field: value})
    assert response.status_code == 400 and message in body(response)
    assert not SupportReferral.objects.exists() and not mail.outbox


def test_the_support_queue_is_for_the_fulfillment_group(verified: Client, fulfillment: Client) -> None:
    send(verified)
    referral = SupportReferral.objects.get()
    for role in ("unverified", roles.CONTENT_EDITORS):
        response = client_for(role).get("/cms/referrals/")
        assert response.status_code in {302, 403} and referral.reference not in body(response)
    queue = body(fulfillment.get("/cms/referrals/"))
    assert referral.reference in queue and "518-555-0142" in queue
    fulfillment.post(f"/cms/referrals/{referral.pk}/status/", {"status": "contacted", "show": "open"})
    referral.refresh_from_db()
    assert referral.status == SupportReferral.CONTACTED
    fulfillment.post(f"/cms/referrals/{referral.pk}/status/", {"status": "closed"})
    assert f'<th scope="row">{referral.reference}</th>' not in body(fulfillment.get("/cms/referrals/"))
    assert f'<th scope="row">{referral.reference}</th>' in body(
        fulfillment.get("/cms/referrals/?show=closed")
    )
