"""Staff roles: one Django group each. The four MLR names are shared with besponsa.compliance."""

from __future__ import annotations

CONTENT_EDITORS = "Content editors"
MEDICAL_REVIEWERS = "Medical reviewers"
LEGAL_REVIEWERS = "Legal reviewers"
REGULATORY_REVIEWERS = "Regulatory reviewers"
PHARMACOVIGILANCE = "Pharmacovigilance officers"
FULFILLMENT = "Fulfillment operations"
ADMINISTRATORS = "Administrators"

STAFF_ROLES = (
    CONTENT_EDITORS,
    MEDICAL_REVIEWERS,
    LEGAL_REVIEWERS,
    REGULATORY_REVIEWERS,
    PHARMACOVIGILANCE,
    FULFILLMENT,
    ADMINISTRATORS,
)

# Model permissions each role gets from this app ("app_label.codename"). Other apps (compliance,
# requests, safety reports) add the permissions for their own models to these same groups.
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    CONTENT_EDITORS: ("wagtailadmin.access_admin",),
    MEDICAL_REVIEWERS: ("wagtailadmin.access_admin",),
    LEGAL_REVIEWERS: ("wagtailadmin.access_admin",),
    REGULATORY_REVIEWERS: ("wagtailadmin.access_admin",),
    PHARMACOVIGILANCE: ("wagtailadmin.access_admin",),
    FULFILLMENT: ("wagtailadmin.access_admin",),
    ADMINISTRATORS: (
        "wagtailadmin.access_admin",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.view_user",
        "auth.change_group",
        "auth.view_group",
        "accounts.view_auditevent",
    ),
}
