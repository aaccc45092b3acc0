from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from besponsa.intake import outbox


class Command(BaseCommand):
    help = (
        "Enqueue every due, unsent safety / Medical Information notification (run at start-up and from cron)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = outbox.sweep()
        self.stdout.write(f"{count} notification(s) enqueued")
