"""Loads the reviewed seed files in content/ into the CMS. Idempotent: missing things are created;
existing ones are left as editors made them unless `update=True`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
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


def _body(blocks: list[dict[str, Any]] | str, folder: Path) -> list[tuple[str, Any]]:
    """A page body: a list of {block_type: value} items, inline or in a file (`body: pages/x.yaml`)."""
    items: list[dict[str, Any]] = _read(blocks, folder) if isinstance(blocks, str) else blocks
    stream: list[tuple[str, Any]] = []
    for block in items:
        ((kind, value),) = block.items()
        stream.append((kind, value))
    return stream


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


def _seed_page(
    parent: Page, spec: dict[str, Any], report: SeedReport, update: bool, model: type[Page], folder: Path
) -> Page:
    page = parent.get_children().filter(slug=spec["slug"]).specific().first()
    fields = {
        "title": spec["title"],
        "summary": spec["summary"],
        "job_code": spec.get("job_code", ""),
        "body": _body(spec.get("body", []), folder),
    }
    if page is None:
        page = model(slug=spec["slug"], **fields)
        _validate_body(page, f"{parent.url_path}{spec['slug']}/")
        parent.add_child(instance=page)
        page.save_revision().publish()
        report.created.append(page.url_path)
    elif update:
        for name, value in fields.items():
            setattr(page, name, value)
        _validate_body(page, f"{parent.url_path}{spec['slug']}/")
        page.save_revision().publish()
        report.updated.append(page.url_path)
    for child in spec.get("children", []):
        _seed_page(page, child, report, update, _page_model(child), folder)
    return page


def _page_model(spec: dict[str, Any]) -> type[Page]:
    """`type: app_label.ModelName` picks another page type (e.g. services.MaterialLibraryPage)."""
    model: type[Page] = apps.get_model(spec["type"]) if "type" in spec else ContentPage
    return model


def _seed_pages(tree: dict[str, Any], report: SeedReport, update: bool, folder: Path) -> None:
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's initial migration leaves a plain "Welcome" page (slug "home") under the root.
        Page.objects.filter(
            depth=2, content_type__model="page", content_type__app_label="wagtailcore"
        ).delete()
    if home is None:
        home = _seed_page(root, {"slug": "home", **tree["home"]}, report, update, HomePage, folder)
    elif update:
        _seed_page(root, {"slug": home.slug, **tree["home"]}, report, update, HomePage, folder)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or site.root_page_id != home.pk:
        Site.objects.filter(is_default_site=True).delete()
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="BESPONSA HCP"
        )
    for child in tree.get("children", []):
        _seed_page(home, child, report, update, _page_model(child), folder)


@transaction.atomic
def seed_content(*, folder: Path = CONTENT_DIR, update: bool = False) -> SeedReport:
    report = SeedReport()
    site_data = _read("site.yaml", folder)
    _seed_contacts(site_data["contacts"], report, update)
    _seed_destinations(site_data["destinations"], report, update)
    _seed_isi(_read("isi.yaml", folder), report, update)
    _seed_pages(_read("pages.yaml", folder), report, update, folder)
    return report
