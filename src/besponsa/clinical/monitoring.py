"""Safety monitor: QTc (PI 5.5, 12.2), pre-dose checks, cytoreduction before the first dose (PI 2.2)
and the VOD risk factors the label names (Boxed Warning, PI 5.1)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits
from besponsa.clinical.citations import (
    BOXED_WARNING,
    PI_2_2,
    PI_5_1,
    PI_5_3,
    PI_5_4,
    PI_5_5,
    PI_8_3,
    PI_8_6,
    PI_12_2,
    Confirmation,
)
from besponsa.clinical.grading import qtc_interval_grade
from besponsa.clinical.interpretations import note

# Hepatic impairment (PI 8.6) uses the same limits as Table 3's liver rule.
from besponsa.clinical.modifications import BILIRUBIN_LIMIT_X_ULN, TRANSAMINASE_LIMIT_X_ULN
from besponsa.clinical.product import CYTOREDUCTION_LIMIT, OBSERVATION_AFTER_INFUSION
from besponsa.clinical.rounding import CONTEXT, round_interval_ms

__all__ = [
    "BEFORE_DOSING",
    "MONITORING_CHECKLIST",
    "PRE_DOSE_CHECKS",
    "QTCF_CHANGE_FLAG_MS",
    "QTCF_FLAG_MS",
    "VOD_RISK_FACTORS",
    "Check",
    "CytoreductionCheck",
    "QtcResult",
    "RiskFactor",
    "When",
    "checked_cytoreduction",
    "checklist",
    "cytoreduction_check",
    "qtc",
    "vod_risk_factors",
]

QTCF_FLAG_MS: Final = Decimal(500)  # flag strictly above
QTCF_CHANGE_FLAG_MS: Final = Decimal(60)  # flag at or above


@dataclass(frozen=True, slots=True)
class QtcResult:
    qtcf_ms: Decimal
    qtcb_ms: Decimal
    rr_s: Decimal
    qtcf_over_500: bool
    increase_60_or_more: bool | None  # None without a baseline
    change_from_baseline_ms: Decimal | None
    ctcae_grade: int
    citations: tuple[str, ...]
    notes: tuple[str, ...]


def qtc(*, qt_ms: Decimal, heart_rate_bpm: Decimal, baseline_qtcf_ms: Decimal | None = None) -> QtcResult:
    """Fridericia (QT / RR^⅓) and Bazett (QT / RR^½) corrections, RR in seconds from the heart rate."""
    limits.require(
        (
            ("qt_ms", qt_ms, limits.QT_MS),
            ("heart_rate_bpm", heart_rate_bpm, limits.HEART_RATE_BPM),
            ("baseline_qtcf_ms", baseline_qtcf_ms, limits.QT_MS),
        )
    )
    with localcontext(CONTEXT):
        rr = Decimal(60) / heart_rate_bpm
        qtcf = round_interval_ms(qt_ms / (rr.ln() / 3).exp())
        qtcb = round_interval_ms(qt_ms / rr.sqrt())
    change = None if baseline_qtcf_ms is None else qtcf - baseline_qtcf_ms
    ctcae = qtc_interval_grade(qtcf, baseline_qtcf_ms)
    return QtcResult(
        qtcf_ms=qtcf,
        qtcb_ms=qtcb,
        rr_s=rr,
        qtcf_over_500=qtcf > QTCF_FLAG_MS,
        increase_60_or_more=None if change is None else change >= QTCF_CHANGE_FLAG_MS,
        change_from_baseline_ms=change,
        ctcae_grade=ctcae,
        citations=(PI_5_5, PI_12_2),
        notes=(
            note("qtc_thresholds"),
            "The label's ECG data use QTcF; QTcB is shown for comparison only.",
        ),
    )


class When(StrEnum):
    BEFORE_FIRST_DOSE = "before_first_dose"
    BEFORE_EACH_DOSE = "before_each_dose"
    DURING_INFUSION = "during_and_after_infusion"
    AFTER_EACH_DOSE = "after_each_dose"
    QT_DRUG_STARTED = "after_starting_a_qt_prolonging_drug"
    THROUGHOUT = "throughout_treatment"
    AFTER_HSCT = "first_month_after_hsct"


BEFORE_DOSING: Final = frozenset({When.BEFORE_FIRST_DOSE, When.BEFORE_EACH_DOSE})


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    text: str
    citation: str
    when: When = When.BEFORE_EACH_DOSE
    status: Confirmation = Confirmation.SECONDARY


# The full checklist (issue #10 item 9), in the order a ward works through it. `checklist()` picks the
# items that apply to one cycle; each carries when it is due and how firmly the label text was read.
MONITORING_CHECKLIST: Final[tuple[Check, ...]] = (
    Check(
        "pregnancy_test",
        "Verify the pregnancy status of females of reproductive potential before starting (see PI 8.3 "
        "for the exact requirement).",
        PI_8_3,
        When.BEFORE_FIRST_DOSE,
        Confirmation.UNCONFIRMED,
    ),
    Check(
        "cytoreduction",
        f"Peripheral blasts at most {CYTOREDUCTION_LIMIT.amount} ×10⁹/L (10,000/mm³) before the first dose; "
        "cytoreduce first if higher.",
        PI_2_2,
        When.BEFORE_FIRST_DOSE,
    ),
    Check(
        "hepatic_impairment",
        "Hepatic function before starting: no starting-dose change with total bilirubin at most "
        f"{BILIRUBIN_LIMIT_X_ULN} × ULN and AST/ALT at most {TRANSAMINASE_LIMIT_X_ULN} × ULN; safety "
        "information is limited above those limits (apply Table 3).",
        PI_8_6,
        When.BEFORE_FIRST_DOSE,
    ),
    Check(
        "ecg_baseline",
        "ECG and electrolytes before the first dose.",
        PI_5_5,
        When.BEFORE_FIRST_DOSE,
    ),
    Check("cbc", "Complete blood count before each dose.", PI_5_3),
    Check(
        "liver_tests",
        "ALT, AST, total bilirubin and alkaline phosphatase before each dose.",
        PI_5_1,
    ),
    Check(
        "premedication",
        "Premedicate before each dose with a corticosteroid, an antipyretic and an antihistamine.",
        PI_2_2,
    ),
    Check(
        "observation",
        "Observe the patient during the infusion and for at least "
        f"{OBSERVATION_AFTER_INFUSION.amount} hour after it ends (fever, chills, rash, breathing problems).",
        PI_5_4,
        When.DURING_INFUSION,
    ),
    Check(
        "liver_tests_after_dose",
        "ALT, AST, total bilirubin and alkaline phosphatase after each dose; watch for signs of VOD "
        "(rising bilirubin, enlarged or painful liver, rapid weight gain, ascites).",
        PI_5_1,
        When.AFTER_EACH_DOSE,
    ),
    Check(
        "ecg_qt_drug",
        "ECG and electrolytes after starting any drug known to prolong QT, and periodically during "
        "treatment.",
        PI_5_5,
        When.QT_DRUG_STARTED,
    ),
    Check(
        "anti_infectives",
        "Prophylactic anti-infectives and surveillance testing as appropriate; watch for infection and "
        "bleeding.",
        PI_5_3,
        When.THROUGHOUT,
    ),
    Check(
        "liver_tests_after_hsct",
        "Monitor liver tests closely during the first month after HSCT, then less often.",
        PI_5_1,
        When.AFTER_HSCT,
    ),
)


def checklist(*, cycle: int, hsct_planned: bool) -> tuple[Check, ...]:
    """The checks that apply to one cycle: first-dose items for cycle 1 only, post-HSCT when planned."""
    return tuple(
        check
        for check in MONITORING_CHECKLIST
        if (check.when is not When.BEFORE_FIRST_DOSE or cycle == 1)
        and (check.when is not When.AFTER_HSCT or hsct_planned)
    )


# The Dosing page's "before and around each dose" table shows the whole checklist (each text says when).
PRE_DOSE_CHECKS: Final[tuple[Check, ...]] = MONITORING_CHECKLIST


@dataclass(frozen=True, slots=True)
class CytoreductionCheck:
    peripheral_blasts: Decimal
    passed: bool
    message: str
    citation: str = PI_2_2


def cytoreduction_check(*, peripheral_blasts: Decimal) -> CytoreductionCheck:
    """Before the first dose, circulating blasts must be at most 10 ×10⁹/L (10,000/mm³)."""
    limits.require((("peripheral_blasts", peripheral_blasts, limits.BLASTS),))
    return checked_cytoreduction(peripheral_blasts)


def checked_cytoreduction(peripheral_blasts: Decimal) -> CytoreductionCheck:
    """`cytoreduction_check` for a count its caller has already range-checked."""
    limit = CYTOREDUCTION_LIMIT.amount
    if peripheral_blasts <= limit:
        message = f"Peripheral blasts are at most {limit} ×10⁹/L (10,000/mm³): no cytoreduction needed."
        return CytoreductionCheck(peripheral_blasts, passed=True, message=message)
    message = (
        f"Peripheral blasts above {limit} ×10⁹/L (10,000/mm³): reduce them (for example with "
        "hydroxyurea, steroids and/or vincristine) before the first dose."
    )
    return CytoreductionCheck(peripheral_blasts, passed=False, message=message)


@dataclass(frozen=True, slots=True)
class RiskFactor:
    code: str
    text: str
    citation: str


VOD_RISK_FACTORS: Final[tuple[RiskFactor, ...]] = (
    RiskFactor("prior_liver_disease", "Ongoing or prior liver disease", BOXED_WARNING),
    RiskFactor("prior_hsct", "Prior HSCT", BOXED_WARNING),
    RiskFactor("older_age", "Older age (the label gives no age cut-off)", BOXED_WARNING),
    RiskFactor("later_salvage_line", "Later salvage line of treatment", BOXED_WARNING),
    RiskFactor(
        "hsct_two_alkylator_conditioning",
        "HSCT conditioning with two alkylating agents (for example busulfan with another alkylator)",
        BOXED_WARNING,
    ),
    RiskFactor(
        "bilirubin_at_or_above_uln_before_hsct",
        "Last total bilirubin at or above the ULN before HSCT",
        BOXED_WARNING,
    ),
    RiskFactor(
        "prior_vod_or_serious_liver_disease",
        "Prior VOD or serious ongoing liver disease (cirrhosis, nodular regenerative hyperplasia, active "
        "hepatitis): higher risk of liver worsening",
        PI_5_1,
    ),
)
_RISK_CODES: Final = frozenset(factor.code for factor in VOD_RISK_FACTORS)


def vod_risk_factors(*, present: frozenset[str], cycle: int | None = None) -> tuple[RiskFactor, ...]:
    """The label's VOD risk factors among `present` (codes from VOD_RISK_FACTORS), in table order.

    The number of BESPONSA cycles is also a risk factor without a cut-off; with `cycle` given it is
    listed from the second cycle on, so the count is never silently left out.
    """
    unknown = present - _RISK_CODES
    if unknown:
        raise ValueError(f"unknown VOD risk factor codes: {sorted(unknown)}")
    found = [factor for factor in VOD_RISK_FACTORS if factor.code in present]
    if cycle is not None and cycle > 1:
        found.append(
            RiskFactor(
                "more_cycles",
                f"More BESPONSA cycles (this is cycle {cycle}; the label gives no cut-off)",
                BOXED_WARNING,
            )
        )
    return tuple(found)
