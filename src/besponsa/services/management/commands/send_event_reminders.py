from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from besponsa.services import events, tasks


class Command(BaseCommand):
    help = "Queue a reminder (with the .ics) for registrations whose event starts within 24 h; run hourly."

    def handle(self, *args: Any, **options: Any) -> None:
        due = events.due_reminders()
        for registration_id in due:
            tasks.send_registration_email.enqueue(registration_id, "reminder")
        self.stdout.write(f"{len(due)} reminders queued")
