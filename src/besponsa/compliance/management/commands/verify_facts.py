"""A Medical reviewer records, from the command line, that label facts marked unconfirmed read so in the
label: the same audited record as the claims panel in the CMS (`FactVerification` and the history)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from besponsa.compliance import claims, rules
from besponsa.compliance.models import FactVerification


def shown_unconfirmed_facts() -> dict[str, Any]:
    """Every unconfirmed label fact a live page shows, by key."""
    from besponsa.clinical.citations import Confirmation

    found: dict[str, Any] = {}
    for model in rules.job_code_models():
        for page in model.objects.live():
            for fact in claims.page_facts(page):
                if fact.status is Confirmation.UNCONFIRMED:
                    found[fact.key] = fact
    return found


class Command(BaseCommand):
    help = "Record a Medical reviewer's verification of unconfirmed label facts shown on live pages."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--user", required=True, help="User name of the Medical reviewer.")
        parser.add_argument("--label-version", required=True, help='The PI revision read, e.g. "3/2024".')
        parser.add_argument("--section", help="The label section read (default: each fact's own citation).")
        parser.add_argument("--note", default="")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--fact", action="append", help="A fact key, e.g. interruption:under_7_days.")
        which.add_argument(
            "--all-shown", action="store_true", help="Every unconfirmed fact a live page shows."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None or not user.has_perm("compliance.add_factverification"):
            raise CommandError(f"--user: {options['user']!r} is not a Medical reviewer who may verify facts.")
        facts = shown_unconfirmed_facts()
        keys = sorted(facts) if options["all_shown"] else options["fact"]
        unknown = [key for key in keys if key not in facts]
        if unknown:
            raise CommandError(f"--fact: not an unconfirmed fact shown on a live page: {', '.join(unknown)}")
        for key in keys:
            before = FactVerification.objects.count()
            rules.record_verification(
                facts[key],
                user=user,
                label_section=options["section"] or facts[key].citation,
                label_version=options["label_version"],
                note=options["note"],
            )
            state = "recorded" if FactVerification.objects.count() > before else "already verified"
            self.stdout.write(f"{key}\t{state}")
