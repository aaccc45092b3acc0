"""`besponsa clinical <op>`: JSON in, JSON out, exit 0 or 2, tested in-process through `run`."""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from besponsa.cli import clinical as cli
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES

ROOT = Path(__file__).resolve().parents[2]


def call(argv: list[str], stdin: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(argv, io.StringIO(stdin), out)
    return code, out.getvalue()


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_every_example_exits_0_with_one_json_object(operation: str) -> None:
    code, out = call(["clinical", operation], json.dumps(EXAMPLES[operation]))
    assert code == cli.EXIT_OK
    result = json.loads(out)
    assert isinstance(result, dict) and "citations" in result


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_human_output(operation: str) -> None:
    code, out = call(["clinical", operation, "--human"], json.dumps(EXAMPLES[operation]))
    assert code == cli.EXIT_OK
    assert "citations:" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_human_plan_shows_a_dose_table() -> None:
    _, out = call(["clinical", "plan", "--human"], json.dumps(EXAMPLES["plan"]))
    assert "  day  date        window_earliest  window_latest  mg_per_m2  dose_mg  volume_ml  vials" in out
    assert "reasons: (none)" in out
    assert "next_cycle_start_if_extended  —" in out


HOLD_THEN_REDUCE = {
    "timing": "before_cycle",
    "baseline": {"anc": 2, "platelets": 150},
    "labs": {"anc": 2, "platelets": 150, "total_bilirubin_x_uln": 3, "alt_x_uln": 3},
    "interruption_days": 14,
}


def test_modify_answers_now_and_the_level_that_follows() -> None:
    """Issue #10 item 2 (PI 2.3 Tables 3-4): a reduction never hides a hold, on the command line too."""
    code, out = call(["clinical", "modify"], json.dumps(HOLD_THEN_REDUCE))
    assert code == cli.EXIT_OK
    result = json.loads(out)
    assert (result["action"], result["next_dose_level"]) == ("hold", "reduced_25")
    assert result["headline"].startswith("Hold this cycle until recovered; then give it at the dose reduced")
    assert [row["key"] for row in result["rows_applied"]] == ["liver_tests", "14_days_or_more"]
    _, human = call(["clinical", "modify", "--human"], json.dumps(HOLD_THEN_REDUCE))
    assert "action           hold" in human
    assert "next_dose_level  reduced_25" in human
    assert "rows_applied:" in human and "PI 2.3 Table 4" in human


def test_discontinued_level_is_none() -> None:
    _, out = call(["clinical", "modify"], json.dumps({**HOLD_THEN_REDUCE, "vod": True}))
    assert (json.loads(out)["action"], json.loads(out)["next_dose_level"]) == ("discontinue", "none")


def test_course_on_the_command_line() -> None:
    code, out = call(["clinical", "course", "--human"], json.dumps(EXAMPLES["course"]))
    assert code == cli.EXIT_OK
    assert "cycle                         3" in out
    assert "dose_level                    reduced_25" in out
    assert "earliest_start_date           2025-04-28" in out
    code, out = call(["clinical", "course"], json.dumps({**EXAMPLES["course"], "start_date": "2025-04-01"}))
    assert code == cli.EXIT_INVALID
    assert json.loads(out)["errors"][0]["field"] == "start_date"


@pytest.mark.parametrize(
    ("operation", "payload", "field", "hint"),
    [
        (
            "modify",
            {**HOLD_THEN_REDUCE, "labs": {"anc": 800, "platelets": 150}},
            "labs.anc",
            "did you mean 0.8",
        ),
        ("bsa", {"height_cm": 65, "weight_kg": 70}, "height_cm", "not inches"),
        ("plan", {**EXAMPLES["plan"], "age_years": 300}, "age_years", "between 0 and 120 years"),
    ],
)
def test_implausible_values_exit_2_naming_field_unit_and_guess(
    operation: str, payload: dict[str, object], field: str, hint: str
) -> None:
    code, out = call(["clinical", operation], json.dumps(payload))
    assert code == cli.EXIT_INVALID
    error = json.loads(out)["errors"][0]
    assert error["field"] == field and hint in error["message"]


def test_invalid_input_exits_2_with_every_error() -> None:
    code, out = call(["clinical", "bsa"], '{"height_cm": 12, "weight_kgs": 70}')
    assert code == cli.EXIT_INVALID
    assert [e["field"] for e in json.loads(out)["errors"]] == ["weight_kgs", "height_cm", "weight_kg"]


def test_invalid_input_in_human_mode() -> None:
    code, out = call(["clinical", "bsa", "--human"], "{}")
    assert code == cli.EXIT_INVALID
    assert out.startswith("Input problems:\n  height_cm: height_cm is required")


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("", "expected one JSON object on standard input, got nothing"),
        ("  \n", "expected one JSON object on standard input, got nothing"),
        (
            "{",
            "the input is not valid JSON: Expecting property name enclosed in double quotes "
            "(line 1, column 2)",
        ),
        ('{"a": 1} {"b": 2}', "the input is not valid JSON: Extra data (line 1, column 10)"),
        ('{"height_cm": NaN}', "the input is not valid JSON: NaN is not a number JSON allows"),
        ('{"height_cm": -Infinity}', "the input is not valid JSON: -Infinity is not a number JSON allows"),
        ('{"height_cm": 170, "height_cm": 171}', 'the field "height_cm" appears more than once'),
        ("[" * 100_000 + "]" * 100_000, "the input is nested too deeply to be one of these requests"),
        ('{"cycle": ' + "9" * 5000 + "}", "the input is not valid JSON: Exceeds the limit (4300 digits)"),
        ("[]", "body must be a JSON object with named fields (got a list)"),
        ('"text"', 'body must be a JSON object with named fields (got "text")'),
    ],
)
def test_unreadable_input_exits_2_with_a_body_error(stdin: str, message: str) -> None:
    code, out = call(["clinical", "plan"], stdin)
    assert code == cli.EXIT_INVALID
    errors = json.loads(out)["errors"]
    assert errors[0]["field"] == "body"
    assert errors[0]["message"].startswith(message)


def test_huge_exponent_is_a_range_error_not_infinity() -> None:
    code, out = call(["clinical", "bsa"], '{"height_cm": 1e400, "weight_kg": 70}')
    assert code == cli.EXIT_INVALID
    assert json.loads(out)["errors"][0]["message"].startswith(
        "height_cm must be between 40 and 250 cm (got 1"
    )


@pytest.mark.parametrize(
    ("operation", "stdin", "message"),
    [
        (
            "plan",
            {**EXAMPLES["plan"], "cycle": "1e5000"},
            "cycle must be between 1 and 100 (got 1.000E+5000)",
        ),
        (
            "bsa",
            {"height_cm": "1e999999", "weight_kg": 70},
            "height_cm must be between 40 and 250 cm (got 1.000E+999999)",
        ),
        (
            "modify",
            {**EXAMPLES["modify"], "interruption_days": "-1e400"},
            "interruption_days must be between 0 and 3650 days (got -1.000E+400)",
        ),
    ],
)
def test_absurd_magnitudes_give_short_messages(
    operation: str, stdin: dict[str, object], message: str
) -> None:
    # The numbers are spliced in as raw JSON text: json.dumps could not write them.
    text = re.sub(r'"(-?1e\d+)"', r"\1", json.dumps(stdin))
    code, out = call(["clinical", operation], text)
    assert code == cli.EXIT_INVALID
    assert json.loads(out)["errors"] == [{"field": message.split()[0], "message": message}]


def test_huge_count_echoed_in_a_finding_stays_short() -> None:
    payload = json.dumps({**EXAMPLES["modify"], "baseline": {"anc": 2, "platelets": 100}})
    payload = payload.replace('"platelets": 45', '"platelets": 45e-999')
    code, out = call(["clinical", "modify"], payload)
    assert code == cli.EXIT_OK
    message = json.loads(out)["findings"][1]["message"]
    assert message.startswith("Platelets 4.500E-998 ×10⁹/L are below 50")


def test_decimal_input_is_kept_exact() -> None:
    _, out = call(["clinical", "bsa"], '{"height_cm": 121.0, "weight_kg": 98.01}')
    assert json.loads(out)["bsa_unrounded_m2"] == 1.815


def test_non_utf8_input() -> None:
    stdin = io.TextIOWrapper(io.BytesIO(b'{"height_cm": \xff}'), encoding="utf-8")
    out = io.StringIO()
    assert cli.handle("bsa", human=False, stdin=stdin, stdout=out) == cli.EXIT_INVALID
    assert json.loads(out.getvalue())["errors"] == [
        {"field": "body", "message": "the input is not UTF-8 text"}
    ]


@pytest.mark.parametrize("human", [False, True])
def test_output_falls_back_to_escapes_when_the_terminal_cannot_encode(human: bool) -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="ascii")
    code = cli.handle("bsa", human=human, stdin=io.StringIO(json.dumps(EXAMPLES["bsa"])), stdout=stdout)
    stdout.flush()
    assert code == cli.EXIT_OK
    text = raw.getvalue().decode("ascii")
    assert "\\u221a" in text or "\\u221A" in text  # the √ of the Mosteller formula, escaped


def test_lone_surrogate_from_input_is_escaped() -> None:
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8")
    code = cli.handle("bsa", human=False, stdin=io.StringIO('{"\\ud800": 1}'), stdout=stdout)
    stdout.flush()
    assert code == cli.EXIT_INVALID
    assert json.loads(raw.getvalue())["errors"][0]["field"] == "\ud800"


def test_register_adds_every_operation_with_a_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    parser = argparse.ArgumentParser(prog="besponsa")
    cli.register(parser.add_subparsers(dest="group", required=True))
    args = parser.parse_args(["clinical", "dates", "--human"])
    assert (args.operation, args.human) == ("dates", True)
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"last_dose_date": "2025-05-31"}'))
    monkeypatch.setattr(sys, "stdout", out)
    assert args.handler(args) == cli.EXIT_OK
    assert "contraception_female_until" in out.getvalue()


def test_unknown_operation_is_an_argparse_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.run(["clinical", "dosage"], io.StringIO("{}"), io.StringIO())
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_render() -> None:
    lines = cli.render({"a": 1.0, "b": [], "c": {"d": True, "e": None}, "f": ["x", 2.5], "g": [{"h": 1}]})
    assert lines == [
        "a  1",
        "b: (none)",
        "c:",
        "  d  yes",
        "  e  —",
        "f:",
        "  - x",
        "  - 2.5",
        "g:",
        "  h",
        "  1",
    ]


@pytest.mark.skipif(
    importlib.util.find_spec("besponsa.cli.evidence") is None,
    reason="besponsa.cli.evidence (another team's module) is not there yet; the console script needs it",
)
def test_console_script_end_to_end() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "besponsa.cli", "clinical", "bsa"],
        input=json.dumps(EXAMPLES["bsa"]),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["bsa_m2"] == 1.82
    bad = subprocess.run(
        [sys.executable, "-m", "besponsa.cli", "clinical", "bsa"],
        input="{}",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert [e["field"] for e in json.loads(bad.stdout)["errors"]] == ["height_cm", "weight_kg"]
