"""Creates the reviewer and editor groups and the MLR workflow, and records approvals for content the
seed loader published before this app existed. Safe to run any number of times."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from besponsa.compliance.setup import approve_unrecorded_system_content, ensure_groups_and_workflow


class Command(BaseCommand):
    help = "Create the MLR groups and workflow; record approvals of seed-published content (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = ensure_groups_and_workflow()
        self.stdout.write(f"Groups and workflow: {report}")
        from besponsa.compliance import surfaces

        recorded = approve_unrecorded_system_content() + surfaces.record_missing()
        listed = ", ".join(recorded) if recorded else "none needed"
        self.stdout.write(f"Approvals recorded for seed content: {listed}")
