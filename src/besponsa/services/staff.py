"""The fulfillment queue in the CMS: open orders first, status changes, CSV export for the print house."""

from __future__ import annotations

import csv
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from besponsa.compliance.views import csv_safe
from besponsa.services import tasks
from besponsa.services.forms import OrderStatusForm, ReferralStatusForm
from besponsa.services.models import EventPage, Order, OrderItem, Registration, SupportReferral
from besponsa.services.roles import may_export_attendees, may_fulfil, may_handle_referrals

OPEN = (Order.RECEIVED, Order.PROCESSING)
FILTERS = {"open": OPEN, "shipped": (Order.SHIPPED,), "cancelled": (Order.CANCELLED,), "all": ()}

CSV_COLUMNS = ["order", "placed_utc", "status", "material", "job_code", "copies", *Order.ADDRESS_FIELDS]


def _queue(show: str) -> tuple[str, list[Order]]:
    if show not in FILTERS:
        show = "open"
    orders = Order.objects.prefetch_related("items").order_by("created_at", "pk")
    if FILTERS[show]:
        orders = orders.filter(status__in=FILTERS[show])
    return show, list(orders)


def _require(request: HttpRequest) -> None:
    if not may_fulfil(request.user):
        raise PermissionDenied


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    _require(request)
    show, orders = _queue(request.GET.get("show", "open"))
    context = {
        "items": orders,
        "noun": "orders",
        "status_url": "services_fulfillment_status",
        "show": show,
        "filters": list(FILTERS),
        "statuses": Order.STATUS_CHOICES,
    }
    return render(request, "services/admin/queue.html", context)


@require_http_methods(["POST"])
def set_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    order = get_object_or_404(Order, pk=pk)
    form = OrderStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["status"]))
        return redirect("services_fulfillment")
    status = form.cleaned_data["status"]
    if status != order.status:
        with transaction.atomic():
            Order.objects.filter(pk=order.pk).update(status=status)
            tasks.after_commit_status(order.pk)
        messages.success(request, f"{order.reference}: {dict(Order.STATUS_CHOICES)[status]}.")
    show = request.POST.get("show", "open")
    return redirect(reverse("services_fulfillment") + f"?show={show if show in FILTERS else 'open'}")


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """One row per order line. Every cell goes through csv_safe, so a name or address cannot start a
    spreadsheet formula."""
    _require(request)
    show, orders = _queue(request.GET.get("show", "open"))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="material-orders-{show}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for order in orders:
        item: OrderItem
        for item in order.items.all():
            row = (
                order.reference,
                order.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                order.get_status_display(),
                item.title,
                item.job_code,
                item.quantity,
                *(getattr(order, field) for field in Order.ADDRESS_FIELDS),
            )
            writer.writerow([csv_safe(value) for value in row])
    return response


def _require_referrals(request: HttpRequest) -> None:
    if not may_handle_referrals(request.user):
        raise PermissionDenied


REFERRAL_FILTERS = {
    "open": (SupportReferral.NEW, SupportReferral.CONTACTED),
    "closed": (SupportReferral.CLOSED,),
    "all": (),
}


@require_GET
def referral_queue(request: HttpRequest) -> HttpResponse:
    """Patient-support call requests, oldest first, so the longest-waiting office is called first."""
    _require_referrals(request)
    show = request.GET.get("show", "open")
    show = show if show in REFERRAL_FILTERS else "open"
    referrals = SupportReferral.objects.order_by("created_at", "pk")
    if REFERRAL_FILTERS[show]:
        referrals = referrals.filter(status__in=REFERRAL_FILTERS[show])
    context = {
        "items": referrals,
        "noun": "requests",
        "status_url": "services_referral_status",
        "show": show,
        "filters": list(REFERRAL_FILTERS),
        "statuses": SupportReferral.STATUS_CHOICES,
    }
    return render(request, "services/admin/referrals.html", context)


@require_http_methods(["POST"])
def set_referral_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require_referrals(request)
    referral = get_object_or_404(SupportReferral, pk=pk)
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        SupportReferral.objects.filter(pk=referral.pk).update(status=form.cleaned_data["status"])
        messages.success(
            request,
            f"{referral.reference}: {dict(SupportReferral.STATUS_CHOICES)[form.cleaned_data['status']]}.",
        )
    else:
        messages.error(request, " ".join(str(e) for e in form.errors["status"]))
    show = request.POST.get("show", "open")
    return redirect(reverse("services_referrals") + f"?show={show if show in REFERRAL_FILTERS else 'open'}")


ATTENDEE_COLUMNS = ["event", "job_code", "starts_utc", "status", "registered_utc", "first_name", "last_name",
                    "email", "npi", "license_state"]  # fmt: skip


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    if not may_export_attendees(request.user):
        raise PermissionDenied
    listed = EventPage.objects.order_by("-starts_at").annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=Registration.CONFIRMED)),
        waitlisted=Count("registrations", filter=Q(registrations__status=Registration.WAITLISTED)),
    )
    return render(request, "services/admin/events.html", {"events": listed})


@require_GET
def attendees_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Everyone who registered (also waitlisted and cancelled) with the NPI and state of license they
    had when registering, for transparency reporting."""
    if not may_export_attendees(request.user):
        raise PermissionDenied
    event = get_object_or_404(EventPage, pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendees-{event.job_code or event.pk}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(ATTENDEE_COLUMNS)
    for registration in event.registrations.select_related("user").order_by("queued_at", "pk"):
        user = registration.user
        row = (
            event.title,
            event.job_code,
            event.starts_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
            registration.get_status_display(),
            registration.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
            user.first_name,
            user.last_name,
            user.email,
            registration.npi,
            registration.license_state,
        )
        writer.writerow([csv_safe(value) for value in row])
    return response
