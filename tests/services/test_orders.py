"""Print orders: verified HCPs only, per-item limits, a US address, an email through the outbox, the
fulfillment queue and its CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from besponsa.accounts import roles
from besponsa.compliance.models import Approval
from besponsa.services.models import MaterialPage, Order

from .conftest import body, client_for, make_hcp

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient": "Dr Ada Lovelace",
    "organization": "Mercy Hospital Pharmacy",
    "address_line1": "1 Main Street",
    "address_line2": "",
    "city": "Albany",
    "state": "NY",
    "zip_code": "12207",
}


def add(client: Client, material: MaterialPage, quantity: Any, action: str = "add") -> Any:
    return client.post("/materials/order/", {"material": material.pk, "quantity": quantity, "action": action})


def place(client: Client, material: MaterialPage, quantity: int = 5, **address: str) -> Any:
    add(client, material, quantity)
    return client.post("/materials/order/checkout/", {**ADDRESS, **address})


@pytest.mark.parametrize("path", ["/materials/order/", "/materials/order/checkout/", "/materials/orders/"])
def test_signed_out_visitors_are_sent_to_sign_in_and_unverified_hcps_are_told_why(
    seeded: dict[str, MaterialPage], path: str
) -> None:
    response = client_for("anonymous").get(path)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    response = client_for("unverified").get(path)
    assert response.status_code == 403 and "confirm" in body(response).lower()


def test_a_verified_hcp_orders_and_gets_a_confirmation_email(
    seeded: dict[str, MaterialPage], verified: Client
) -> None:
    guide = seeded["dosing_guide"]
    page = body(verified.get("/support/materials/"))
    assert "Add to order" in page
    assert add(verified, guide, 3).status_code == 302
    assert add(verified, guide, 2).status_code == 302  # adds up
    cart = body(verified.get("/materials/order/"))
    assert guide.title in cart and 'value="5"' in cart

    response = verified.post("/materials/order/checkout/", ADDRESS)
    assert response.status_code == 302
    order = Order.objects.get()
    assert response["Location"] == f"/materials/orders/{order.pk}/"
    assert [(i.title, i.job_code, i.quantity) for i in order.items.all()] == [
        (guide.title, guide.job_code, 5)
    ]
    assert order.status == Order.RECEIVED and order.confirmation_sent_at is not None
    (email,) = mail.outbox
    assert email.to == ["verified@example.org"] and order.reference in email.subject
    assert "5 × " + guide.title in email.body and "Albany, NY 12207" in email.body

    detail = body(verified.get(response["Location"]))
    assert order.reference in detail and "Received" in detail
    assert order.reference in body(verified.get("/materials/orders/"))
    assert "Your order is empty" in body(verified.get("/materials/order/"))


def test_quantities_beyond_the_items_limit_or_not_whole_numbers_are_refused(
    seeded: dict[str, MaterialPage], verified: Client
) -> None:
    card = seeded["pocket_card"]
    for bad in (card.max_per_order + 1, 0, -1, "two", ""):
        response = add(verified, card, bad)
        assert response.status_code == 400, bad
        assert "Copies:" in body(response)
    assert f"from 1 to {card.max_per_order}" in body(add(verified, card, card.max_per_order + 1))
    assert "Your order is empty" in body(verified.get("/materials/order/"))
    add(verified, card, card.max_per_order)
    add(verified, card, 10)  # adding more never passes the limit
    assert f'value="{card.max_per_order}"' in body(verified.get("/materials/order/"))
    add(verified, card, 0, action="update")  # 0 removes the line
    assert "Your order is empty" in body(verified.get("/materials/order/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("zip_code", "1220", "ZIP code: enter 5 digits"),
        ("zip_code", "12207-12", "ZIP code: enter 5 digits"),
        ("state", "XX", "State: choose a US state"),
        ("state", "", "State: this field is required."),
        ("city", "", "City: this field is required."),
        ("address_line1", "1 Main St\nDrop table", "remove the line breaks"),
        ("recipient", "x" * 121, "Recipient: at most 120 characters."),
    ],
)
def test_a_bad_address_is_refused_with_the_field_named_and_nothing_stored(
    seeded: dict[str, MaterialPage], verified: Client, field: str, value: str, message: str
) -> None:
    response = place(verified, seeded["dosing_guide"], **{field: value})
    assert response.status_code == 400
    assert message in body(response)
    assert not Order.objects.exists() and not mail.outbox


def test_zip_plus_four_and_territories_are_accepted(
    seeded: dict[str, MaterialPage], verified: Client
) -> None:
    assert place(verified, seeded["dosing_guide"], state="PR", zip_code="00901-1234").status_code == 302
    assert Order.objects.get().state == "PR"


def test_a_material_withdrawn_after_it_was_added_is_taken_out_and_said(
    seeded: dict[str, MaterialPage], verified: Client
) -> None:
    add(verified, seeded["dosing_guide"], 2)
    add(verified, seeded["pocket_card"], 2)
    Approval.objects.filter(page=seeded["pocket_card"]).delete()
    response = verified.post("/materials/order/checkout/", ADDRESS)
    assert response.status_code == 400
    assert "No longer available" in body(response) and seeded["pocket_card"].title in body(response)
    assert not Order.objects.exists()
    assert verified.post("/materials/order/checkout/", ADDRESS).status_code == 302  # now without it
    assert [i.material_id for i in Order.objects.get().items.all()] == [seeded["dosing_guide"].pk]


def test_an_hcp_sees_only_their_own_orders_and_cancels_while_received(
    seeded: dict[str, MaterialPage], verified: Client
) -> None:
    place(verified, seeded["dosing_guide"])
    order = Order.objects.get()
    other = client_for("anonymous")
    other.force_login(make_hcp("other@example.org"), backend="besponsa.accounts.backends.EmailBackend")
    assert other.get(f"/materials/orders/{order.pk}/").status_code == 404
    assert other.post(f"/materials/orders/{order.pk}/").status_code == 404
    assert order.reference not in body(other.get("/materials/orders/"))

    assert verified.post(f"/materials/orders/{order.pk}/").status_code == 302
    order.refresh_from_db()
    assert order.status == Order.CANCELLED
    assert "cancelled" in mail.outbox[-1].subject
    assert verified.post(f"/materials/orders/{order.pk}/").status_code == 409


def test_the_fulfillment_queue_is_for_the_fulfillment_group_only(
    seeded: dict[str, MaterialPage], verified: Client, fulfillment: Client
) -> None:
    place(verified, seeded["dosing_guide"])
    order = Order.objects.get()
    for role in ("verified", "unverified", roles.CONTENT_EDITORS, roles.MEDICAL_REVIEWERS):
        client = verified if role == "verified" else client_for(role)
        # HCPs get 403 from the staff guard; other staff get Wagtail's answer to a missing permission
        # (a redirect to the dashboard).
        refused = {403} if role in {"verified", "unverified"} else {302, 403}
        for response in (
            client.get("/cms/fulfillment/"),
            client.get("/cms/fulfillment/orders.csv"),
            client.post(f"/cms/fulfillment/{order.pk}/status/", {"status": "shipped"}),
        ):
            assert response.status_code in refused, role
            assert order.reference not in body(response)
    order.refresh_from_db()
    assert order.status == Order.RECEIVED
    assert client_for("anonymous").get("/cms/fulfillment/").status_code == 302

    queue = body(fulfillment.get("/cms/fulfillment/"))
    assert order.reference in queue and "Albany, NY 12207" in queue
    response = fulfillment.post(f"/cms/fulfillment/{order.pk}/status/", {"status": "shipped", "show": "open"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Order.SHIPPED
    assert "shipped" in mail.outbox[-1].subject
    row = f'<th scope="row">{order.reference}</th>'
    assert row not in body(fulfillment.get("/cms/fulfillment/"))  # open orders only
    assert row in body(fulfillment.get("/cms/fulfillment/?show=shipped"))
    assert "Shipped" in body(verified.get(f"/materials/orders/{order.pk}/"))
    fulfillment.post(f"/cms/fulfillment/{order.pk}/status/", {"status": "lost"})
    order.refresh_from_db()
    assert order.status == Order.SHIPPED


def test_the_csv_export_cannot_carry_a_spreadsheet_formula(
    seeded: dict[str, MaterialPage], verified: Client, fulfillment: Client
) -> None:
    place(
        verified,
        seeded["dosing_guide"],
        recipient='=HYPERLINK("http://x")',
        city="+Albany",
        organization="@org",
    )
    response = fulfillment.get("/cms/fulfillment/orders.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert len(rows) == 1
    assert rows[0]["recipient"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["city"] == "'+Albany" and rows[0]["organization"] == "'@org"
    assert rows[0]["copies"] == "5" and rows[0]["job_code"] == seeded["dosing_guide"].job_code


def test_the_confirmation_task_commits_with_the_order_so_a_crash_cannot_drop_it(
    seeded: dict[str, MaterialPage], verified: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17 (make chaos): with the durable outbox, a worker killed right after the commit, before
    its on-commit hooks ran, must not leave an order whose confirmation is never sent."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "outbox": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    monkeypatch.setattr(transaction, "on_commit", lambda *args, **kwargs: None)  # the process died here
    response = place(verified, seeded["dosing_guide"])
    assert response.status_code == 302
    order = Order.objects.get()
    queued = DBTaskResult.objects.filter(task_path__endswith="send_order_confirmation")
    assert [row.args_kwargs["args"] for row in queued] == [[order.pk]]
