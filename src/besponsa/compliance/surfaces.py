"""Public pages outside the CMS (the gate, the leaving notice, search, error pages, the clinical tools):
their job codes, approval and expiry dates come from `Approval` records (one per surface), like pages.

content/surfaces.yaml names each surface with its title and job code; `record_missing()` records a
system approval for each surface that has none (run by `migrate` and `setup_compliance`). After that the
record is the source: editors set, shorten or withdraw it in the CMS like any other approval.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import yaml
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from besponsa.compliance.models import Approval, ApprovalEvent, site_today
from besponsa.portal import pagecache

SURFACES_FILE = Path(settings.BASE_DIR) / "content" / "surfaces.yaml"
View = Callable[..., HttpResponse]


@functools.cache
def declared() -> dict[str, dict[str, str]]:
    with SURFACES_FILE.open(encoding="utf-8") as handle:
        return {str(k): dict(v) for k, v in (yaml.safe_load(handle) or {}).items()}


def record_missing() -> list[str]:
    """A system approval from today for every declared surface without one; returns their job codes."""
    from besponsa.compliance import rules
    from besponsa.compliance.models import default_expiry

    recorded = []
    for key, spec in declared().items():
        if Approval.objects.filter(surface=key).exists():
            continue
        problem = rules.job_code_problem(spec["job_code"], surface=key)
        if problem:
            raise ValueError(f"content/surfaces.yaml: {key}: {problem}")
        today = site_today()
        approval = Approval.objects.create(
            surface=key,
            surface_title=spec["title"][:120],
            job_code=spec["job_code"],
            approved_on=today,
            expires_on=default_expiry(today),
            source=Approval.SYSTEM,
        )
        ApprovalEvent.objects.create(
            content_kind="surface",
            object_id=approval.pk,
            object_title=approval.target_title,
            job_code=approval.job_code,
            action=ApprovalEvent.APPROVAL_RECORDED,
            user_name="system",
            approved_on=approval.approved_on,
            expires_on=approval.expires_on,
        )
        recorded.append(approval.job_code)
    return recorded


def current(key: str) -> tuple[Approval | None, str | None]:
    """The surface's approval and why it is not current (None when it is).

    Every page outside the CMS asks this several times per request (its view's guard, its job-code
    line), so the answer for all surfaces is worked out once per page-cache generation and day in
    each process: saving or deleting an approval bumps the generation (compliance signals), and an
    expiry date is reached when the day changes, so a withdrawal or a lapse is seen on the next request."""
    today = site_today()
    standing = pagecache.per_generation("surface-approvals", lambda: _standing(today), also=today)
    return standing.get(key, (None, "no approval on record"))


def _standing(today: datetime.date) -> dict[str, tuple[Approval, str | None]]:
    """Every surface's approval record with why it is not current on `today` (None when it is)."""
    standing: dict[str, tuple[Approval, str | None]] = {}
    for approval in Approval.objects.filter(surface__isnull=False):
        if approval.withdrawn:
            problem: str | None = "approval withdrawn"
        elif approval.is_expired(today):
            problem = "approval expired"
        else:
            problem = None
        standing[str(approval.surface)] = (approval, problem)
    return standing


def for_template(key: str) -> dict[str, Any]:
    approval, problem = current(key)
    return {"approval": approval, "problem": problem}


def approved_or_withheld(key: str) -> Callable[[View], View]:
    """A view of a page outside the CMS answers only while that page's approval is current; otherwise the
    visitor gets the neutral page (503, the ISI, never cached), as a lapsed CMS page does. No query on
    a warm worker (see `current`)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if current(key)[1] is not None:
                from besponsa.compliance.views import unavailable

                return unavailable(request)
            return view(request, *args, **kwargs)

        return cast(View, guarded)

    return decorate


def job_code(key: str) -> str:
    """The approved job code of a page outside the CMS (for documents it produces, such as the PDF plan)."""
    approval, _ = current(key)
    return "" if approval is None else approval.job_code
