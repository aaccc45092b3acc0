"""The materials library: generated from the single sources, approved like pages, withheld when stale."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from wagtail.models import Page

from besponsa.clinical import product, regimen
from besponsa.compliance.models import Approval, site_today
from besponsa.portal import clinical_tables
from besponsa.portal.models import SafetyInformation
from besponsa.services import materials
from besponsa.services.models import MaterialPage
from besponsa.services.seed import generate_materials

from .conftest import body, client_for, pdf_text

pytestmark = pytest.mark.django_db


def _download(client: Client, material: MaterialPage) -> Any:
    """The response, with a streamed PDF read into `pdf` and the file closed."""
    response = client.get(f"/materials/{material.pk}/download/")
    response.pdf = b"".join(response.streaming_content) if response.streaming else b""
    response.close()
    return response


def test_three_materials_are_generated_published_and_approved(seeded: dict[str, MaterialPage]) -> None:
    assert set(seeded) == {"dosing_guide", "efficacy_summary", "pocket_card"}
    for material in seeded.values():
        material.refresh_from_db()
        assert material.live and material.file.name.endswith(".pdf")
        assert Approval.objects.get(page=material).job_code == material.job_code
        assert materials.material_problem(material) is None


def test_the_dosing_guide_prints_the_regimen_tables_2_to_4_preparation_isi_and_job_code(
    seeded: dict[str, MaterialPage], tmp_path: Path
) -> None:
    guide = seeded["dosing_guide"]
    response = _download(client_for("anonymous"), guide)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.pdf, tmp_path).split())
    assert guide.job_code in text
    for table in (
        clinical_tables.hematologic_table(),
        clinical_tables.nonhematologic_table(),
        clinical_tables.interruption_table(),
        clinical_tables.preparation_table(),
    ):
        assert " ".join(table.caption.split()) in text
    first = regimen.REGIMEN_TABLE[0]
    assert format(first.total_mg_per_m2.normalize(), "f") in text
    assert product.NDC.value in text
    isi = SafetyInformation.current()
    assert isi is not None and " ".join(isi.boxed_warning_title.split()) in text


def test_the_efficacy_summary_has_the_figures_and_the_pocket_card_the_regimen(
    seeded: dict[str, MaterialPage], tmp_path: Path
) -> None:
    from besponsa.evidence import figures, pages

    client = client_for("anonymous")
    text = " ".join(pdf_text(_download(client, seeded["efficacy_summary"]).pdf, tmp_path).split())
    figure = figures.render(pages.efficacy_adult().figure_ids[0])
    assert figure.title in text
    assert seeded["efficacy_summary"].job_code in text
    card = " ".join(pdf_text(_download(client, seeded["pocket_card"]).pdf, tmp_path).split())
    assert seeded["pocket_card"].job_code in card
    assert " ".join(clinical_tables.regimen_table().caption.split()) in card


def test_the_library_lists_them_and_downloads_are_open_past_the_gate(seeded: dict[str, MaterialPage]) -> None:
    html = body(client_for("anonymous").get("/support/materials/"))
    for material in seeded.values():
        assert material.title in html and f"/materials/{material.pk}/download/" in html
    assert "sign in</a> or" in html  # print orders need an account
    assert _download(Client(), seeded["pocket_card"]).status_code == 302  # the HCP gate comes first


def test_when_the_sources_change_the_material_is_withheld_until_the_new_pdf_is_approved(
    seeded: dict[str, MaterialPage], monkeypatch: pytest.MonkeyPatch
) -> None:
    card = seeded["pocket_card"]
    old_file = card.file.name
    first = regimen.REGIMEN_TABLE[0]
    changed = dataclasses.replace(first, days=((1, Decimal("0.7")), *first.days[1:]))
    monkeypatch.setattr(regimen, "REGIMEN_TABLE", (changed, *regimen.REGIMEN_TABLE[1:]))
    materials._fingerprint.cache_clear()
    client = client_for("anonymous")

    assert materials.material_problem(card) == materials.SOURCES_CHANGED
    assert _download(client, card).status_code == 503
    assert client.get(card.url).status_code == 503
    assert card.title not in body(client.get("/support/materials/"))
    assert seeded["efficacy_summary"].title in body(
        client.get("/support/materials/")
    )  # its sources did not change

    report = generate_materials()
    assert report.regenerated == ["dosing-administration-guide", "dosing-pocket-card"]
    card.refresh_from_db()
    assert card.file.name == old_file  # the live material is untouched; the new PDF is a draft
    assert _download(client, card).status_code == 503
    draft = card.get_latest_revision()
    assert draft.content["file"] != old_file and card.has_unpublished_changes

    draft.publish()  # what the last MLR approval does (here: a publish with no user, approved by the system)
    card.refresh_from_db()
    assert card.file.name != old_file and materials.material_problem(card) is None
    assert _download(client, card).status_code == 200


def test_an_expired_or_missing_approval_withholds_the_material(seeded: dict[str, MaterialPage]) -> None:
    client = client_for("anonymous")
    guide = seeded["dosing_guide"]
    today = site_today()
    Approval.objects.filter(page=guide).update(
        approved_on=today - datetime.timedelta(days=365), expires_on=today
    )
    assert _download(client, guide).status_code == 503
    assert guide.title not in body(client.get("/support/materials/"))
    Approval.objects.filter(page=seeded["pocket_card"]).delete()
    assert _download(client, seeded["pocket_card"]).status_code == 503


def test_an_unknown_or_unpublished_material_is_404(seeded: dict[str, MaterialPage]) -> None:
    client = client_for("anonymous")
    assert client.get("/materials/999999/download/").status_code == 404
    seeded["pocket_card"].unpublish()
    assert _download(client, seeded["pocket_card"]).status_code == 404


def test_the_ordering_page_says_there_are_no_samples_and_how_the_product_is_obtained(
    seeded: dict[str, MaterialPage],
) -> None:
    ordering = Page.objects.get(url_path__endswith="/support/ordering/")
    html = body(client_for("anonymous").get(ordering.url))
    assert "not provided as samples" in html
    assert product.NDC.value in html and "specialty distributor" in html and "1-877-744-5675" in html
