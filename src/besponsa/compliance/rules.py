"""The compliance rules in one place: job codes, who may approve, what may be served, and the records.

Everything the hooks, signals, views and commands decide is decided here, so the tests can reach it
directly and the rules read as a list.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.utils import timezone
from wagtail.models import Page, Revision, TaskState, WorkflowState

from besponsa.compliance import cache, claims, fingerprint
from besponsa.compliance.models import Approval, ApprovalEvent, FactVerification, default_expiry, site_today
from besponsa.portal.validators import JOB_CODE, JOB_CODE_FORMAT

# --- job codes -------------------------------------------------------------------------------------


def job_code_models() -> list[type[Any]]:
    """Every concrete page model with a job_code column (the portal's SitePage subclasses)."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, Page)
        and not model._meta.abstract
        and any(field.name == "job_code" for field in model._meta.local_concrete_fields)
    ]


def job_code_owner(
    job_code: str, *, page_id: int | None = None, isi_id: int | None = None, surface: str | None = None
) -> str | None:
    """What else already carries this job code (a page or the ISI), or None if nobody does."""
    from besponsa.portal.models import SafetyInformation

    for model in job_code_models():
        others = model.objects.filter(job_code=job_code)
        if page_id is not None:
            others = others.exclude(pk=int(page_id))
        other = others.only("title").first()
        if other is not None:
            return f'the page "{other.title}"'
    isis = SafetyInformation.objects.filter(job_code=job_code)
    if isi_id is not None:
        isis = isis.exclude(pk=int(isi_id))
    isi = isis.first()
    if isi is not None:
        return f'the ISI "{isi}"'
    others = Approval.objects.filter(job_code=job_code)
    if page_id:
        others = others.exclude(page_id=page_id)
    if isi_id:
        others = others.exclude(isi_id=isi_id)
    if surface:
        others = others.exclude(surface=surface)
    held = others.select_related("page", "isi").first()
    if held is not None:
        return f'the approved content "{held.target_title}"'
    return None


def job_code_problem(
    job_code: str | None, *, page_id: int | None = None, isi_id: int | None = None, surface: str | None = None
) -> str | None:
    """Why this job code cannot be published, or None when it is present, well-formed and unique."""
    code = (job_code or "").strip()
    if not code:
        return f"it has no job code. Add one in the format {JOB_CODE_FORMAT}"
    if not JOB_CODE.fullmatch(code):
        return f'its job code "{code}" is not in the format {JOB_CODE_FORMAT}'
    owner = job_code_owner(code, page_id=page_id, isi_id=isi_id, surface=surface)
    if owner:
        return f'its job code "{code}" is already used by {owner}; every page and the ISI need their own'
    return None


def revision_job_code(revision: Revision | None) -> str:
    if revision is None:
        return ""
    return str((revision.content or {}).get("job_code") or "")


def _target_of(content: Any) -> dict[str, Any]:
    from besponsa.portal.models import SafetyInformation

    if isinstance(content, Page):
        return {"content_kind": "page", "object_id": content.pk, "object_title": content.title[:255]}
    if isinstance(content, SafetyInformation):
        return {"content_kind": "isi", "object_id": content.pk, "object_title": str(content)[:255]}
    raise TypeError(f"no compliance record for {type(content).__name__}")


def _ids(content: Any) -> dict[str, int | None]:
    if isinstance(content, Page):
        return {"page_id": content.pk, "isi_id": None}
    return {"page_id": None, "isi_id": content.pk}


# --- who may approve -------------------------------------------------------------------------------


def approval_refusal(task_state: TaskState, user: Any) -> str | None:
    """Why `user` may not approve this step, or None when they may."""
    task = task_state.task.specific
    workflow_state: WorkflowState = task_state.workflow_state
    group_names = ", ".join(sorted(task.groups.values_list("name", flat=True))) or "the step's group"
    if not task.groups.filter(id__in=user.groups.all()).exists():
        return f'Only members of {group_names} can approve the "{task.name}" step.'
    revision = task_state.revision
    if workflow_state.requested_by_id == user.pk:
        return (
            f"You submitted this change for review, so you cannot approve it. "
            f'Another member of {group_names} has to approve the "{task.name}" step.'
        )
    if revision is not None and revision.user_id == user.pk:
        return (
            f"You wrote this revision, so you cannot approve it. "
            f'Another member of {group_names} has to approve the "{task.name}" step.'
        )
    earlier = (
        workflow_state.task_states.filter(status=TaskState.STATUS_APPROVED, finished_by=user)
        .exclude(pk=task_state.pk)
        .select_related("task")
        .first()
    )
    if earlier is not None:
        return (
            f'You already approved the "{earlier.task.name}" step of this review; '
            f"each of the Medical, Legal and Regulatory steps needs a different person."
        )
    content = workflow_state.content_object
    ids = _ids(content)
    problem = job_code_problem(revision_job_code(revision), page_id=ids["page_id"], isi_id=ids["isi_id"])
    if problem:
        return (
            f"This revision cannot be approved because {problem}. Request changes so the author can fix it."
        )
    if isinstance(content, Page) and revision is not None:
        shown = fingerprint.data_fingerprint(revision.as_object(), revision.pk)
        pending = claims.unverified(shown.get("unconfirmed", []))
        if pending:
            return (
                "This revision cannot be approved: it shows label facts still marked unconfirmed: "
                f"{claims.describe(pending)}. A Medical reviewer records their verification against the "
                "label in the page's claims and references panel first."
            )
    return None


def record_refusal(task_state: TaskState, user: Any, reason: str) -> None:
    content = task_state.workflow_state.content_object
    ApprovalEvent.objects.create(
        **_target_of(content),
        job_code=revision_job_code(task_state.revision),
        revision_id=task_state.revision_id,
        action=ApprovalEvent.REFUSED,
        step=task_state.task.name,
        user=user,
        user_name=_user_name(user),
        comment=reason,
    )


def _user_name(user: Any) -> str:
    if user is None:
        return "system"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{full} <{user.get_username()}>" if full else str(user.get_username())


# --- records ---------------------------------------------------------------------------------------


def record_event(
    content: Any,
    action: str,
    *,
    user: Any = None,
    revision: Revision | None = None,
    step: str = "",
    comment: str = "",
    approval: Approval | None = None,
) -> ApprovalEvent:
    if approval is not None:
        job_code = approval.job_code
    else:
        job_code = revision_job_code(revision) or str(getattr(content, "job_code", ""))
    return ApprovalEvent.objects.create(
        **_target_of(content),
        job_code=job_code,
        revision_id=revision.pk if revision else None,
        action=action,
        step=step[:255],
        user=user if getattr(user, "pk", None) else None,
        user_name=_user_name(user),
        comment=comment,
        approved_on=approval.approved_on if approval else None,
        expires_on=approval.expires_on if approval else None,
    )


def record_approval(
    content: Any,
    revision: Revision,
    source: str,
    *,
    user: Any = None,
    approved_on: datetime.date | None = None,
) -> Approval:
    """Makes `revision` the approved, servable version of `content` from `approved_on` for 12 months."""
    approved_on = approved_on or site_today()
    job_code = revision_job_code(revision) or str(getattr(content, "job_code", ""))
    lookup = {"page": content} if isinstance(content, Page) else {"isi": content}
    pinned = None
    if isinstance(content, Page):
        # Pin what the approved revision shows beyond itself: evidence, label data, the live ISI.
        pinned = fingerprint.of_page(revision.as_object(), revision.pk, fingerprint.live_isi_revision())
    approval, _ = Approval.objects.update_or_create(
        **lookup,
        defaults={
            "job_code": job_code,
            "approved_on": approved_on,
            "expires_on": default_expiry(approved_on),
            "revision": revision,
            "source": source,
            "fingerprint": pinned,
            "withdrawn_at": None,
            "withdrawn_by": None,
            "withdrawal_reason": "",
            "lapse_noted_on": None,
        },
    )
    record_event(content, ApprovalEvent.APPROVAL_RECORDED, user=user, revision=revision, approval=approval)
    cache.bump()
    return approval


# --- what may be served ----------------------------------------------------------------------------


LOOK_UP = -1  # serving_problem(isi_revision=...) not given: read the live ISI's revision


def serving_problem(
    page: Page,
    today: datetime.date | None = None,
    *,
    approval: Approval | None = None,
    isi_revision: int | None = LOOK_UP,
) -> str | None:
    """Why this live page must not be shown to HCPs, or None. Pages without a job_code field (the
    tree root) are not promotional content and are not checked.

    `approval` and `isi_revision` may be passed in by callers that check many pages at once (search,
    sitemap, reports), so the database is read once for all of them."""
    if not hasattr(page, "job_code"):
        return None
    if not (page.job_code or "").strip():
        return "no job code"
    if approval is None:
        approval = Approval.objects.filter(page_id=page.pk).first()
    if approval is None:
        return "no MLR approval on record"
    if approval.withdrawn:
        assert approval.withdrawn_at is not None
        when = timezone.localtime(approval.withdrawn_at).strftime("%Y-%m-%d %H:%M %Z")
        return f"the approval was withdrawn on {when}: {approval.withdrawal_reason}"
    if approval.job_code != page.job_code:
        return "the live job code is not the approved one"
    if approval.revision_id is None or approval.revision_id != page.live_revision_id:
        return "the live revision is not the approved one"
    if approval.is_expired(today):
        return f"the approval expired on {approval.expires_on.isoformat()}"
    if isi_revision == LOOK_UP:
        isi_revision = fingerprint.live_isi_revision()
    current = fingerprint.of_page(page, page.live_revision_id, isi_revision)
    changed = fingerprint.differences(approval.fingerprint, current)
    if changed:
        return "what the page shows changed since it was approved: " + "; ".join(changed)
    pending = claims.unverified(current.get("unconfirmed", []))
    if pending:
        return (
            "it shows label facts still marked unconfirmed, not yet verified by Medical: "
            + claims.describe(pending)
        )
    return None


def serving_problem_now(page: Page) -> str | None:
    """`serving_problem` of a live page a visitor asks for, decided once per page-cache generation and day
    in each process (as `portal.listing` decides which pages may be listed), not on every request: every
    change that can withhold a page bumps the generation (a publish or unpublish, an approval recorded,
    shortened, withdrawn or deleted, a fact verified, the ISI published), so the next request decides
    again; a lapse happens at the start of a day. Keyed by what the rule reads from the page's own row."""
    from besponsa.portal import pagecache

    key = (page.pk, page.live_revision_id, getattr(page, "job_code", None))
    return pagecache.per_generation_each(
        "serving-problem", key, lambda: serving_problem(page), also=site_today()
    )


def servable(pages: Iterable[Page], today: datetime.date | None = None) -> list[Page]:
    """The pages (specific instances) that may be shown now, in the given order: for search results and
    the sitemap. Reads all their approvals and the ISI once."""
    pages = list(pages)
    approvals = {a.page_id: a for a in Approval.objects.filter(page_id__in=[p.pk for p in pages])}
    isi_revision = fingerprint.live_isi_revision()
    today = today or site_today()
    return [
        page
        for page in pages
        if not hasattr(page, "job_code")
        or (
            page.pk in approvals
            and serving_problem(page, today, approval=approvals[page.pk], isi_revision=isi_revision) is None
        )
    ]


def approval_for(content: Any) -> Approval | None:
    if content is None or getattr(content, "pk", None) is None:
        return None
    if isinstance(content, Page):
        return Approval.objects.filter(page_id=content.pk).first()
    return Approval.objects.filter(isi_id=content.pk).first()


# --- changing an approval: expiry date, withdrawal, lapse ------------------------------------------


class ApprovalChangeRefused(ValueError):
    """A change to an approval that the rules do not allow; the message names the field and the reason."""


def _approval_event(approval: Approval, action: str, user: Any, comment: str) -> ApprovalEvent:
    if approval.surface:  # a page outside the CMS: no page or ISI object to name
        return ApprovalEvent.objects.create(
            content_kind="surface",
            object_id=approval.pk,
            object_title=approval.target_title[:255],
            job_code=approval.job_code,
            action=action,
            user=user if getattr(user, "pk", None) else None,
            user_name=_user_name(user),
            comment=comment,
            approved_on=approval.approved_on,
            expires_on=approval.expires_on,
        )
    content = approval.target
    return record_event(
        content, action, user=user, revision=approval.revision, comment=comment, approval=approval
    )


def set_expiry(approval: Approval, expires_on: datetime.date, *, user: Any, reason: str) -> Approval:
    """Sets (shortens, or lengthens up to 12 months after approval) the expiry date, audited; at once."""
    reason = reason.strip()
    if not reason:
        raise ApprovalChangeRefused("reason: say why the expiry date changes (it goes into the audit log).")
    latest = default_expiry(approval.approved_on)
    if expires_on <= approval.approved_on:
        raise ApprovalChangeRefused(
            f"expires_on: {expires_on.isoformat()} is not after the approval date "
            f"{approval.approved_on.isoformat()}; withdraw the approval to stop serving at once."
        )
    if expires_on > latest:
        raise ApprovalChangeRefused(
            f"expires_on: {expires_on.isoformat()} is later than {latest.isoformat()}, 12 months after the "
            "approval; a longer life needs a new MLR approval."
        )
    if approval.withdrawn:
        raise ApprovalChangeRefused("expires_on: the approval was withdrawn; it needs a new MLR approval.")
    previous = approval.expires_on
    approval.expires_on = expires_on
    approval.lapse_noted_on = None
    approval.save(update_fields=["expires_on", "lapse_noted_on", "recorded_at"])
    _approval_event(
        approval,
        ApprovalEvent.EXPIRY_CHANGED,
        user,
        f"Expiry date {previous.isoformat()} → {expires_on.isoformat()}. {reason}",
    )
    cache.bump()
    return approval


def withdraw(approval: Approval, *, user: Any, reason: str) -> Approval:
    """Withdraws a page's approval, audited: from this moment the page is withheld everywhere."""
    reason = reason.strip()
    if not reason:
        raise ApprovalChangeRefused("reason: say why the approval is withdrawn (it goes into the audit log).")
    if approval.isi_id is not None:
        raise ApprovalChangeRefused(
            "The ISI's approval cannot be withdrawn: safety information must always be shown. Submit a "
            "corrected ISI to MLR review instead."
        )
    if approval.withdrawn:
        raise ApprovalChangeRefused("This approval is already withdrawn.")
    approval.withdrawn_at = timezone.now()
    approval.withdrawn_by = user if getattr(user, "pk", None) else None
    approval.withdrawal_reason = reason
    approval.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason", "recorded_at"])
    _approval_event(approval, ApprovalEvent.WITHDRAWN, user, reason)
    cache.bump()
    return approval


def note_lapses(today: datetime.date | None = None) -> list[Approval]:
    """Records (once) each approval whose expiry date has been reached; returns the ones noted now.
    Running it again the same day, or every minute, notes nothing new."""
    today = today or site_today()
    noted = []
    due = Approval.objects.select_related("page", "isi", "revision").filter(
        expires_on__lte=today, lapse_noted_on__isnull=True, withdrawn_at__isnull=True
    )
    for approval in due:
        # Only one runner records a lapse, however many run at once.
        if Approval.objects.filter(pk=approval.pk, lapse_noted_on__isnull=True).update(lapse_noted_on=today):
            _approval_event(
                approval,
                ApprovalEvent.LAPSED,
                None,
                f"Expiry date {approval.expires_on.isoformat()} reached; the content is withheld.",
            )
            noted.append(approval)
    if noted:
        cache.bump()
    return noted


def approval_status(approval: Approval, today: datetime.date | None = None) -> str | None:
    """Why this approval's content is not served now, or None when it is served."""
    if approval.page_id is not None:
        assert approval.page is not None
        page = approval.page.specific
        if not page.live:
            return "the page is not published"
        return serving_problem(page, today, approval=approval)
    if approval.withdrawn:
        return f"withdrawn: {approval.withdrawal_reason}"
    if approval.is_expired(today):
        return f"the approval expired on {approval.expires_on.isoformat()}"
    return None


def record_verification(
    fact: Any, *, user: Any, label_section: str, label_version: str, note: str = ""
) -> FactVerification:
    """A Medical reviewer's record that `fact` reads so in the label, audited; affected pages may serve."""
    label_section, label_version = label_section.strip(), label_version.strip()
    if not label_section:
        raise ApprovalChangeRefused("label_section: name the label section you read, e.g. PI 2.3 Table 4.")
    if not label_version:
        raise ApprovalChangeRefused("label_version: name the label revision you read, e.g. 3/2024.")
    verification, created = FactVerification.objects.get_or_create(
        fact_key=fact.key,
        fact_digest=claims.fact_digest(fact),
        defaults={
            "fact_text": fact.text,
            "label_section": label_section,
            "label_version": label_version,
            "note": note.strip(),
            "verified_by": user if getattr(user, "pk", None) else None,
            "verified_by_name": _user_name(user),
        },
    )
    if created:
        note = note.strip()
        ApprovalEvent.objects.create(
            content_kind="fact",
            object_id=verification.pk,
            object_title=fact.key[:255],
            action=ApprovalEvent.FACT_VERIFIED,
            user=verification.verified_by,
            user_name=verification.verified_by_name,
            comment=f"{fact.text}. Verified against {label_section} ({label_version}). {note}".rstrip(),
        )
        cache.bump()
    return verification
