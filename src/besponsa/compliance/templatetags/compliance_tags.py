"""`{% approval_footer %}`: the job code, approval date and expiry date of the page and of the ISI."""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from besponsa.compliance.models import Approval, site_today
from besponsa.portal import pagecache

register = template.Library()


def _dates(approval: Any) -> SafeString:
    return format_html(
        ', approved <time datetime="{}">{}</time>, expires <time datetime="{}">{}</time>',
        approval.approved_on.isoformat(),
        f"{approval.approved_on:%B} {approval.approved_on.day}, {approval.approved_on.year}",
        approval.expires_on.isoformat(),
        f"{approval.expires_on:%B} {approval.expires_on.day}, {approval.expires_on.year}",
    )


@register.simple_tag
def surface_job_code(key: str) -> SafeString:
    """The job-code line of a page outside the CMS, from its approval record (content/surfaces.yaml seeds
    it): the code with its approval and expiry dates, or the code marked as not currently approved.
    Made once per page-cache generation and day, like the approval's standing (surfaces.current)."""
    lines: dict[str, SafeString] = pagecache.per_generation("surface-job-code-lines", dict, also=site_today())
    line = lines.get(key)
    if line is None:
        line = lines[key] = _surface_job_code_line(key)
    return line


def _surface_job_code_line(key: str) -> SafeString:
    from besponsa.compliance import surfaces

    approval, problem = surfaces.current(key)
    if approval is None:
        return format_html('<span class="job-code__item">Job code: not approved</span>')
    if problem:
        return format_html('<span class="job-code__item">Job code {} ({})</span>', approval.job_code, problem)
    return format_html(
        '<span class="job-code__item">Job code {}{}</span>', approval.job_code, _dates(approval)
    )


@register.simple_tag(takes_context=True)
def approval_footer(context: template.Context) -> SafeString:
    """Inline text for the footer's job-code line (it sits inside a <p>). Made once per page-cache
    generation for each page and ISI job code: it shows nothing else (a CMS preview's own job code is
    part of the key)."""
    page, isi = context.get("page"), context.get("isi")
    page_code = (page.pk, page.job_code) if page is not None and getattr(page, "job_code", None) else None
    isi_code = (isi.pk, isi.job_code) if isi is not None and getattr(isi, "job_code", None) else None
    return pagecache.per_generation_each(
        "approval-footer", (page_code, isi_code), lambda: _footer_line(page_code, isi_code)
    )


def _footer_line(page_code: tuple[int, str] | None, isi_code: tuple[int, str] | None) -> SafeString:
    parts: list[tuple[str, SafeString]] = []
    dates = pagecache.per_generation("approval-footer-dates", _approval_dates)
    if page_code is not None:
        parts.append(("Job code", format_html("{}{}", page_code[1], dates.get(("page", page_code[0]), ""))))
    if isi_code is not None:
        parts.append(("ISI", format_html("{}{}", isi_code[1], dates.get(("isi", isi_code[0]), ""))))
    return format_html_join(
        mark_safe('<span class="job-code__sep" aria-hidden="true"> · </span>'),
        '<span class="job-code__item">{} {}</span>',
        parts,
    )


def _approval_dates() -> dict[tuple[str, int], SafeString]:
    """The approval and expiry dates of every page and ISI as the footer shows them, worked out once per
    page-cache generation (saving or deleting an approval bumps it) rather than queried on every page."""
    dates: dict[tuple[str, int], SafeString] = {}
    for approval in Approval.objects.filter(surface__isnull=True):
        target = ("page", approval.page_id) if approval.page_id is not None else ("isi", approval.isi_id)
        dates[cast(tuple[str, int], target)] = _dates(approval)
    return dates
