"""The seed command: idempotent, `--update` reloads the files, bad content is refused with its page named."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from wagtail.models import Page, Revision

from besponsa.portal.models import ContentPage
from besponsa.portal.seed import CONTENT_DIR, seed_content
from tests.portal.conftest import main_html


def _copy_content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def test_seeding_again_changes_nothing_and_keeps_editors_changes(seeded: None) -> None:
    pages, revisions = Page.objects.count(), Revision.objects.count()
    dosing = ContentPage.objects.get(slug="dosing")
    dosing.title = "Dosing, as an editor changed it"
    dosing.save_revision().publish()
    report = seed_content()
    assert (report.created, report.updated) == ([], [])
    assert Page.objects.count() == pages
    assert Revision.objects.count() == revisions + 1
    assert ContentPage.objects.get(slug="dosing").title == "Dosing, as an editor changed it"


def test_update_reloads_the_files(seeded: None, tmp_path: Path) -> None:
    folder = _copy_content(tmp_path)
    nccn = folder / "pages" / "nccn.yaml"
    nccn.write_text(nccn.read_text().replace("What the categories mean", "How NCCN grades evidence"))
    seed_content(folder=folder, update=True)
    page = ContentPage.objects.get(slug="nccn")
    assert "How NCCN grades evidence" in [b.value for b in page.body if b.block_type == "heading"]
    assert page.live and not page.has_unpublished_changes


@pytest.mark.parametrize(
    "old,new,reason",
    [
        ("section: remission", "section: remision", "remision"),
        ("references: [kantarjian-nejm-2016", "references: [no-such-paper", "no-such-paper"),
    ],
)
def test_invalid_content_is_refused_naming_the_page(
    db: Any, tmp_path: Path, old: str, new: str, reason: str
) -> None:
    folder = _copy_content(tmp_path)
    target = folder / "pages" / "efficacy-adult.yaml"
    target.write_text(target.read_text().replace(old, new, 1))
    with pytest.raises(ValueError, match="adult") as error:
        seed_content(folder=folder)
    assert reason in str(error.value)


def _rich_text_of(page: ContentPage) -> str:
    """Every text of the page's body in its stored (database) form, as the CMS editor loads it."""

    def texts(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [text for item in value.values() for text in texts(item)]
        if isinstance(value, list):
            return [text for item in value for text in texts(item)]
        return [value] if isinstance(value, str) else []

    return " ".join(texts(page.body.get_prep_value()))


def test_rich_text_links_to_cms_pages_are_stored_as_the_pages_and_follow_a_rename(reader: Any) -> None:
    dosing = ContentPage.objects.get(slug="dosing")
    safety = ContentPage.objects.get(slug="adult", url_path__contains="/safety/")
    source = _rich_text_of(dosing)
    assert f'<a linktype="page" id="{safety.pk}">' in source and 'href="/safety/adult/"' not in source
    assert 'href="/safety/adult/"' in main_html(reader.get("/dosing/").content.decode())

    safety.slug = "adults"
    safety.save_revision().publish()
    body = main_html(reader.get("/dosing/").content.decode())  # the menu is the site map, in code
    assert 'href="/safety/adults/"' in body and 'href="/safety/adult/"' not in body


def test_rich_text_links_to_routes_outside_the_cms_stay_as_written(seeded: None) -> None:
    assert '<a href="/tools/planner/">' in _rich_text_of(ContentPage.objects.get(slug="dosing"))


def test_a_rich_text_link_to_no_page_is_refused_naming_the_page(db: Any, tmp_path: Path) -> None:
    folder = _copy_content(tmp_path)
    target = folder / "pages" / "dosing.yaml"
    target.write_text(target.read_text().replace('href=\\"/safety/adult/\\"', 'href=\\"/safety/adlut/\\"', 1))
    with pytest.raises(ValueError, match="dosing") as error:
        seed_content(folder=folder)
    assert "/safety/adlut/" in str(error.value)
