"""The two staff groups that may see intake records, and nothing else may: reports hold health data.

Each queue checks membership of its group by name (a superuser outside the group is refused too), and the
group holds the model permissions so Wagtail's own permission screens show what it can do.
"""

from __future__ import annotations

from typing import Any

from besponsa.accounts.groups import ensure_group

SAFETY = "Safety"
MEDICAL_INFORMATION = "Medical Information"

GROUP_PERMISSIONS: dict[str, tuple[str, ...]] = {
    SAFETY: (
        "wagtailadmin.access_admin",
        "intake.view_adverseeventreport",
        "intake.change_adverseeventreport",
        "intake.export_adverseeventreport",
    ),
    MEDICAL_INFORMATION: (
        "wagtailadmin.access_admin",
        "intake.view_medicalinquiry",
        "intake.change_medicalinquiry",
    ),
}


def ensure_groups() -> None:
    """get_or_create each group and give it its permissions; safe to run after every migrate."""
    for name, perms in GROUP_PERMISSIONS.items():
        ensure_group(name, perms)


def is_member(user: Any, group: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.groups.filter(name=group).exists())
