from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from besponsa.services.seed import generate_materials


class Command(BaseCommand):
    help = (
        "Create the generated materials (content/materials.yaml) and rebuild any whose sources changed; "
        "a rebuilt PDF is saved as a draft for MLR review and the live material is withheld until then."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(self.style.SUCCESS(f"Materials: {generate_materials()}"))
