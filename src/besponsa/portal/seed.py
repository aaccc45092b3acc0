"""Loads the reviewed seed files in content/ into the CMS. Idempotent: missing things are created;
existing ones are left as editors made them unless `update=True`."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import resolve
from wagtail.models import Page, Site

from besponsa.portal.models import ContentPage, ExternalDestination, HomePage, SafetyInformation, SiteContacts

CONTENT_DIR = Path(settings.BASE_DIR) / "content"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.created)} created, {len(self.updated)} updated"


def _read(name: str, folder: Path) -> Any:
    with (folder / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _body(blocks: list[dict[str, Any]] | str, folder: Path, home: Page) -> list[tuple[str, Any]]:
    """A page body: a list of {block_type: value} items, inline or in a file (`body: pages/x.yaml`)."""
    items: list[dict[str, Any]] = _read(blocks, folder) if isinstance(blocks, str) else blocks
    stream: list[tuple[str, Any]] = []
    for block in items:
        ((kind, value),) = block.items()
        stream.append((kind, _chosen_pages(value, home)))
    return stream


def _chosen_pages(value: Any, home: Page) -> Any:
    """A link in a seed file names the page it chooses by its address (`page: /dosing/`); the link block
    holds the page itself."""
    if isinstance(value, list):
        return [_chosen_pages(item, home) for item in value]
    if isinstance(value, str):
        return _page_links(value, home)
    if not isinstance(value, dict):
        return value
    chosen = {key: _chosen_pages(item, home) for key, item in value.items()}
    if isinstance(chosen.get("page"), str):
        address = chosen["page"]
        chosen["page"] = Page.objects.filter(url_path=home.url_path + address.lstrip("/")).first()
        if chosen["page"] is None:
            raise ValueError(f"a link chooses {address!r}, which is no page of pages.yaml")
    return chosen


def _seed_contacts(data: dict[str, Any], report: SeedReport, update: bool) -> None:
    contacts = SiteContacts.load()
    if contacts.adverse_event_phone and not update:
        return
    for name, value in data.items():
        setattr(contacts, name, value)
    contacts.full_clean()
    contacts.save()
    report.updated.append("site contacts")


def _seed_destinations(items: list[dict[str, str]], report: SeedReport, update: bool) -> None:
    for item in items:
        destination, created = ExternalDestination.objects.get_or_create(
            url=item["url"], defaults={"name": item["name"], "owner": item["owner"]}
        )
        if created:
            destination.full_clean()
            report.created.append(f"destination {item['url']}")
        elif update:
            destination.name, destination.owner = item["name"], item["owner"]
            destination.full_clean()
            destination.save()
            report.updated.append(f"destination {item['url']}")


def _seed_isi(data: dict[str, Any], report: SeedReport, update: bool) -> None:
    existing = SafetyInformation.objects.order_by("pk").first()
    if existing is not None and not update:
        return
    isi = existing or SafetyInformation()
    for name, value in data.items():
        setattr(isi, name, value.strip() if isinstance(value, str) else value)
    isi.full_clean()
    isi.save()
    isi.save_revision().publish()
    (report.updated if existing else report.created).append("important safety information")


def _validate_body(page: Page, slug: str) -> None:
    """Run the blocks' own checks (evidence section ids, reference keys, placeholders) on seed content."""
    try:
        page.body.stream_block.clean(page.body)
    except ValidationError as error:
        data = error.as_json_data() if hasattr(error, "as_json_data") else error.messages
        detail = json.dumps(data, ensure_ascii=False)
        raise ValueError(f"content for page {slug!r} is invalid: {detail}") from error


# A link written in seed rich text as its address: `<a href="/dosing/">`.
ADDRESS_LINK = re.compile(r'<a href="(/[^"#?]*)">')


def _page_links(text: str, home: Page) -> str:
    """Rich text in a seed file links to a CMS page by its address; the CMS stores the link as the page
    itself (Wagtail's `linktype="page"`, what its chooser writes), so the link follows the page when an
    editor moves or renames it. Addresses of pages outside the CMS (the clinical tools) stay as written;
    an address the CMS would answer but no page holds is a mistake in the file."""

    def link(match: re.Match[str]) -> str:
        address = match.group(1)
        page = Page.objects.filter(url_path=home.url_path + address.lstrip("/")).only("pk").first()
        if page is not None:
            return f'<a linktype="page" id="{page.pk}">'
        if resolve(address).url_name == "wagtail_serve":  # Wagtail answers any slug-like path
            raise ValueError(f"a link points to {address!r}, which is no page of pages.yaml")
        return match.group(0)

    return ADDRESS_LINK.sub(link, text)


@dataclass
class _Placed:
    page: Page
    spec: dict[str, Any]
    created: bool


def _place(parent: Page, spec: dict[str, Any], model: type[Page], placed: list[_Placed]) -> Page:
    """Finds the page of `spec` and its children, creating the missing ones as drafts: every page exists
    before any body is written, so a link may choose a page that comes later in the tree."""
    page = parent.get_children().filter(slug=spec["slug"]).specific().first()
    created = page is None
    if page is None:
        page = model(slug=spec["slug"], title=spec["title"], summary=spec["summary"], live=False)
        parent.add_child(instance=page)
    placed.append(_Placed(page, spec, created))
    for child in spec.get("children", []):
        _place(page, child, _page_model(child), placed)
    return page


def _fill(item: _Placed, report: SeedReport, update: bool, folder: Path, home: Page) -> None:
    """Writes, checks and publishes a new page (every page with `update`); an existing one is left as
    editors made it."""
    if not (item.created or update):
        return
    page, spec = item.page, item.spec
    try:
        body = _body(spec.get("body", []), folder, home)
    except ValueError as error:
        raise ValueError(f"content for page {page.url_path!r} is invalid: {error}") from error
    fields = {
        "title": spec["title"],
        "summary": spec["summary"],
        "job_code": spec.get("job_code", ""),
        "body": body,
    }
    for name, value in fields.items():
        setattr(page, name, value)
    _validate_body(page, page.url_path)
    page.save_revision().publish()
    (report.created if item.created else report.updated).append(page.url_path)


def _page_model(spec: dict[str, Any]) -> type[Page]:
    """`type: app_label.ModelName` picks another page type (e.g. services.MaterialLibraryPage)."""
    model: type[Page] = apps.get_model(spec["type"]) if "type" in spec else ContentPage
    return model


def _seed_pages(tree: dict[str, Any], report: SeedReport, update: bool, folder: Path) -> None:
    root = Page.get_first_root_node()
    if not HomePage.objects.exists():
        # Wagtail's initial migration leaves a plain "Welcome" page (slug "home") under the root.
        Page.objects.filter(
            depth=2, content_type__model="page", content_type__app_label="wagtailcore"
        ).delete()
    existing = HomePage.objects.first()
    placed: list[_Placed] = []
    home = _place(root, {"slug": existing.slug if existing else "home", **tree["home"]}, HomePage, placed)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or site.root_page_id != home.pk:
        Site.objects.filter(is_default_site=True).delete()
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="BESPONSA HCP"
        )
    for child in tree.get("children", []):
        _place(home, child, _page_model(child), placed)
    for item in placed:
        _fill(item, report, update, folder, home)


@transaction.atomic
def seed_content(*, folder: Path = CONTENT_DIR, update: bool = False) -> SeedReport:
    report = SeedReport()
    site_data = _read("site.yaml", folder)
    _seed_contacts(site_data["contacts"], report, update)
    _seed_destinations(site_data["destinations"], report, update)
    _seed_isi(_read("isi.yaml", folder), report, update)
    _seed_pages(_read("pages.yaml", folder), report, update, folder)
    return report
