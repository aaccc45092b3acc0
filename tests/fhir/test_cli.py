"""`besponsa clinical <op> --fhir bundle.json` and `besponsa clinical plan --fhir-out`."""

from __future__ import annotations

import io
import json
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle

from besponsa.cli.clinical import EXIT_INVALID, EXIT_OK, run
from besponsa.fhir.evaluate import evaluate
from tests.fhir.conftest import BUNDLES, load

MIXED = str(BUNDLES / "lab_mixed_units.json")


def call(argv: list[str], stdin: str = "") -> tuple[int, dict]:
    out = io.StringIO()
    code = run(argv, io.StringIO(stdin), out)
    return code, json.loads(out.getvalue())


def test_fhir_reads_the_labs_and_standard_input_holds_the_other_fields() -> None:
    given = {"timing": "before_cycle", "baseline": {"anc": 1.2, "platelets": 90}}
    code, answer = call(["clinical", "modify", "--fhir", MIXED], json.dumps(given))
    assert code == EXIT_OK
    assert answer == json.loads(
        json.dumps(evaluate("modify", {"bundle": load("lab_mixed_units"), "input": given}))
    )


def test_fhir_with_empty_standard_input() -> None:
    code, answer = call(["clinical", "bsa", "--fhir", MIXED])
    assert code == EXIT_OK and answer["bsa_m2"] == 1.82


def test_an_unreadable_or_malformed_file_exits_2_with_errors(tmp_path: Path) -> None:
    code, answer = call(["clinical", "bsa", "--fhir", str(tmp_path / "missing.json")])
    assert code == EXIT_INVALID and answer["errors"][0]["field"] == "--fhir"
    (tmp_path / "bad.json").write_text("{not json")
    code, answer = call(["clinical", "bsa", "--fhir", str(tmp_path / "bad.json")])
    assert code == EXIT_INVALID and "not a UTF-8 JSON file" in answer["errors"][0]["message"]
    code, answer = call(["clinical", "assess", "--fhir", str(BUNDLES / "malformed.json")], "{}")
    assert code == EXIT_INVALID and answer["errors"][0]["field"].startswith("bundle.entry[0]")


def test_plan_fhir_out_writes_a_valid_bundle() -> None:
    plan = {"height_cm": 170, "weight_kg": 70, "cycle": 1, "start_date": "2026-12-01", "age_years": 34}
    code, answer = call(["clinical", "plan", "--fhir-out"], json.dumps(plan))
    assert code == EXIT_OK
    Bundle.model_validate(answer)


def test_course_fhir_out_writes_the_next_cycle() -> None:
    from besponsa.clinical.examples import EXAMPLES

    code, answer = call(["clinical", "course", "--fhir-out"], json.dumps(EXAMPLES["course"]))
    assert code == EXIT_OK
    Bundle.model_validate(answer)
    assert any(e["resource"]["resourceType"] == "CarePlan" for e in answer["entry"])
