"""Public pages show claims; status, derivations and working notes sit in the reviewers' claims panel; an
unconfirmed label fact blocks approval until a Medical reviewer records its verification."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from wagtail.models import Workflow

from besponsa.clinical import modifications, product
from besponsa.compliance import fingerprint, rules, setup
from besponsa.compliance.models import ApprovalEvent, FactVerification
from besponsa.evidence.pages import DERIVED_COUNT_NOTE
from besponsa.portal.models import ContentPage
from tests.compliance.conftest import Cast, MiniSite, hcp_client, login

TABLE_4_KEYS = [f"interruption:{row.key}" for row in modifications.INTERRUPTION_TABLE]


@pytest.fixture(autouse=True)
def _fresh_fingerprints() -> Iterator[None]:
    fingerprint.forget()
    yield
    fingerprint.forget()


def _page(site: MiniSite, slug: str, job_code: str, body: list[tuple[str, Any]]) -> ContentPage:
    page = ContentPage(title=slug.title(), slug=slug, summary="Summary.", job_code=job_code, body=body)
    site.home.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


@pytest.fixture
def efficacy(site: MiniSite) -> ContentPage:
    return _page(
        site,
        "efficacy",
        "PP-INO-USA-0645",
        [
            ("evidence_section", {"view": "efficacy-adult", "section": "remission", "intro": ""}),
            ("evidence_section", {"view": "efficacy-adult", "section": "survival", "intro": ""}),
            ("clinical_table", {"table": "supply"}),
        ],
    )


@pytest.fixture
def interruptions(site: MiniSite) -> ContentPage:
    return _page(site, "interruptions", "PP-INO-USA-0646", [("clinical_table", {"table": "interruption"})])


def test_public_pages_show_claims_not_working_notes(efficacy: ContentPage, cast: Cast) -> None:
    html = hcp_client().get("/efficacy/").content.decode()
    assert "CR/CRi" in html and "Strength of one single-dose vial" in html
    for note in (
        DERIVED_COUNT_NOTE,
        "could not be confirmed",
        "Confirmed in the 3/2024 PI",
        "From a secondary source",
        "UNCONFIRMED",
        '<th scope="col">Status</th>',
        "os-reconstructed",
        "subgroups-adult",
    ):
        assert note not in html, note
    # The same notes are in the reviewers' panel, with the data records behind each number.
    panel = login(cast.legal).get(reverse("compliance_claims", args=[efficacy.pk])).content.decode()
    assert DERIVED_COUNT_NOTE in panel
    assert "could not be confirmed" in panel
    assert "From a secondary source restating the PI" in panel
    assert "data: inovate-all:crcri-ino" in panel


def test_how_a_product_fact_was_sourced_stays_in_the_panel(efficacy: ContentPage, cast: Cast) -> None:
    storage_note = product.STORAGE.source_note
    assert storage_note
    html = hcp_client().get("/efficacy/").content.decode()
    assert "2–8 °C" in html and storage_note not in html and "not read" not in html
    panel = login(cast.medical).get(reverse("compliance_claims", args=[efficacy.pk])).content.decode()
    assert storage_note in panel


def test_an_unconfirmed_fact_withholds_the_page_and_blocks_approval_until_medical_verifies_it(
    interruptions: ContentPage, cast: Cast
) -> None:
    assert hcp_client().get("/interruptions/").status_code == 503
    problem = rules.serving_problem(interruptions)
    assert problem is not None and "still marked unconfirmed" in problem

    # The MLR review cannot approve it either.
    interruptions.title = "Interruptions, revised"
    interruptions.save_revision(user=cast.editor)
    Workflow.objects.get(name=setup.WORKFLOW_NAME).start(interruptions, cast.editor)
    task_state = interruptions.current_workflow_task_state
    assert task_state is not None
    approve = reverse("wagtailadmin_pages:workflow_action", args=[interruptions.pk, "approve", task_state.pk])
    refused = login(cast.medical).post(approve, {"comment": ""})
    assert "refused" in refused["Location"]
    notice = login(cast.medical).get(refused["Location"]).content.decode()
    assert "still marked unconfirmed" in notice and "claims and references panel" in notice

    panel_url = reverse("compliance_claims", args=[interruptions.pk])
    panel = login(cast.medical).get(panel_url).content.decode()
    assert panel.count("Not verified: blocks approval of this page.") == len(TABLE_4_KEYS)

    # Legal may read the panel but not record a verification.
    response = login(cast.legal).post(
        panel_url, {"fact_key": TABLE_4_KEYS[0], "label_section": "PI 2.3 Table 4", "label_version": "3/2024"}
    )
    assert response.status_code in (302, 403) and not FactVerification.objects.exists()
    # A verification names the label section it was read against.
    response = login(cast.medical).post(
        panel_url, {"fact_key": TABLE_4_KEYS[0], "label_section": "", "label_version": "3/2024"}
    )
    assert response.status_code == 400 and "label_section" in response.content.decode()

    medical = login(cast.medical)
    for key in TABLE_4_KEYS:
        response = medical.post(
            panel_url,
            {"fact_key": key, "label_section": "PI 2.3 Table 4", "label_version": "3/2024", "note": ""},
        )
        assert response.status_code == 302
    verified = FactVerification.objects.order_by("fact_key")
    assert sorted(v.fact_key for v in verified) == sorted(TABLE_4_KEYS)
    assert {(v.verified_by, v.label_section) for v in verified} == {(cast.medical, "PI 2.3 Table 4")}
    events = ApprovalEvent.objects.filter(action=ApprovalEvent.FACT_VERIFIED)
    assert events.count() == len(TABLE_4_KEYS) and {e.user for e in events} == {cast.medical}
    panel = medical.get(panel_url).content.decode()
    assert "Not verified" not in panel
    assert re.search(r"Verified against PI 2.3 Table 4 \(3/2024\) by Maria &lt;maria&gt; on ", panel)

    # The live page is served again; the review can now proceed.
    assert hcp_client().get("/interruptions/").status_code == 200
    assert rules.approval_refusal(task_state, cast.medical) is None
