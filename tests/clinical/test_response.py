"""Response classification (label_facts.md §2: CR / CRi definitions; MRD negativity < 1×10⁻⁴)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.regimen import Response
from besponsa.clinical.response import assess_response

D = Decimal

# (marrow blasts %, peripheral blasts ×10⁹/L, ANC, platelets, extramedullary disease) → response.
RESPONSES = [
    ("4.9", "0", "1.0", "100", False, Response.CR),  # every edge exactly at full recovery
    ("0", "0", "5", "300", False, Response.CR),
    ("5", "0", "1", "100", False, Response.NONE),  # marrow must be below 5 %
    ("0", "0.1", "2", "150", False, Response.NONE),  # any circulating blasts
    ("0", "0", "2", "150", True, Response.NONE),  # extramedullary disease not resolved
    ("3", "0", "0.99", "150", False, Response.CRI),  # ANC short of 1
    ("3", "0", "1.0", "99.9", False, Response.CRI),  # platelets short of 100
    ("3", "0", "0.5", "20", False, Response.CRI),  # both short
]


@pytest.mark.parametrize(("marrow", "blood", "anc", "platelets", "emd", "expected"), RESPONSES)
def test_response(marrow: str, blood: str, anc: str, platelets: str, emd: bool, expected: Response) -> None:
    result = assess_response(
        marrow_blasts_pct=D(marrow),
        peripheral_blasts=D(blood),
        anc=D(anc),
        platelets=D(platelets),
        extramedullary_disease=emd,
    )
    assert result.response is expected
    assert result.mrd_negative is None
    assert result.citations == ("PI 14", "PI 2.2")


@pytest.mark.parametrize(
    ("fraction", "negative"), [("0.0000999", True), ("0.0001", False), ("0", True), ("0.11", False)]
)
def test_mrd_threshold(fraction: str, negative: bool) -> None:
    result = assess_response(
        marrow_blasts_pct=D(1),
        peripheral_blasts=D(0),
        anc=D(2),
        platelets=D(150),
        extramedullary_disease=False,
        mrd_fraction=D(fraction),
    )
    assert result.mrd_negative is negative


def test_mrd_negative_without_response_is_explained() -> None:
    result = assess_response(
        marrow_blasts_pct=D(20),
        peripheral_blasts=D(0),
        anc=D(2),
        platelets=D(150),
        extramedullary_disease=False,
        mrd_fraction=D("0.00001"),
    )
    assert result.response is Response.NONE
    assert any("only together with CR or CRi" in note for note in result.notes)


def test_criteria_are_returned() -> None:
    result = assess_response(
        marrow_blasts_pct=D(2),
        peripheral_blasts=D(0),
        anc=D("0.5"),
        platelets=D(150),
        extramedullary_disease=False,
    )
    assert (
        result.marrow_blasts_below_5_pct,
        result.no_peripheral_blasts,
        result.no_extramedullary_disease,
        result.full_count_recovery,
    ) == (True, True, True, False)


def test_ranges() -> None:
    with pytest.raises(InvalidInput) as caught:
        assess_response(
            marrow_blasts_pct=D(101),
            peripheral_blasts=D(-1),
            anc=D(0),
            platelets=D(0),
            extramedullary_disease=False,
            mrd_fraction=D(2),
        )
    assert [e["field"] for e in caught.value.errors] == [
        "marrow_blasts_pct",
        "peripheral_blasts",
        "mrd_fraction",
    ]


# Issue #10 item 1: an MRD fraction that contradicts the marrow blasts is refused (interpretation
# mrd_blast_consistency), most often a percentage typed as a fraction.
MRD_CONTRADICTIONS = [
    (
        "1.0",
        "3",
        "mrd_fraction 1 means 100% leukemic cells, which contradicts marrow_blasts_pct 3%; did you mean "
        "0.01?",
    ),
    ("0.5", "2", "did you mean 0.005? mrd_fraction is a fraction (0.0001 = 0.01%), not a percentage"),
    ("0.9", "95", None),
    ("0.14", "3", "did you mean 0.0014?"),
    ("0.13", "3", None),
]


@pytest.mark.parametrize(("fraction", "blasts", "message"), MRD_CONTRADICTIONS)
def test_mrd_contradicting_blasts_is_refused(fraction: str, blasts: str, message: str | None) -> None:
    kwargs = {
        "marrow_blasts_pct": D(blasts),
        "peripheral_blasts": D(0),
        "anc": D(2),
        "platelets": D(150),
        "extramedullary_disease": False,
        "mrd_fraction": D(fraction),
    }
    if message is None:
        assess_response(**kwargs)  # type: ignore[arg-type]  # test table
        return
    with pytest.raises(InvalidInput) as caught:
        assess_response(**kwargs)  # type: ignore[arg-type]  # test table
    assert caught.value.errors[0]["field"] == "mrd_fraction"
    assert message in caught.value.errors[0]["message"]
