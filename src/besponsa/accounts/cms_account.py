"""Wagtail's account settings (/cms/account/) with the current password checked through the throttle.

Wagtail's "Password" panel uses Django's PasswordChangeForm, which calls `user.check_password()` itself:
it never reaches the authentication backend, so it was an unthrottled password oracle for anyone holding
a staff session. Here the panel's form checks the old password with `verify_current_password` (the same
account + address lock and address slow-down as sign-in, docs/accounts.md "Throttling"), and a locked
attempt answers 429 with Retry-After. The view is served at Wagtail's own address (project/urls.py puts
it before Wagtail's admin URLs, so `reverse("wagtailadmin_account")` still finds it).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from wagtail.admin.forms.auth import PasswordChangeForm
from wagtail.admin.views import account

from besponsa.accounts.backends import lock_of, verify_current_password


class ThrottledCmsPasswordChangeForm(PasswordChangeForm):
    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request

    def clean_old_password(self) -> str:
        old_password = str(self.cleaned_data.get("old_password") or "")
        if verify_current_password(self.request, self.user, old_password):
            return old_password
        if (lock := lock_of(self.request)) is not None:
            minutes = max(1, -(-lock.retry_after // 60))
            raise forms.ValidationError(
                f"Current password: too many unsuccessful attempts for this account from your network. "
                f"Try again in about {minutes} minute{'s' if minutes != 1 else ''}.",
                code="locked",
            )
        raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")


class ThrottledChangePasswordPanel(account.ChangePasswordPanel):
    form_class = ThrottledCmsPasswordChangeForm

    def get_form(self) -> Any:
        # Wagtail builds each panel's form several times per request (to validate, for its media, to
        # render); one form per request, so one wrong password is counted once, not three times.
        form = getattr(self.request, "_cms_password_form", None)
        if form is None:
            bound = self.request.method == "POST" and any(
                self.request.POST.get(f"{self.name}-{field}") for field in ("new_password1", "new_password2")
            )
            data = self.request.POST if bound else None
            form = self.form_class(self.user, data, prefix=self.name, request=self.request)
            self.request._cms_password_form = form
        return form


class AccountView(account.AccountView):
    def get_panels(self) -> list[Any]:
        return [
            ThrottledChangePasswordPanel(panel.request, panel.user, panel.profile)
            if type(panel) is account.ChangePasswordPanel
            else panel
            for panel in super().get_panels()
        ]

    def post(self, request: HttpRequest) -> HttpResponse:
        # Wagtail validates the panels in turn and stops at the first invalid one, so the password would
        # otherwise be checked only while the page renders, after the status is chosen: check it first.
        for panel in self.get_panels():
            if isinstance(panel, ThrottledChangePasswordPanel):
                panel.get_form().is_valid()
        response: HttpResponse = super().post(request)
        if (lock := lock_of(request)) is not None:
            response.status_code = 429
            response["Retry-After"] = str(lock.retry_after)
        return response
