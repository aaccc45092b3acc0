""" "Compare with live / previous" for reviewers.

Wagtail opens its compare views only to people who may edit (or publish) the content. Medical and Legal
reviewers may do neither, by design, yet they must see what changed in what they review. These views are
Wagtail's own compare views with one rule changed: members of the three review groups may open them.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from wagtail.admin.views.pages.revisions import RevisionsCompareView as PageCompareView
from wagtail.models import Page
from wagtail.snippets.views.snippets import RevisionsCompareView as SnippetCompareView

from besponsa.compliance.setup import REVIEW_GROUPS


def is_reviewer(user: Any) -> bool:
    return bool(user.is_active and user.groups.filter(name__in=REVIEW_GROUPS).exists())


class ReviewerPageCompareView(PageCompareView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Skips the parent's "any page permission" gate; get_object decides.
        return super(PageCompareView, self).dispatch(request, *args, **kwargs)

    def get_object(self, queryset: Any = None) -> Any:
        page = get_object_or_404(Page, id=self.pk).specific
        perms = page.permissions_for_user(self.request.user)
        if not (perms.can_publish() or perms.can_edit() or is_reviewer(self.request.user)):
            raise PermissionDenied
        return page


class ReviewerSnippetCompareView(SnippetCompareView):
    def user_has_permission(self, permission: str) -> bool:
        return is_reviewer(self.request.user) or bool(super().user_has_permission(permission))


def page_compare(request: HttpRequest, pk: int, revision_id_a: str, revision_id_b: str) -> HttpResponse:
    view = ReviewerPageCompareView.as_view()
    return view(request, pk=pk, revision_id_a=revision_id_a, revision_id_b=revision_id_b)


def isi_compare(request: HttpRequest, pk: str, revision_id_a: str, revision_id_b: str) -> HttpResponse:
    from besponsa.portal.models import SafetyInformation

    viewset: Any = SafetyInformation.snippet_viewset
    view = viewset.construct_view(
        ReviewerSnippetCompareView,
        edit_handler=viewset._edit_handler,
        template_name=viewset.get_templates(
            "revisions_compare", fallback=ReviewerSnippetCompareView.template_name
        ),
    )
    return view(request, pk=pk, revision_id_a=revision_id_a, revision_id_b=revision_id_b)


def links(content: Any) -> list[tuple[str, str]]:
    """(label, url) for "compare with live" and "compare with previous" of the latest revision."""
    from django.urls import reverse

    latest = content.latest_revision
    if latest is None:
        return []
    is_page = isinstance(content, Page)
    name = "compliance_compare_page" if is_page else "compliance_compare_isi"
    found = []
    if content.live:
        found.append(("Compare with live version", reverse(name, args=[content.pk, "live", latest.pk])))
    previous = content.revisions.filter(pk__lt=latest.pk).order_by("-pk").first()
    if previous is not None:
        found.append(
            ("Compare with previous revision", reverse(name, args=[content.pk, previous.pk, latest.pk]))
        )
    return found
