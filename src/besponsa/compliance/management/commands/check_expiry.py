"""Records approvals that have lapsed (once each) and starts a new page-cache generation when one has.

Safe to run from cron every minute: a second run notes nothing new, changes nothing and prints nothing.
`--report` lists expired and soon-expiring approvals and live pages withheld now; `--fail-if-withheld`
exits with status 1 while a live page is withheld (for a daily monitoring job)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from besponsa.compliance import rules
from besponsa.compliance.models import Approval, site_today


class Command(BaseCommand):
    help = "Record lapsed approvals (and refresh the page cache when one lapses); optionally report."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--within", type=int, choices=[30, 60, 90], default=30, help="Days ahead to report."
        )
        parser.add_argument("--report", action="store_true", help="List expiring and withheld content.")
        parser.add_argument(
            "--fail-if-withheld",
            action="store_true",
            help="Exit 1 while a live page is withheld.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = site_today()
        for approval in rules.note_lapses(today):
            self.stdout.write(f"LAPSED\t{approval.job_code}\t{approval.expires_on}\t{approval.target_title}")
        if not (options["report"] or options["fail_if_withheld"]):
            return
        withheld = []
        for model in rules.job_code_models():
            for page in model.objects.live().order_by("path"):
                problem = rules.serving_problem(page, today)
                if problem:
                    withheld.append(f"{page.url_path}: {problem}")
        if options["report"]:
            horizon = today + datetime.timedelta(days=options["within"])
            for approval in Approval.objects.select_related("page", "isi").filter(expires_on__lte=horizon):
                state = "EXPIRED" if approval.is_expired(today) else f"{approval.days_left(today)} days left"
                self.stdout.write(
                    f"{approval.job_code}\t{approval.expires_on}\t{state}\t{approval.target_title}"
                )
            for line in withheld:
                self.stdout.write(f"WITHHELD\t{line}")
        if withheld and options["fail_if_withheld"]:
            raise CommandError(f"{len(withheld)} live page(s) are withheld from HCPs")
