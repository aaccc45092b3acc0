"""Sign-in by email address (case-insensitive) instead of Django's username."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        email = kwargs.get("email", username)
        if not email or password is None:
            return None
        user_model = get_user_model()
        matches = list(user_model.objects.filter(email__iexact=email.strip())[:2])
        if len(matches) != 1:
            # Run the hasher anyway so an unknown address takes as long as a wrong password.
            user_model().set_password(password)
            return None
        user = matches[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
