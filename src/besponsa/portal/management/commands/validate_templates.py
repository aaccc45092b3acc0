"""Compiles every template of our apps, so that a syntax error or an unknown tag fails `make lint`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.template import TemplateSyntaxError, engines


class Command(BaseCommand):
    help = "Compile every template under the besponsa apps and report any that fail."

    def handle(self, *args: Any, **options: Any) -> None:
        engine = engines["django"]
        failures: list[str] = []
        count = 0
        for config in apps.get_app_configs():
            if not config.name.startswith("besponsa."):
                continue
            folder = Path(config.path) / "templates"
            for path in sorted(folder.rglob("*.html")) + sorted(folder.rglob("*.txt")):
                name = path.relative_to(folder).as_posix()
                count += 1
                try:
                    engine.get_template(name)
                except TemplateSyntaxError as error:
                    failures.append(f"{name}: {error}")
        if failures:
            raise CommandError("Templates that do not compile:\n" + "\n".join(failures))
        self.stdout.write(self.style.SUCCESS(f"{count} templates compile"))
