from __future__ import annotations

from typing import Any

from django import template

from besponsa.accounts.access import is_verified_hcp as _is_verified_hcp

register = template.Library()


@register.filter
def is_verified_hcp(user: Any) -> bool:
    return _is_verified_hcp(user)
