"""Material downloads (any visitor past the HCP gate) and print orders (verified HCPs only)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from besponsa.accounts.access import verified_hcp_required
from besponsa.compliance.rules import serving_problem
from besponsa.compliance.views import unavailable
from besponsa.services import cart, events, tasks
from besponsa.services.forms import QuantityForm, ReferralForm, ShippingForm
from besponsa.services.materials import library_page, material_problem
from besponsa.services.models import (
    EventPage,
    MaterialPage,
    Order,
    OrderItem,
    Registration,
    SupportReferral,
    VideoPage,
)


def _hcp(request: HttpRequest) -> User:
    # Only called behind verified_hcp_required: the user is signed in.
    return cast(User, request.user)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    material = MaterialPage.objects.live().filter(pk=pk).first()
    if material is None:
        raise Http404("No such material")
    if material_problem(material) is not None:
        return unavailable(request)
    response = FileResponse(
        material.file.open("rb"), content_type="application/pdf", filename=f"{material.slug}.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{material.slug}.pdf"'
    return response


def _library_context() -> dict[str, Any]:
    library = library_page()
    return {"library_url": library.url if library else "/"}


@verified_hcp_required
@require_http_methods(["GET", "POST"])
def cart_view(request: HttpRequest) -> HttpResponse:
    """GET shows the cart; POST adds a material or changes its copies (0 removes it)."""
    status = 200
    errors: list[str] = []
    if request.method == "POST":
        material = cart.orderable(_int(request.POST.get("material")))
        if material is None:
            errors.append("Material: this material cannot be ordered now (withdrawn or not printable).")
        else:
            form = QuantityForm(
                request.POST, limit=material.max_per_order, allow_zero=request.POST.get("action") == "update"
            )
            if form.is_valid():
                quantity = form.cleaned_data["quantity"]
                if request.POST.get("action") == "add":
                    current = dict((line.material.pk, line.quantity) for line in cart.lines(request)[0])
                    quantity = min(current.get(material.pk, 0) + quantity, material.max_per_order)
                cart.set_quantity(request, material, quantity)
                messages.success(
                    request,
                    f"{material.title}: {quantity} copies in your order."
                    if quantity
                    else f"{material.title}: removed from your order.",
                )
                return redirect("services:cart")
            errors.extend(f"{material.title}: {e}" for e in form.errors.get("quantity", []))
        status = 400
    lines, dropped = cart.lines(request)
    context = {"lines": lines, "dropped": dropped, "errors": errors, **_library_context()}
    return _no_store(render(request, "services/cart.html", context, status=status))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


@verified_hcp_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    lines, dropped = cart.lines(request)
    if not lines:
        messages.info(request, "Your order is empty: add materials first.")
        return redirect("services:cart")
    form = ShippingForm(request.POST or None)
    if request.method == "POST" and not dropped and form.is_valid():
        with transaction.atomic():
            order: Order = form.save(commit=False)
            order.user = _hcp(request)
            order.save()
            OrderItem.objects.bulk_create(
                OrderItem(
                    order=order,
                    material=line.material,
                    title=line.material.title,
                    job_code=line.material.job_code,
                    quantity=line.quantity,
                )
                for line in lines
            )
            tasks.after_commit_confirm(order.pk)
        cart.clear(request)
        messages.success(
            request,
            f"Order {order.reference} received. A confirmation email is on its way to {_hcp(request).email}.",
        )
        return redirect("services:order", pk=order.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "lines": lines, "dropped": dropped, **_library_context()}
    return _no_store(render(request, "services/checkout.html", context, status=status))


@verified_hcp_required
@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    history = Order.objects.filter(user=_hcp(request)).prefetch_related("items")
    return _no_store(render(request, "services/orders.html", {"orders": history, **_library_context()}))


@verified_hcp_required
@require_http_methods(["GET", "POST"])
def order(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the HCP's own orders (someone else's is a 404). POST cancels it while it is only received."""
    mine = get_object_or_404(Order.objects.prefetch_related("items"), pk=pk, user=_hcp(request))
    if request.method == "POST":
        with transaction.atomic():
            cancelled = Order.objects.filter(pk=mine.pk, status=Order.RECEIVED).update(status=Order.CANCELLED)
            if cancelled:
                tasks.after_commit_status(mine.pk)
        if cancelled:
            messages.success(request, f"Order {mine.reference} is cancelled.")
            return redirect("services:order", pk=mine.pk)
        messages.error(
            request, f"Order {mine.reference} is already being prepared and can no longer be cancelled."
        )
        mine.refresh_from_db()
        return _no_store(render(request, "services/order.html", {"order": mine}, status=409))
    return _no_store(render(request, "services/order.html", {"order": mine}))


@verified_hcp_required
@require_http_methods(["GET", "POST"])
def referral(request: HttpRequest) -> HttpResponse:
    """The office asks the patient-support program to call. Prefilled from the HCP's account."""
    hcp = _hcp(request)
    initial = {"contact_name": hcp.get_full_name(), "email": hcp.email}
    form = ReferralForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            sent: SupportReferral = form.save(commit=False)
            sent.user = hcp
            sent.save()
            tasks.after_commit_acknowledge(sent.pk)
        return redirect("services:referral-sent", pk=sent.pk)
    status = 400 if request.method == "POST" else 200
    return _no_store(render(request, "services/referral.html", {"form": form}, status=status))


@verified_hcp_required
@require_GET
def referral_sent(request: HttpRequest, pk: int) -> HttpResponse:
    sent = get_object_or_404(SupportReferral, pk=pk, user=_hcp(request))
    return _no_store(render(request, "services/referral_sent.html", {"referral": sent}))


def _event_or_404(pk: int) -> EventPage:
    event = EventPage.objects.live().filter(pk=pk).first()
    if event is None:
        raise Http404("No such event")
    return event


@verified_hcp_required
@require_POST
def event_register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(pk)
    if not events.is_open(event):
        messages.error(
            request, f"{event.title}: registration is closed (the event has started or is withdrawn)."
        )
        return redirect(event.url or "/")
    outcome = events.register(_hcp(request), event.pk)
    status = outcome.registration.status
    if status == Registration.CONFIRMED:
        messages.success(request, "You are registered. A confirmation with a calendar file is on its way.")
    else:
        messages.success(request, "The event is full: you are on the waitlist. We email you if a seat opens.")
    return redirect(event.url or "/")


@verified_hcp_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(pk)
    if events.cancel(_hcp(request), event.pk) is None:
        messages.error(request, "You had no registration for this event.")
    else:
        messages.success(request, "Your registration is cancelled.")
    return redirect(event.url or "/")


@require_GET
def video_file(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """The video or its captions, served by us (no third-party host), only while the page may be shown."""
    video = VideoPage.objects.live().filter(pk=pk).first()
    if video is None or kind not in {"video", "captions"}:
        raise Http404("No such video")
    if serving_problem(video) or video.publish_problem():
        return unavailable(request)
    field = video.video if kind == "video" else video.captions
    content_type = (
        "text/vtt; charset=utf-8"
        if kind == "captions"
        else ("video/webm" if field.name.lower().endswith(".webm") else "video/mp4")
    )
    return FileResponse(field.open("rb"), content_type=content_type)
