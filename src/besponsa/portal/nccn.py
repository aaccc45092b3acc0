"""NCCN's permission and trademark notice (content/nccn.yaml), shown with the references of any page that
cites the NCCN Guidelines: referenced with permission, version, copyright, access date, no warranty, and
where to find the current version."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings


@dataclass(frozen=True)
class NccnNotice:
    reference: str  # the reference key whose citation brings the notice onto a page
    guideline: str
    version: str
    copyright_holder: str
    current_version_url: str
    copyright_year: int | None = None
    accessed: datetime.date | None = None


@functools.cache
def notice() -> NccnNotice:
    path = Path(settings.BASE_DIR) / "content" / "nccn.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    accessed = data.get("accessed")
    if accessed is not None and not isinstance(accessed, datetime.date):
        raise ValueError(f"content/nccn.yaml: accessed must be an ISO date (YYYY-MM-DD), got {accessed!r}")
    return NccnNotice(
        reference=data["reference"],
        guideline=data["guideline"],
        version=data["version"],
        copyright_holder=data["copyright_holder"],
        current_version_url=data["current_version_url"],
        copyright_year=data.get("copyright_year"),
        accessed=accessed,
    )


def notice_for(cited_keys: set[str]) -> NccnNotice | None:
    """The notice, if the page cites the NCCN Guidelines."""
    item = notice()
    return item if item.reference in cited_keys else None
