"""docs/api.md shows real bodies and real answers."""

from __future__ import annotations

import json
import re
from pathlib import Path

from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute

DOC = (Path(__file__).resolve().parents[2] / "docs" / "api.md").read_text()


def test_every_operation_has_a_curl_example_with_its_real_body() -> None:
    for operation in OPERATION_NAMES:
        match = re.search(rf"/api/v1/clinical/{operation} \\\n.*\n  -d '([^']+)'", DOC)
        assert match, operation
        assert json.loads(match.group(1)) == EXAMPLES[operation]


def test_every_shown_answer_is_what_the_engine_answers() -> None:
    sections = re.findall(r"### `POST /api/v1/clinical/(\w+)`.*?(?=### |\Z)", DOC, re.DOTALL)
    shown = 0
    for operation in sections:
        block = DOC.split(f"### `POST /api/v1/clinical/{operation}`", 1)[1].split("### ", 1)[0]
        answer = re.search(r"```json\n(.*?)\n```", block, re.DOTALL)
        if answer:
            shown += 1
            assert json.loads(answer.group(1)) == execute(operation, EXAMPLES[operation])
    assert shown >= 4
