"""HCP account pages: registration, email verification, sign-in, profile, API tokens, deletion, 2FA."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from besponsa.accounts import audit, emails, services, throttle
from besponsa.accounts.access import hcp_profile, is_staff_member, verified_hcp_required
from besponsa.accounts.backends import lock_of
from besponsa.accounts.client import client_ip
from besponsa.accounts.forms import (
    ChangeEmailForm,
    ConfirmPasswordForm,
    EmailAuthenticationForm,
    ProfileForm,
    RegistrationForm,
    ThrottledPasswordChangeForm,
    TokenForm,
    TotpForm,
)
from besponsa.accounts.models import ApiToken, AuditEvent
from besponsa.portal.gate import safe_next

User = get_user_model()

MAX_ACTIVE_TOKENS = 5


def too_many_emails(request: HttpRequest, lock: throttle.Lock) -> HttpResponse:
    minutes = max(1, -(-lock.retry_after // 60))
    response = render(request, "accounts/too_many_emails.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(lock.retry_after)
    return response


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "accounts/register.html", {"form": form}, status=400)
        if (lock := services.register(request, form.cleaned_data, form.npi_method)) is not None:
            return too_many_emails(request, lock)
        return redirect("accounts:register-done")
    return render(request, "accounts/register.html", {"form": form})


@require_http_methods(["GET", "HEAD"])
def register_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_done.html", {"days": emails.verification_max_age() // 86400})


@never_cache
@require_http_methods(["GET", "HEAD"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    payload = emails.read_verification_token(token)
    user = User.objects.filter(pk=payload["u"]).first() if payload else None
    if payload is None or user is None or user.email.lower() != payload.get("e"):
        return render(request, "accounts/verify_failed.html", status=400)
    profile = hcp_profile(user)
    if profile is None:
        return render(request, "accounts/verify_failed.html", status=400)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
        audit.record(AuditEvent.Kind.EMAIL_VERIFIED, user_id=user.pk, request=request)
    return render(request, "accounts/verify_done.html", {"signed_in": request.user.is_authenticated})


@login_required
@require_POST
def resend_verification(request: HttpRequest) -> HttpResponse:
    profile = hcp_profile(request.user)
    if profile is not None and not profile.is_verified:
        lock = throttle.email_request(request.user.email, client_ip(request))  # type: ignore[union-attr]
        if lock is not None:
            return too_many_emails(request, lock)
        emails.send_verification(request, request.user)
        messages.success(request, f"We sent a new confirmation link to {request.user.email}.")  # type: ignore[union-attr]
    return redirect("accounts:profile")


class LoginView(auth_views.LoginView):
    """Django's sign-in view, refusing with 429 once an account or a client has failed too often."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The throttle lives in the authentication backend (every login path goes through it); the
        # backend leaves its lock on the request so this page can say why, with 429 and Retry-After.
        form = self.get_form()
        if form.is_valid():
            return self.form_valid(form)
        if (lock := lock_of(request)) is not None:
            return self.locked(lock)
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def locked(self, lock: throttle.Lock) -> HttpResponse:
        return locked_response(self.request, lock)

    def get_success_url(self) -> str:
        # get_redirect_url() already refuses other hosts; an empty answer means "no next given".
        return self.get_redirect_url() or reverse("accounts:profile")


def locked_response(request: HttpRequest, lock: throttle.Lock) -> HttpResponse:
    minutes = max(1, -(-lock.retry_after // 60))
    response = render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(lock.retry_after)
    return response


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    response = HttpResponseRedirect(settings.LOGOUT_REDIRECT_URL)
    response["Cache-Control"] = "no-store"
    return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        lock = throttle.email_request(form.cleaned_data["email"], client_ip(self.request))
        if lock is not None:
            return too_many_emails(self.request, lock)
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).only("pk").first()
        audit.record(
            AuditEvent.Kind.PASSWORD_RESET_REQUEST, user_id=user.pk if user else None, request=self.request
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")
    form_class = ThrottledPasswordChangeForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form: Any) -> HttpResponse:
        if (lock := lock_of(self.request)) is not None:
            return locked_response(self.request, lock)
        return super().form_invalid(form)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    hcp = hcp_profile(user)
    form = None
    status = 200
    if hcp is not None:
        form = ProfileForm.for_profile(hcp, request.POST if request.method == "POST" else None)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                with transaction.atomic():
                    user.first_name, user.last_name = data["first_name"].strip(), data["last_name"].strip()
                    user.save(update_fields=["first_name", "last_name"])
                    hcp.profession, hcp.specialty = data["profession"], data["specialty"].strip()
                    hcp.npi, hcp.npi_checked_by = data["npi"], form.npi_method or "check-digit"
                    hcp.license_state, hcp.license_number = (
                        data["license_state"],
                        data["license_number"].strip(),
                    )
                    hcp.save()
                messages.success(request, "Your details were saved.")
                return redirect("accounts:profile")
            status = 400
    elif request.method == "POST":
        return render(request, "accounts/hcp_only.html", {"profile": None}, status=403)
    context = {"hcp": hcp, "form": form, "tokens": _active_tokens(user) if hcp and hcp.is_verified else []}
    return render(request, "accounts/profile.html", context, status=status)


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def change_email(request: HttpRequest) -> HttpResponse:
    """Sends a link to the new address; the account keeps the old one until that link is opened."""
    user: Any = request.user
    form = ChangeEmailForm(user, request.POST or None, request=request)
    if request.method == "POST":
        if not form.is_valid():
            if (lock := lock_of(request)) is not None:
                return locked_response(request, lock)
            return render(request, "accounts/change_email.html", {"form": form}, status=400)
        new_email = form.cleaned_data["new_email"]
        if (lock := services.request_email_change(request, user, new_email)) is not None:
            return too_many_emails(request, lock)
        return render(request, "accounts/change_email_sent.html", {"new_email": new_email})
    return render(request, "accounts/change_email.html", {"form": form})


@never_cache
@require_http_methods(["GET", "HEAD"])
def confirm_email_change(request: HttpRequest, token: str) -> HttpResponse:
    new_email = services.confirm_email_change(request, token)
    if new_email is None:
        return render(request, "accounts/verify_failed.html", status=400)
    return render(request, "accounts/change_email_done.html", {"new_email": new_email})


def _active_tokens(user: Any) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))


def _issue_token(request: HttpRequest, user: Any, form: TokenForm) -> tuple[ApiToken, str] | None:
    """A new token, unless the account already has the maximum (then a form error and None).

    The count and the insert run in one transaction holding the account's row (SELECT … FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at BEGIN), so parallel requests
    cannot all see four tokens and each add a fifth.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()
        if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
            form.add_error(
                "name", f"Token name: you already have {MAX_ACTIVE_TOKENS} tokens; revoke one first."
            )
            return None
        token, raw = ApiToken.issue(user, form.cleaned_data["name"].strip())
        audit.record(AuditEvent.Kind.TOKEN_CREATED, user_id=user.pk, request=request, detail=token.hint)
    return token, raw


@never_cache
@verified_hcp_required
@require_http_methods(["GET", "HEAD", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = TokenForm(request.POST or None)
    if request.method == "POST":
        issued = _issue_token(request, user, form) if form.is_valid() else None
        if issued is not None:
            token, raw = issued
            context = {
                "form": TokenForm(),
                "tokens": _active_tokens(user),
                "new_token": raw,
                "new_name": token.name,
            }
            return render(request, "accounts/tokens.html", context, status=201)
        return render(
            request, "accounts/tokens.html", {"form": form, "tokens": _active_tokens(user)}, status=400
        )
    return render(request, "accounts/tokens.html", {"form": form, "tokens": _active_tokens(user)})


@verified_hcp_required
@require_POST
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user, revoked_at__isnull=True)
    token.revoke()
    audit.record(AuditEvent.Kind.TOKEN_REVOKED, user_id=request.user.pk, request=request, detail=token.hint)
    messages.success(
        request, f"The token “{token.name}” was revoked; programs using it can no longer sign in."
    )
    return redirect("accounts:tokens")


@never_cache
@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if is_staff_member(user) or user.is_superuser:
        return render(request, "accounts/delete_staff.html", status=403)
    form = ConfirmPasswordForm(user, request.POST or None, request=request)
    if request.method == "POST":
        if not form.is_valid():
            if (lock := lock_of(request)) is not None:
                return locked_response(request, lock)
            return render(request, "accounts/delete.html", {"form": form}, status=400)
        user_id = user.pk
        with transaction.atomic():
            audit.record(AuditEvent.Kind.ACCOUNT_DELETED, user_id=user_id, request=request)
            logout(request)
            User.objects.filter(pk=user_id).delete()
        return render(request, "accounts/delete_done.html")
    return render(request, "accounts/delete.html", {"form": form})


# Two-factor authentication for staff -----------------------------------------------------------------


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Asks for the current code; staff with no device yet are sent to set one up."""
    user: Any = request.user
    next_path = safe_next(request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home"))
    if not is_staff_member(user):
        return render(request, "accounts/staff_only.html", status=403)
    device = _confirmed_device(user)
    if device is None:
        return redirect(reverse("accounts:2fa-setup") + "?next=" + next_path)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_token(user, device.persistent_id, form.cleaned_data["code"]) is not None:
            otp_login(request, device)
            audit.record(AuditEvent.Kind.TWO_FACTOR_VERIFIED, user_id=user.pk, request=request)
            return HttpResponseRedirect(next_path)
        audit.record(AuditEvent.Kind.TWO_FACTOR_FAILED, user_id=user.pk, request=request)
        form.add_error(
            "code", "Code: that code is not right or has expired. Enter the code your app shows now."
        )
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/2fa_verify.html", {"form": form, "next": next_path}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrols a TOTP app: shows the secret and otpauth:// address, then confirms with a first code.

    Only while the account has no confirmed device: replacing a device needs an administrator
    (`manage.py reset_2fa`), so a stolen password alone cannot enrol a new phone.
    """
    user: Any = request.user
    next_path = safe_next(request.POST.get("next") or request.GET.get("next") or reverse("wagtailadmin_home"))
    if not is_staff_member(user):
        return render(request, "accounts/staff_only.html", status=403)
    if _confirmed_device(user) is not None:
        return redirect(reverse("accounts:2fa") + "?next=" + next_path)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if verify_token(user, device.persistent_id, form.cleaned_data["code"]) is not None:
            device.refresh_from_db()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(AuditEvent.Kind.TWO_FACTOR_ENROLLED, user_id=user.pk, request=request)
            return HttpResponseRedirect(next_path)
        audit.record(
            AuditEvent.Kind.TWO_FACTOR_FAILED, user_id=user.pk, request=request, detail="during set-up"
        )
        form.add_error(
            "code", "Code: that code is not right. Check the app shows BESPONSA HCP and try the new code."
        )
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_path,
        "otpauth_uri": device.config_url,
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/2fa_setup.html", context, status=status)
