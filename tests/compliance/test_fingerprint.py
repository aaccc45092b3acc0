"""Approval pins the content: evidence and label data, the ISI shown, and what they produce for the page."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from besponsa.clinical import product
from besponsa.compliance import fingerprint, rules
from besponsa.compliance.models import Approval
from besponsa.portal import blocks
from besponsa.portal.models import ContentPage
from tests.compliance.conftest import Cast, MiniSite, hcp_client, login


@pytest.fixture(autouse=True)
def _fresh_fingerprints() -> Iterator[None]:
    fingerprint.forget()
    yield
    fingerprint.forget()


@pytest.fixture
def efficacy(site: MiniSite) -> ContentPage:
    """A page that shows an evidence section, a clinical table and a product fact in its prose."""
    page = ContentPage(
        title="Efficacy",
        slug="efficacy",
        summary="Remission results.",
        job_code="PP-INO-USA-0645",
        body=[
            ("evidence_section", {"view": "efficacy-adult", "section": "remission", "intro": ""}),
            ("clinical_table", {"table": "supply"}),
            ("paragraph", "<p>Each vial holds [[fact:vial_strength]].</p>"),
        ],
    )
    site.home.add_child(instance=page)
    page.save_revision().publish()  # no user: the seed loader's publish, approved from today
    page.refresh_from_db()
    return page


def test_the_approval_records_data_versions_parts_and_the_isi_revision(
    site: MiniSite, efficacy: ContentPage
) -> None:
    pinned = Approval.objects.get(page=efficacy).fingerprint
    assert pinned is not None
    assert pinned["data_versions"] == {"inovate-all": pinned["data_versions"]["inovate-all"]}
    assert set(pinned["parts"]) == {
        "evidence section efficacy-adult/remission",
        "clinical table supply",
        "placeholder [[fact:vial_strength]]",
    }
    assert pinned["isi_revision"] == site.isi.live_revision_id
    assert hcp_client().get("/efficacy/").status_code == 200


def _changed_vial(monkeypatch: pytest.MonkeyPatch) -> None:
    """A deploy that changes one label fact (the vial strength) in clinical/."""
    changed = dataclasses.replace(product.VIAL_STRENGTH, value=Decimal("1"))
    facts = tuple(changed if f.key == "vial_strength" else f for f in product.PRODUCT_FACTS)
    monkeypatch.setattr(product, "PRODUCT_FACTS", facts)
    fingerprint.forget()  # a deploy is a new process


def test_a_label_data_change_withholds_the_page_and_the_cms_says_why(
    efficacy: ContentPage, cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    _changed_vial(monkeypatch)
    response = hcp_client().get("/efficacy/")
    assert response.status_code == 503
    assert b"This content is being updated" in response.content
    assert b"1 mg" not in response.content
    problem = rules.serving_problem(efficacy)
    assert problem is not None
    assert "clinical table supply now reads differently" in problem
    assert "placeholder [[fact:vial_strength]] now reads differently" in problem
    editor = login(cast.editor).get(f"/cms/pages/{efficacy.pk}/edit/")
    assert "Withheld from visitors" in editor.content.decode()
    assert "clinical table supply now reads differently" in editor.content.decode()
    report = login(cast.regulatory).get("/cms/compliance/expiring/").content.decode()
    assert "placeholder [[fact:vial_strength]] now reads differently" in report


def test_a_new_dataset_version_withholds_the_page(
    efficacy: ContentPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = blocks.evidence_view

    def newer(slug: str) -> Any:
        view = real(slug)
        return dataclasses.replace(view, data_versions=tuple((n, v + 1) for n, v in view.data_versions))

    monkeypatch.setattr(blocks, "evidence_view", newer)
    fingerprint.forget()
    assert hcp_client().get("/efficacy/").status_code == 503
    problem = rules.serving_problem(efficacy)
    assert problem is not None and "evidence dataset inovate-all is version" in problem


def test_a_new_isi_revision_withholds_pages_until_they_are_approved_again(
    site: MiniSite, efficacy: ContentPage
) -> None:
    site.isi.tray_summary = "A revised tray summary."
    site.isi.save_revision().publish()
    client = hcp_client()
    assert client.get("/efficacy/").status_code == 503
    problem = rules.serving_problem(efficacy)
    assert problem is not None and "the live ISI is revision" in problem
    efficacy.save_revision().publish()  # approved again (the loader's publish) with the new ISI
    assert client.get("/efficacy/").status_code == 200


def test_prose_edits_in_the_revision_are_covered_by_the_revision_not_the_fingerprint(
    efficacy: ContentPage,
) -> None:
    """The fingerprint leaves out what the revision holds: a republish of the same data keeps its parts."""
    before = Approval.objects.get(page=efficacy).fingerprint
    efficacy.summary = "New words."
    efficacy.save_revision().publish()
    after = Approval.objects.get(page=efficacy).fingerprint
    assert before is not None and after is not None
    assert before["parts"] == after["parts"] and before["content"] == after["content"]


def test_the_fingerprint_is_computed_once_per_process_per_revision(
    efficacy: ContentPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    fingerprint.forget()
    calls: list[int] = []
    real = fingerprint._data_fingerprint

    def counted(page: Any) -> dict[str, Any]:
        calls.append(page.pk)
        return real(page)

    monkeypatch.setattr(fingerprint, "_data_fingerprint", counted)
    client = hcp_client()
    for path in ("/efficacy/", "/efficacy/?a", "/efficacy/?b"):
        assert client.get(path).status_code == 200
    assert calls == [efficacy.pk]


def test_an_approval_from_before_fingerprints_is_withheld(efficacy: ContentPage) -> None:
    Approval.objects.filter(page=efficacy).update(fingerprint=None)
    assert hcp_client().get("/efficacy/").status_code == 503
    problem = rules.serving_problem(efficacy)
    assert problem is not None and "before approvals pinned" in problem
