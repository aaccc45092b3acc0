from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from besponsa.portal.seed import seed_content


class Command(BaseCommand):
    help = "Load the reviewed seed content in content/ into the CMS (idempotent)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--update", action="store_true", help="Overwrite seeded fields from the files.")

    def handle(self, *args: Any, update: bool, **options: Any) -> None:
        report = seed_content(update=update)
        self.stdout.write(self.style.SUCCESS(f"Seed content: {report}"))
