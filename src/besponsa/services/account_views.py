"""/account/: the verified HCP's own workspace."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from besponsa.accounts.access import verified_hcp_required
from besponsa.services import workspace
from besponsa.services.forms import EmailPreferencesForm
from besponsa.services.models import (
    EmailPreferences,
    Order,
    Registration,
    SavedCalculation,
    SupportReferral,
)


def _hcp(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(request: HttpRequest, *, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    user = _hcp(request)
    context = {
        "saved": SavedCalculation.objects.filter(user=user),
        "orders": Order.objects.filter(user=user).prefetch_related("items")[:5],
        "registrations": Registration.objects.filter(user=user, event__starts_at__gt=timezone.now())
        .exclude(status=Registration.CANCELLED)
        .select_related("event"),
        "referrals": SupportReferral.objects.filter(user=user)[:5],
        "preferences": EmailPreferencesForm(instance=EmailPreferences.for_user(user)),
        "errors": errors or [],
    }
    response = render(request, "services/account.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@verified_hcp_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _page(request)


@verified_hcp_required
@require_POST
def save_calculation(request: HttpRequest) -> HttpResponse:
    """The POST a tool result's "Save to my workspace" form sends (services/_save_calculation.html)."""
    user = _hcp(request)
    tool = request.POST.get("tool", "")
    problems, inputs, outputs = workspace.saved_problems(
        label=request.POST.get("label", ""),
        inputs_text=request.POST.get("inputs", ""),
        outputs_text=request.POST.get("outputs", ""),
        count=SavedCalculation.objects.filter(user=user).count(),
    )
    if tool not in dict(SavedCalculation.TOOL_CHOICES):
        problems.insert(0, "Tool: not one of this site's clinical tools.")
    if problems:
        return _page(request, errors=problems, status=400)
    SavedCalculation.objects.create(
        user=user, tool=tool, label=request.POST["label"].strip(), inputs=inputs, outputs=outputs
    )
    messages.success(request, "Saved to your workspace.")
    return redirect("services:account")


@verified_hcp_required
@require_POST
def delete_calculation(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedCalculation, pk=pk, user=_hcp(request))
    saved.delete()
    messages.success(request, f"“{saved.label}” deleted.")
    return redirect("services:account")


@verified_hcp_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    form = EmailPreferencesForm(request.POST, instance=EmailPreferences.for_user(_hcp(request)))
    form.save()  # two checkboxes: any POST is valid (an unticked box is False)
    messages.success(request, "Email preferences saved.")
    return redirect("services:account")


@verified_hcp_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(workspace.export(_hcp(request)), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="besponsa-hcp-my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@verified_hcp_required
@require_POST
def delete_data(request: HttpRequest) -> HttpResponse:
    if request.POST.get("confirm") != "yes":
        return _page(
            request, errors=["Confirm: tick the box to confirm you want your saved data deleted."], status=400
        )
    result = workspace.delete_data(_hcp(request))
    messages.success(
        request,
        f"Deleted {result['saved_calculations']} saved calculations and your email preferences; "
        f"cancelled {result['registrations_cancelled']} upcoming event registrations.",
    )
    return redirect("services:account")
