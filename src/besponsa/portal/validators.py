"""Field validators shared by the page and snippet models, and the one job-code rule.

The job-code rule lives here (a leaf module that the models' migrations already reference) and is the
rule the publish check (compliance.rules) and the approval-history export apply too: a code the form
accepts is a code that can be published.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

JOB_CODE = re.compile(r"^PP-INO-USA-\d{4}$")
JOB_CODE_FORMAT = "PP-INO-USA-NNNN (four digits), e.g. PP-INO-USA-0641"


def validate_job_code(value: str) -> None:
    if value and not JOB_CODE.fullmatch(value):
        raise ValidationError(f"A job code has the format {JOB_CODE_FORMAT}.")
