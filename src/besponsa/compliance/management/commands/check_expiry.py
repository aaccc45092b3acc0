"""Lists expired and soon-expiring approvals and live pages that are withheld; makes cached pages stale.

Meant for a daily scheduler. Exit status 1 when a live page is withheld now (something to act on)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from besponsa.compliance import rules
from besponsa.compliance.models import Approval, site_today
from besponsa.portal.pagecache import bump_generation


class Command(BaseCommand):
    help = "Report expired/expiring approvals and withheld pages; invalidate the page cache."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--within", type=int, choices=[30, 60, 90], default=30, help="Days ahead to report."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = site_today()
        horizon = today + datetime.timedelta(days=options["within"])
        for approval in Approval.objects.select_related("page", "isi").filter(expires_on__lte=horizon):
            state = "EXPIRED" if approval.is_expired(today) else f"{approval.days_left(today)} days left"
            self.stdout.write(f"{approval.job_code}\t{approval.expires_on}\t{state}\t{approval.target_title}")
        withheld = []
        for model in rules.job_code_models():
            for page in model.objects.live().order_by("path"):
                problem = rules.serving_problem(page, today)
                if problem:
                    withheld.append(f"{page.url_path}: {problem}")
        for line in withheld:
            self.stdout.write(f"WITHHELD\t{line}")
        # Not needed for lapses (a cached page is never served past its approval's expiry instant), but
        # harmless and safe every minute: whatever changed outside a signal is picked up.
        bump_generation()
        if withheld:
            raise CommandError(f"{len(withheld)} live page(s) are withheld from HCPs")
