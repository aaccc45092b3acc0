"""docs/clinical.md stays true: its examples run, and it lists every interpretation and operation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.interpretations import INTERPRETATIONS, GapKind, Interpretation
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "clinical.md").read_text(encoding="utf-8")
COMMANDS = re.findall(r"^echo '(.*)' \| besponsa clinical (\w+)", DOC, flags=re.MULTILINE)


def test_one_runnable_example_per_operation() -> None:
    valid = [(json.loads(body), op) for body, op in COMMANDS if "weight_kgs" not in body]
    assert [op for _, op in valid] == list(OPERATION_NAMES)
    for payload, operation in valid:
        assert payload == EXAMPLES[operation]
        execute(operation, payload)


def test_the_invalid_example_shows_the_real_errors() -> None:
    body = next(body for body, _ in COMMANDS if "weight_kgs" in body)
    with pytest.raises(InvalidInput) as caught:
        execute("bsa", json.loads(body))
    for error in caught.value.errors:
        assert json.dumps(dict(error), ensure_ascii=False) in DOC


@pytest.mark.parametrize("item", INTERPRETATIONS, ids=lambda item: item.code)
def test_every_interpretation_is_documented(item: Interpretation) -> None:
    assert f"| `{item.code}` | {item.kind.value} |" in DOC


def test_notes_never_pass_for_label_text() -> None:
    for item in INTERPRETATIONS:
        marker = (
            "not checked against the label text" if item.kind is GapKind.UNCONFIRMED else "does not specify"
        )
        assert marker in item.note
        assert item.citation in item.note
    assert len({item.code for item in INTERPRETATIONS}) == len(INTERPRETATIONS)
