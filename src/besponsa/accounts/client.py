"""The client's address, read one way everywhere: sign-in throttling, email limits, the audit log,
the adverse-event intake limits and the API's rate windows all call `client_ip`."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, or, behind `TRUSTED_PROXY_COUNT` reverse proxies, the X-Forwarded-For entry the
    outermost trusted proxy appended (entries further left are whatever the caller chose to send)."""
    if request is None:
        return None
    proxies = int(getattr(settings, "ACCOUNTS_TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        hops = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(hops) >= proxies:
            return hops[-proxies]
    address = request.META.get("REMOTE_ADDR")
    return str(address) if address else None
