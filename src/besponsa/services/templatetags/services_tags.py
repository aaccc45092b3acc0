from __future__ import annotations

import json
from typing import Any

from django import template

from besponsa.accounts.access import is_verified_hcp as _is_verified_hcp

register = template.Library()


@register.filter
def is_verified_hcp(user: Any) -> bool:
    return _is_verified_hcp(user)


@register.filter
def as_json(value: Any) -> str:
    """JSON for a hidden field (the template escapes it for the attribute)."""
    return json.dumps(value, default=str, sort_keys=True)
