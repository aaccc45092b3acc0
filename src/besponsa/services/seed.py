"""Creates the generated materials listed in content/materials.yaml and keeps their PDFs current."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from besponsa.services import materials
from besponsa.services.models import MaterialPage

MATERIALS_FILE = Path(settings.BASE_DIR) / "content" / "materials.yaml"


@dataclass
class GenerateReport:
    created: list[str] = field(default_factory=list)
    regenerated: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.regenerated)} regenerated (drafts awaiting MLR review: "
            f"{', '.join(self.regenerated) or 'none'}), {len(self.current)} current"
        )


def generate_materials(path: Path = MATERIALS_FILE) -> GenerateReport:
    library = materials.library_page()
    if library is None:
        raise RuntimeError("No materials library page: run `manage.py seed_content` first.")
    with path.open(encoding="utf-8") as handle:
        specs: list[dict[str, Any]] = yaml.safe_load(handle)
    report = GenerateReport()
    for spec in specs:
        material = MaterialPage.objects.child_of(library).filter(slug=spec["slug"]).first()
        if material is None:
            material = MaterialPage(live=False, **spec)
            library.add_child(instance=material)
            # First build: published without a user, which records a system approval as for seeded pages.
            materials.regenerate(material, publish=True)
            report.created.append(material.slug)
        elif material.generator and materials.regenerate(material, publish=False):
            report.regenerated.append(material.slug)
        else:
            report.current.append(material.slug)
    return report
