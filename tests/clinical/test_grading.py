"""CTCAE v5.0 band edges (label_facts.md §13). Falling counts: "<upper–lower" puts an exact edge in the
milder band; rising values: ">lower–upper" does the same; AST/ALT with an abnormal baseline start grade 1
*at* 1.5× baseline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.grading import CTCAE_BANDS, DEFAULT_LLN, Term, grade, qtc_interval_grade

D = Decimal
ANC, PLT = Term.NEUTROPHIL_COUNT_DECREASED, Term.PLATELET_COUNT_DECREASED
AST, ALT, BILI, QTC = (
    Term.AST_INCREASED,
    Term.ALT_INCREASED,
    Term.BLOOD_BILIRUBIN_INCREASED,
    Term.QTC_PROLONGED,
)

# Neutrophils ×10⁹/L with LLN 2.0.
NEUTROPHILS = [
    ("2.0", 0),
    ("1.99", 1),
    ("1.5", 1),
    ("1.49", 2),
    ("1.0", 2),
    ("0.99", 3),
    ("0.5", 3),
    ("0.49", 4),
    ("0", 4),
]
# Platelets ×10⁹/L with LLN 150.
PLATELETS = [("150", 0), ("149", 1), ("75", 1), ("74.9", 2), ("50", 2), ("49.9", 3), ("25", 3), ("24.9", 4)]
# AST/ALT U/L with ULN 40, normal baseline.
TRANSAMINASES = [
    ("40", 0),
    ("40.1", 1),
    ("120", 1),  # exactly 3.0× ULN
    ("120.1", 2),
    ("200", 2),
    ("200.1", 3),
    ("800", 3),
    ("800.1", 4),
]
# AST/ALT U/L with ULN 40 and an abnormal baseline of 60: multiples of 60, grade 1 from 1.5× inclusive.
TRANSAMINASES_ABNORMAL = [
    ("89.9", 0),
    ("90", 1),
    ("180", 1),
    ("180.1", 2),
    ("300", 2),
    ("300.1", 3),
    ("1200", 3),
    ("1200.1", 4),
]
# Bilirubin mg/dL with ULN 1.2, normal baseline.
BILIRUBIN = [
    ("1.2", 0),
    ("1.21", 1),
    ("1.8", 1),
    ("1.81", 2),
    ("3.6", 2),
    ("3.61", 3),
    ("12", 3),
    ("12.01", 4),
]
# Bilirubin with ULN 1.0 and an abnormal baseline of 2.0: multiples of 2.0, grade 1 strictly above 1.0×.
BILIRUBIN_ABNORMAL = [
    ("2.0", 0),
    ("2.01", 1),
    ("3.0", 1),
    ("3.01", 2),
    ("6", 2),
    ("6.01", 3),
    ("20", 3),
    ("20.01", 4),
]
# QTc ms: grade 1 450–480, grade 2 481–500, grade 3 above 500.
QTC_BANDS = [
    ("449.9", 0),
    ("450", 1),
    ("480", 1),
    ("480.1", 2),
    ("481", 2),
    ("500", 2),
    ("500.1", 3),
    ("501", 3),
]


@pytest.mark.parametrize(("value", "expected"), NEUTROPHILS)
def test_neutrophils(value: str, expected: int) -> None:
    assert grade(term=ANC, value=D(value), lln=D("2.0")).grade == expected


@pytest.mark.parametrize(("value", "expected"), PLATELETS)
def test_platelets(value: str, expected: int) -> None:
    assert grade(term=PLT, value=D(value), lln=D(150)).grade == expected


@pytest.mark.parametrize("term", [AST, ALT])
@pytest.mark.parametrize(("value", "expected"), TRANSAMINASES)
def test_transaminases_normal_baseline(term: Term, value: str, expected: int) -> None:
    result = grade(term=term, value=D(value), uln=D(40))
    assert result.grade == expected
    assert result.basis == "upper limit of normal"


@pytest.mark.parametrize("term", [AST, ALT])
@pytest.mark.parametrize(("value", "expected"), TRANSAMINASES_ABNORMAL)
def test_transaminases_abnormal_baseline(term: Term, value: str, expected: int) -> None:
    result = grade(term=term, value=D(value), uln=D(40), baseline=D(60))
    assert result.grade == expected
    assert result.basis == "abnormal baseline"


@pytest.mark.parametrize(("value", "expected"), BILIRUBIN)
def test_bilirubin_normal_baseline(value: str, expected: int) -> None:
    assert grade(term=BILI, value=D(value), uln=D("1.2")).grade == expected


@pytest.mark.parametrize(("value", "expected"), BILIRUBIN_ABNORMAL)
def test_bilirubin_abnormal_baseline(value: str, expected: int) -> None:
    assert grade(term=BILI, value=D(value), uln=D("1.0"), baseline=D("2.0")).grade == expected


@pytest.mark.parametrize(("value", "expected"), QTC_BANDS)
def test_qtc(value: str, expected: int) -> None:
    result = grade(term=QTC, value=D(value))
    assert result.grade == expected
    assert result.ctcae_version == "5.0"


def test_qtc_change_from_baseline_over_60_is_grade_3() -> None:
    assert grade(term=QTC, value=D(460), baseline=D(400)).grade == 1  # exactly 60: not more than 60
    assert grade(term=QTC, value=D("460.1"), baseline=D(400)).grade == 3
    assert qtc_interval_grade(D(440)) == 0


def test_baseline_at_uln_counts_as_normal() -> None:
    assert grade(term=AST, value=D(45), uln=D(40), baseline=D(40)).basis == "upper limit of normal"


def test_liver_values_without_uln_are_multiples() -> None:
    result = grade(term=AST, value=D("3.0"))
    assert result.grade == 1
    assert any("multiples of the ULN" in note for note in result.notes)
    assert grade(term=AST, value=D("3.01")).grade == 2


# Issue #10 item 8: without an LLN a count below every laboratory's LLN is never "normal"; a stated
# default LLN is used and the answer says so (CTCAE v5.0 grade 1 = <LLN).
NO_LLN = [
    (PLT, "100", 1),  # the example: below every laboratory's LLN
    (PLT, "149.9", 1),
    (PLT, "150", 0),
    (ANC, "1.6", 1),
    (ANC, "2.0", 0),
    (ANC, "1.2", 2),
]


@pytest.mark.parametrize(("term", "value", "expected"), NO_LLN)
def test_counts_without_lln_use_a_stated_default(term: Term, value: str, expected: int) -> None:
    result = grade(term=term, value=D(value))
    assert result.grade == expected
    assert result.basis == "default lower limit of normal (no LLN given)"
    assert result.lln_default and result.lln_used == DEFAULT_LLN[term]
    assert any(
        f"default LLN of {DEFAULT_LLN[term]}" in note and "Give your laboratory's LLN" in note
        for note in result.notes
    )


def test_a_given_lln_is_used_as_given() -> None:
    result = grade(term=PLT, value=D("145"), lln=D("140"))
    assert (result.grade, result.lln_used, result.lln_default, result.notes) == (0, D("140"), False, ())


def test_band_text() -> None:
    assert grade(term=ANC, value=D("1.0")).band == "<1.5–1.0 ×10⁹/L (<1500–1000/mm³)"
    assert grade(term=AST, value=D(1)).band == "Grade 0: no CTCAE band reached"
    assert grade(term=PLT, value=D(200)).band.startswith("Grade 0: at or above the default lower limit")
    assert all(len(bands) == 4 for bands in CTCAE_BANDS.values())
    assert set(CTCAE_BANDS) == set(Term)


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"term": ANC, "value": D(1), "uln": D(40)}, ["uln"]),
        ({"term": AST, "value": D(50), "lln": D(2)}, ["lln"]),
        ({"term": PLT, "value": D(50), "baseline": D(100)}, ["baseline"]),
        ({"term": QTC, "value": D(50)}, ["value"]),
        ({"term": AST, "value": D(-1), "uln": D(0)}, ["value", "uln"]),
    ],
)
def test_problems(kwargs: dict[str, object], fields: list[str]) -> None:
    with pytest.raises(InvalidInput) as caught:
        grade(**kwargs)  # type: ignore[arg-type]  # parametrized keyword sets
    assert [e["field"] for e in caught.value.errors] == fields


def test_an_input_that_does_not_apply_to_the_term_names_the_terms_it_applies_to() -> None:
    with pytest.raises(InvalidInput) as caught:
        grade(term=PLT, value=D(50), uln=D(40), lln=D(150), baseline=D(100))
    assert caught.value.errors == [
        {
            "field": "uln",
            "message": "uln applies only to ast_increased, alt_increased and blood_bilirubin_increased",
        },
        {
            "field": "baseline",
            "message": "baseline applies only to ast_increased, alt_increased, "
            "blood_bilirubin_increased and qtc_prolonged",
        },
    ]
    with pytest.raises(InvalidInput) as caught:
        grade(term=QTC, value=D(450), lln=D(150))
    assert caught.value.errors == [
        {
            "field": "lln",
            "message": "lln applies only to neutrophil_count_decreased and platelet_count_decreased",
        }
    ]


# Issue #10 item 1: plausible ranges for graded values. Counts use the count ranges (with the per-µL
# guess); a liver value is checked as a multiple of its ULN (bilirubin 100×, AST/ALT 1000×).
IMPLAUSIBLE = [
    (
        {"term": ANC, "value": D(800)},
        "value must be between 0 and 100 ×10⁹/L (got 800); did you mean 0.8 ×10⁹/L?",
    ),
    ({"term": PLT, "value": D(150000)}, "did you mean 150 ×10⁹/L? counts are entered ×10⁹/L, not per µL"),
    (
        {"term": AST, "value": D(50000), "uln": D(40)},
        "value is more than the plausible 1000× the ULN (got 50000); check that it is entered in the same "
        "units as uln",
    ),
    (
        {"term": Term.BLOOD_BILIRUBIN_INCREASED, "value": D(120)},
        "value is more than the plausible 100× the ULN (got 120); check that it is entered as a multiple of "
        "the ULN",
    ),
    ({"term": AST, "value": D(50), "uln": D(0)}, "uln must be more than 0 and at most 100000 (got 0)"),
]


@pytest.mark.parametrize(("kwargs", "message"), IMPLAUSIBLE)
def test_implausible_values_are_refused_with_the_reason(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        grade(**kwargs)  # type: ignore[arg-type]  # test table
    assert any(message in error["message"] for error in caught.value.errors), caught.value.errors


def test_a_vanishing_uln_is_refused_not_a_crash() -> None:
    with pytest.raises(InvalidInput) as caught:
        grade(term=AST, value=D(100000), uln=D("1e-999999"))
    assert caught.value.errors[0]["field"] == "value"


def test_a_plausible_multiple_is_graded() -> None:
    assert grade(term=AST, value=D(1000), uln=D(40)).grade == 4  # 25× ULN
