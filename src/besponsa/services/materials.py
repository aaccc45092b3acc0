"""Materials generated from the single sources: what each PDF is built from, its fingerprint, the PDF,
and whether a material may be served today.

A generated material records the SHA-256 of everything its PDF was built from (the clinical tables or
the evidence statements and figures, the template and the live ISI revision). When the sources change,
the fingerprint of the live material no longer matches: the material is withheld at once, and
`manage.py generate_materials` writes a new PDF as a draft revision that goes through MLR review like
any page edit.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from wagtail.models import Page

from besponsa.compliance.rules import serving_problem
from besponsa.portal import clinical_tables
from besponsa.portal.models import SafetyInformation
from besponsa.services.models import MaterialLibraryPage, MaterialPage

SOURCES_CHANGED = (
    "its sources changed after it was approved: the PDF is being regenerated and needs MLR approval again"
)


def _dosing_guide() -> dict[str, Any]:
    return {
        "tables": [
            clinical_tables.regimen_table(),
            clinical_tables.duration_table(),
            clinical_tables.hematologic_table(),
            clinical_tables.nonhematologic_table(),
            clinical_tables.interruption_table(),
            clinical_tables.preparation_table(),
            clinical_tables.supply_table(),
            clinical_tables.pre_dose_table(),
        ]
    }


def _efficacy_summary() -> dict[str, Any]:
    from besponsa.evidence import figures, pages

    views = []
    for view in (pages.efficacy_adult(), pages.efficacy_pediatric()):
        sections = [
            {
                "heading": section.heading,
                "statements": [statement.text for statement in section.statements],
                "figures": [figures.render(figure_id) for figure_id in section.figures],
            }
            for section in view.sections
        ]
        views.append(
            {
                "title": view.title,
                "sections": sections,
                "footnotes": view.footnotes,
                "references": [citation for _number, citation in view.numbered_references()],
            }
        )
    return {"views": views}


def _pocket_card() -> dict[str, Any]:
    return {
        "tables": [clinical_tables.regimen_table(), clinical_tables.preparation_table()],
        "checks": clinical_tables.pre_dose_table(),
    }


@dataclass(frozen=True)
class Generator:
    key: str
    template: str
    page_size: str  # CSS @page size
    sources: Callable[[], dict[str, Any]]


GENERATORS: dict[str, Generator] = {
    g.key: g
    for g in (
        Generator("dosing_guide", "services/pdf/dosing_guide.html", "Letter", _dosing_guide),
        Generator("efficacy_summary", "services/pdf/efficacy_summary.html", "Letter", _efficacy_summary),
        Generator("pocket_card", "services/pdf/pocket_card.html", "5.5in 8.5in", _pocket_card),
    )
}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return str(value)


def _isi_key(isi: SafetyInformation | None) -> str:
    return f"{isi.pk}:{isi.live_revision_id}" if isi is not None else "none"


SHARED_TEMPLATES = ("services/pdf/base.html", "services/pdf/_table.html", "portal/isi_body.html")


def _template_source(name: str) -> str:
    source: str = get_template(name).template.source  # type: ignore[attr-defined]
    return source


@functools.lru_cache(maxsize=32)
def _fingerprint(key: str, isi_key: str) -> str:
    generator = GENERATORS[key]
    templates = [_template_source(name) for name in (generator.template, *SHARED_TEMPLATES)]
    payload = json.dumps(
        {
            "sources": _plain(generator.sources()),
            "templates": templates,
            "isi": isi_key,
            "page": generator.page_size,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def source_fingerprint(key: str) -> str:
    """The fingerprint of what generator `key` would build now. Sources are code and data, fixed for the
    life of a process, so it is computed once per ISI revision."""
    return _fingerprint(key, _isi_key(SafetyInformation.current()))


def material_problem(material: MaterialPage) -> str | None:
    """Why this material must not be served (page, listing or download), or None."""
    problem = serving_problem(material)
    if problem:
        return problem
    if material.generator and material.source_fingerprint != source_fingerprint(material.generator):
        return SOURCES_CHANGED
    if not material.file:
        return "it has no file"
    return None


def servable_materials(library: Page) -> list[MaterialPage]:
    children = MaterialPage.objects.child_of(library).live().order_by("path")
    return [m for m in children.select_related("thumbnail") if material_problem(m) is None]


def render_pdf(key: str, *, job_code: str, title: str) -> bytes:
    from weasyprint import CSS, HTML

    from besponsa.tools.pdf import STATIC_PREFIX, _restore_svg_prefix, _static_fetcher

    _restore_svg_prefix()
    generator = GENERATORS[key]
    html = render_to_string(
        generator.template,
        {
            **generator.sources(),
            "title": title,
            "job_code": job_code,
            "isi": SafetyInformation.current(),
            "generated": timezone.localdate(),
            "stylesheet": STATIC_PREFIX + "services/css/material-print.css",
        },
    )
    fetcher = _static_fetcher()
    page = CSS(
        string=f"@page {{ size: {generator.page_size}; "
        f'@bottom-left {{ content: "{job_code}"; font: 7.5pt sans-serif; }} }}',
        url_fetcher=fetcher,
    )
    return bytes(HTML(string=html, base_url=STATIC_PREFIX, url_fetcher=fetcher).write_pdf(stylesheets=[page]))


def regenerate(material: MaterialPage, *, publish: bool) -> bool:
    """Writes a new PDF when the sources changed. Returns True when it did.

    `publish` is for the seed loader only (a publish with no user records a system approval, as for the
    seeded pages). Otherwise the new PDF is a draft revision: the live material stays withheld (its
    fingerprint is stale) until the MLR review approves and publishes the draft.
    """
    fingerprint = source_fingerprint(material.generator)
    latest = material.get_latest_revision_as_object()
    if latest.source_fingerprint == fingerprint and latest.file:
        if publish and not material.live:
            material.get_latest_revision().publish()
        return False
    name = f"materials/{material.slug}-{fingerprint[:16]}.pdf"
    if not default_storage.exists(name):
        pdf = render_pdf(material.generator, job_code=latest.job_code, title=latest.title)
        saved = default_storage.save(name, ContentFile(pdf))
        assert saved == name, "the storage renamed a content-addressed file"
    latest.file.name = name
    latest.source_fingerprint = fingerprint
    revision = latest.save_revision()
    if publish:
        revision.publish()
    return True


def library_page() -> MaterialLibraryPage | None:
    return MaterialLibraryPage.objects.first()
