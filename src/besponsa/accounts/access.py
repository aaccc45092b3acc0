"""Who may do what: verified-HCP views, staff detection and API-token authentication."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from besponsa.accounts.models import TOKEN_PREFIX, ApiToken, HcpProfile, token_digest

View = Callable[..., HttpResponse]


def hcp_profile(user: Any) -> HcpProfile | None:
    if not user.is_authenticated:
        return None
    try:
        profile: HcpProfile = user.hcp_profile
    except HcpProfile.DoesNotExist:
        return None
    return profile


def is_verified_hcp(user: Any) -> bool:
    profile = hcp_profile(user)
    return profile is not None and profile.is_verified and user.is_active


def is_staff_member(user: Any) -> bool:
    """Staff are the people who may open the CMS: Wagtail's admin-access permission (or superuser)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm("wagtailadmin.access_admin"))


def verified_hcp_required(view: View) -> View:
    """For HCP-only features: sign in first; an unverified or non-HCP account gets a page saying why (403)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if is_verified_hcp(user):
            return view(request, *args, **kwargs)
        profile = hcp_profile(user)
        return render(request, "accounts/hcp_only.html", {"profile": profile}, status=403)

    return wrapper


# last_used_at is written at most this often, so a busy client does not turn every call into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_api_token(raw: str | None) -> AbstractBaseUser | None:
    """The active, verified HCP who owns this API token, or None (unknown, revoked, or account unusable).

    For the API: read the token from `Authorization: Bearer <token>` and pass it here, e.g. to grant a
    higher rate limit. Costs one indexed query (plus one write at most once a minute per token).
    """
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__hcp_profile")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not is_verified_hcp(token.user):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    user: AbstractBaseUser = token.user
    return user
