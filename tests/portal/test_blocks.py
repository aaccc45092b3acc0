"""Blocks refuse content that would print a wrong or missing number, and editors can open them in the CMS."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from besponsa.clinical import product
from besponsa.portal.blocks import BodyBlock, ClaimBlock, EvidenceSectionBlock, EvidenceStatementBlock
from besponsa.portal.models import ContentPage


def _claim(text: str, refs: list[str]) -> Any:
    block = ClaimBlock()
    return block, block.to_python({"text": text, "references": refs, "footnote": ""})


def test_a_claim_with_an_unknown_placeholder_or_reference_is_refused(db: Any) -> None:
    block, value = _claim("<p>Supplied as [[fact:vial_size]].</p>", ["pi-2024"])
    with pytest.raises(ValidationError):
        block.clean(value)
    block, value = _claim("<p>Supplied as [[fact:vial_strength]].</p>", ["not-a-reference"])
    with pytest.raises(ValidationError):
        block.clean(value)
    block, value = _claim("<p>Supplied as [[fact:vial_strength]].</p>", ["pi-2024"])
    assert block.clean(value)["text"].source.startswith("<p>Supplied")


def test_unknown_evidence_ids_are_refused() -> None:
    section = EvidenceSectionBlock()
    with pytest.raises(ValidationError):
        section.clean(
            section.to_python({"view": "efficacy-adult", "section": "no-such-section", "intro": ""})
        )
    assert section.clean(section.to_python({"view": "efficacy-adult", "section": "remission", "intro": ""}))
    statement = EvidenceStatementBlock()
    with pytest.raises(ValidationError):
        statement.clean(statement.to_python({"view": "safety-adult", "statements": ["crcri"], "link": ""}))


def test_editors_pick_evidence_sections_and_statements_from_lists() -> None:
    statement = EvidenceStatementBlock().child_blocks["statements"].child_block
    groups = {label: dict(options) for label, options in statement.field.choices if isinstance(options, list)}
    assert set(groups) == {
        "Efficacy in adults (INO-VATE ALL)",
        "Efficacy in children (WI203581)",
        "Safety in adults (INO-VATE ALL)",
        "Safety in children (WI203581)",
    }
    assert groups["Efficacy in adults (INO-VATE ALL)"]["crcri"].startswith("crcri: ")
    with pytest.raises(ValidationError):
        statement.clean("no-such-statement")  # not on the list: the form refuses it before the block's check
    section = EvidenceSectionBlock().child_blocks["section"]
    adult = dict(
        dict((label, options) for label, options in section.field.choices)[
            "Efficacy in adults (INO-VATE ALL)"
        ]
    )
    assert "remission" in adult


def test_a_claim_renders_its_placeholder_from_clinical_data(db: Any) -> None:
    block, value = _claim("<p>One vial holds [[fact:vial_strength]].</p>", ["pi-2024"])
    html = block.render(value)
    strength = next(f for f in product.PRODUCT_FACTS if f.key == "vial_strength")
    assert f"One vial holds {strength.value.normalize()} {strength.unit}." in html
    assert '<a href="#ref-1"' in html


def test_body_block_knows_every_block_type_used_by_the_seed() -> None:
    import yaml

    from besponsa.portal.seed import CONTENT_DIR

    used = set()
    for path in (CONTENT_DIR / "pages").glob("*.yaml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")):
            used |= set(item)
    assert used <= set(BodyBlock.base_blocks)


def test_an_editor_can_open_the_dosing_page_in_the_cms(seeded: None, client: Client) -> None:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    editor = get_user_model().objects.create_superuser(
        "editor", "editor@example.com", "a-long-test-passphrase"
    )
    device = TOTPDevice.objects.create(user=editor, name="test", confirmed=True)
    client.force_login(editor)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # what django_otp.login() stores after a valid code
    session.save()
    dosing = ContentPage.objects.get(slug="dosing")
    response = client.get(f"/cms/pages/{dosing.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for block_type in ("claim", "clinical_table", "evidence_section", "evidence_statement"):
        assert block_type in html
