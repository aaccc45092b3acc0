"""Field validators shared by the page and snippet models."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

JOB_CODE = re.compile(r"^PP-[A-Z]{3}-USA-\d{4}$")


def validate_job_code(value: str) -> None:
    if value and not JOB_CODE.fullmatch(value):
        raise ValidationError(
            "A job code looks like PP-INO-USA-0641: 'PP-', three capital letters, '-USA-', four digits."
        )
