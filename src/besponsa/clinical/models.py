"""Each operation's input and output, described once, as pydantic models.

The boundary (`_validation`) validates payloads with the input models and words their errors; the API
gives the same models to django-ninja for its OpenAPI document; the web tools build their forms from
them. Ranges come from `limits`, the objects the core functions check, so a documented range and an
enforced range cannot drift apart. Output models read the core's own result dataclasses where the names
agree (`from_attributes`); numbers leave as JSON numbers and dates as `YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    WithJsonSchema,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from besponsa.clinical import limits, preparation, product, regimen, reproductive, rounding
from besponsa.clinical import response as assessment
from besponsa.clinical.bsa import BsaFormula
from besponsa.clinical.citations import Confirmation
from besponsa.clinical.grading import Term
from besponsa.clinical.limits import Limit
from besponsa.clinical.modifications import Action, CytopeniaCause, InfusionReaction, Timing
from besponsa.clinical.monitoring import VOD_RISK_FACTORS, When
from besponsa.clinical.planner import PlanStatus
from besponsa.clinical.preparation import Route
from besponsa.clinical.product import LabelFact
from besponsa.clinical.regimen import DoseLevel, Response

__all__ = ["INPUTS", "OUTPUTS", "Input", "Output", "Range"]

# Input field types -----------------------------------------------------------------------------------


def _as_decimal(value: object) -> object:
    """int and float become Decimal (a float through its shortest repr: 70.1 stays 70.1); a bool, a string
    or anything else is left for the strict Decimal check to refuse."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _as_whole(value: object) -> object:
    """2.0 and Decimal("2.00") are whole numbers; 2.5 is left for the strict int check to refuse.
    A huge magnitude is never turned into an int (int(1e5000) would build 5000 digits for nothing)."""
    number = _as_decimal(value)
    if not isinstance(number, Decimal) or not number.is_finite() or abs(number.adjusted()) > 20:
        return value
    if number == number.to_integral_value():
        return int(number)
    return value


_ISO_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value: object) -> object:
    if not isinstance(value, str) or _ISO_DATE.fullmatch(value) is None:
        raise PydanticCustomError("date_format", "not a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("date_calendar", "not a real calendar date") from None


Number = Annotated[Decimal, BeforeValidator(_as_decimal), Strict(), WithJsonSchema({"type": "number"})]
Whole = Annotated[int, BeforeValidator(_as_whole), Strict()]
Flag = Annotated[bool, Strict()]
Day = Annotated[
    dt.date,
    BeforeValidator(_as_date),
    Field(ge=limits.EARLIEST_DATE, le=limits.LATEST_DATE),
    WithJsonSchema({"type": "string", "format": "date"}),
]


def _json_number(value: Decimal) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


@dataclass(frozen=True, slots=True)
class Range:
    """A field's accepted range: its words (in the description and in messages) and its JSON Schema
    bounds. Carried as the field's `json_schema_extra`, so the boundary finds the `Limit` there."""

    limit: Limit | None = None
    text: str = ""

    def describe(self) -> str:
        return self.limit.describe() if self.limit is not None else self.text

    def __call__(self, schema: dict[str, Any]) -> None:
        schema["description"] = f"{schema.get('description', '')} ({self.describe()})"
        for option in schema.get("anyOf", ()):  # pydantic's own bound keywords (not JSON Schema) go
            for keyword in ("ge", "gt", "le", "lt"):
                option.pop(keyword, None)
        if self.limit is not None:
            low = "exclusiveMinimum" if self.limit.exclusive_minimum else "minimum"
            schema[low] = _json_number(self.limit.minimum)
            schema["maximum"] = _json_number(self.limit.maximum)


def field_range(field: FieldInfo | None) -> Range:
    """A field's accepted range, carried as its `json_schema_extra` (an empty Range when it has none)."""
    extra = field.json_schema_extra if field is not None else None
    return extra if isinstance(extra, Range) else Range()


_DATES: Final = Range(text=f"between {limits.EARLIEST_DATE.isoformat()} and {limits.LATEST_DATE.isoformat()}")


def number(limit: Limit, description: str, *, required: bool = True) -> Any:
    """A number field checked against `limit` (the same object the core checks)."""
    low = limit.minimum
    return Field(
        ... if required else None,
        description=description,
        gt=low if limit.exclusive_minimum else None,
        ge=None if limit.exclusive_minimum else low,
        le=limit.maximum,
        allow_inf_nan=False,
        json_schema_extra=Range(limit),
    )


def date(description: str, *, required: bool = True) -> Any:
    return Field(... if required else None, description=description, json_schema_extra=_DATES)


def flag(description: str) -> Any:
    return Field(False, description=description)


def _fact(fact: LabelFact) -> str:
    """A product fact as it reads in a description, e.g. "0.9 mg": the number comes from product.py."""
    return f"{fact.value} {fact.unit}"


class Input(BaseModel):
    """An operation's input: unknown fields are refused (a typo must never fall back to a default), and a
    JSON null means "not given" (the default applies, a required field is reported missing)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: object) -> object:
        if isinstance(data, Mapping):  # an unknown field stays, null or not, so that it is refused
            return {
                key: value for key, value in data.items() if value is not None or key not in cls.model_fields
            }
        return data


# Inputs ------------------------------------------------------------------------------------------------
# Fields several operations share are made by small functions: each model gets its own FieldInfo.


def _age() -> Any:
    return number(
        limits.AGE_YEARS,
        "Age in years (fractions allowed: 0.5 is 6 months); under 1 year the plan is outside the label",
    )


def _blasts() -> Any:
    return number(
        limits.BLASTS,
        "Peripheral blood blasts before the first dose, ×10⁹/L "
        f"({_fact(product.CYTOREDUCTION_LIMIT)} = 10,000/mm³); cycle 1 only",
        required=False,
    )


def _hsct() -> Any:
    return flag("The patient is going on to HSCT")


def _vod_risk() -> Any:
    return Field(default_factory=VodRisk, description="VOD risk factors the clinician knows to be present")


def _dose_level(description: str) -> Any:
    return Field(DoseLevel.FULL, description=description)


_CURRENT_DOSE_LEVEL: Final = (
    "Current dose level: full, 25% reduced, or 2 doses per cycle (never re-escalated)"
)


def _whole(limit: Limit, description: str) -> Any:
    """A whole number that is 0 when not given."""
    return Field(
        0, description=description, ge=limit.minimum, le=limit.maximum, json_schema_extra=Range(limit)
    )


def _response(description: str) -> Any:
    return Field(Response.NONE, description=description)


if TYPE_CHECKING:
    VodRisk = Input
else:  # one flag per risk factor of the core's list, in its order
    VodRisk = create_model(
        "VodRisk",
        __base__=Input,
        __doc__="VOD risk factors the clinician knows to be present.",
        **{factor.code: (Flag, flag(factor.text)) for factor in VOD_RISK_FACTORS},
    )


# Every dose rests on the BSA, so the inputs that plan doses extend this one: their first three fields.
class BsaInput(Input):
    height_cm: Number = number(limits.HEIGHT_CM, "Body height in cm")
    weight_kg: Number = number(limits.WEIGHT_KG, "Actual body weight in kg")
    formula: BsaFormula = Field(BsaFormula.MOSTELLER, description="BSA formula")


class PlanInput(BsaInput):
    cycle: Whole = number(limits.CYCLE, "Cycle number to plan")
    start_date: Day = date("Day 1 of this cycle, YYYY-MM-DD")
    best_response: Response = _response("Best response reached before this cycle")
    mrd_negative: Flag = flag("MRD negativity (<1×10⁻⁴) reached before this cycle")
    hsct_planned: Flag = _hsct()
    dose_level: DoseLevel = _dose_level(_CURRENT_DOSE_LEVEL)
    age_years: Number = _age()
    peripheral_blasts: Number | None = _blasts()
    vod_risk: VodRisk = _vod_risk()


class PastCycleInput(Input):
    """One earlier cycle; the fields are those of the core's `course.PastCycle`."""

    day1_date: Day = date("Actual Day 1 of that cycle, YYYY-MM-DD")
    dose_level: DoseLevel = _dose_level("Dose level given in that cycle")
    response: Response = _response("Best response assessed during or at the end of that cycle")
    mrd_negative: Flag = flag("MRD negative (<1×10⁻⁴) at that assessment")
    extended_to_28_days: Flag = flag("Cycle 1 only: the cycle was extended to 28 days")
    last_dose_date: Day | None = date("Actual date of that cycle's last dose, YYYY-MM-DD", required=False)
    interruption_days: Whole = _whole(
        limits.DAYS, "Longest interruption of dosing for toxicity in that cycle, days"
    )


class CourseInput(BsaInput):
    age_years: Number = _age()
    cycles: Annotated[list[PastCycleInput], Strict()] = Field(
        default_factory=list,
        description="Earlier cycles in order, as they went (empty or absent before the first cycle)",
        max_length=regimen.MAX_CYCLES,
    )
    start_date: Day | None = date(
        "Day 1 of the cycle to plan, YYYY-MM-DD (default: the earliest the history allows; required for "
        "the first cycle)",
        required=False,
    )
    hsct_planned: Flag = _hsct()
    peripheral_blasts: Number | None = _blasts()
    vod_risk: VodRisk = _vod_risk()


_ANC_TEXT: Final = "Absolute neutrophil count, ×10⁹/L"
_PLATELET_TEXT: Final = "Platelet count not supported by transfusion, ×10⁹/L"


class Counts(Input):
    anc: Number = number(limits.ANC, _ANC_TEXT)
    platelets: Number = number(limits.PLATELETS, _PLATELET_TEXT)


class Labs(Input):
    anc: Number | None = number(limits.ANC, _ANC_TEXT, required=False)
    platelets: Number | None = number(limits.PLATELETS, _PLATELET_TEXT, required=False)
    total_bilirubin_x_uln: Number | None = number(
        limits.BILIRUBIN_X_ULN, "Total bilirubin as a multiple of ULN", required=False
    )
    ast_x_uln: Number | None = number(limits.TRANSAMINASE_X_ULN, "AST as a multiple of ULN", required=False)
    alt_x_uln: Number | None = number(limits.TRANSAMINASE_X_ULN, "ALT as a multiple of ULN", required=False)


class ModifyInput(Input):
    timing: Timing = Field(
        title="When these results were taken",
        description="before_dose: a Day 8 or Day 15 dose inside a cycle; before_cycle: Day 1 of the next "
        "cycle",
    )
    baseline: Counts = Field(description="Counts before the first BESPONSA dose (choose the Table 2 row)")
    previous_cycle_baseline: Counts | None = Field(
        None, description="Counts at the start of the previous cycle"
    )
    labs: Labs = Field(
        title="Current results (ANC and platelets are needed before a new cycle)",
        description="Current results; anc and platelets are required before a new cycle",
    )
    vod: Flag = flag("Hepatic veno-occlusive disease or other severe liver toxicity")
    infusion_reaction: InfusionReaction = Field(
        InfusionReaction.NONE, description="Infusion-related reaction and its severity"
    )
    other_nonhematologic_grade: Whole = _whole(limits.GRADE, "Worst other non-hematologic toxicity grade now")
    other_nonhematologic_baseline_grade: Whole = _whole(
        limits.GRADE, "Grade of that toxicity before treatment"
    )
    bilirubin_from_gilbert_or_hemolysis: Flag = flag(
        "The bilirubin rise is due to Gilbert's syndrome or hemolysis"
    )
    cytopenia_cause: CytopeniaCause = Field(
        CytopeniaCause.NOT_ASSESSED,
        title="What the low counts are judged to come from",
        description="What the low counts are judged to come from (not_assessed is not the same as "
        "drug-related: the tool asks)",
    )
    marrow_stable_or_improved: Flag = flag("The latest bone marrow shows stable or improved disease")
    cytopenia_days: Whole = _whole(limits.DAYS, "Days the counts have been low")
    interruption_days: Whole = _whole(limits.DAYS, "Days dosing has been interrupted for toxicity")
    dose_level: DoseLevel = _dose_level(_CURRENT_DOSE_LEVEL)


class AssessInput(Input):
    marrow_blasts_pct: Number = number(limits.PERCENT, "Bone-marrow blasts, %")
    peripheral_blasts: Number = number(limits.BLASTS, "Peripheral blood leukemic blasts, ×10⁹/L")
    anc: Number = number(limits.ANC, _ANC_TEXT)
    platelets: Number = number(limits.PLATELETS, "Platelet count, ×10⁹/L")
    extramedullary_disease: Flag = Field(description="Extramedullary disease present (not resolved)")
    mrd_fraction: Number | None = number(
        limits.FRACTION, "Leukemic cells per marrow nucleated cell (e.g. 0.00005)", required=False
    )


class GradeInput(Input):
    term: Term = Field(description="CTCAE v5.0 term")
    value: Number = number(
        limits.LAB_VALUE,
        "Result: ×10⁹/L for counts, ms for QTc, and for liver tests the units of uln (or a multiple of the "
        "ULN when uln is omitted)",
    )
    uln: Number | None = number(limits.REFERENCE_LIMIT, "Upper limit of normal (liver tests)", required=False)
    lln: Number | None = number(
        limits.REFERENCE_LIMIT, "Lower limit of normal (counts), ×10⁹/L", required=False
    )
    baseline: Number | None = number(
        limits.LAB_VALUE, "Pre-treatment value (liver tests, QTc)", required=False
    )


class QtcInput(Input):
    qt_ms: Number = number(limits.QT_MS, "Measured QT interval, ms")
    heart_rate_bpm: Number = number(limits.HEART_RATE_BPM, "Heart rate")
    baseline_qtcf_ms: Number | None = number(limits.QT_MS, "Pre-treatment QTcF, ms", required=False)


class DatesInput(Input):
    last_dose_date: Day = date("Date of the last BESPONSA dose, YYYY-MM-DD")


class PrepareInput(Input):
    dose_mg: Number = number(preparation.DOSE_MG, "One dose to prepare, mg")
    route: Route = Field(Route.BAG, description="Administration route")


# Outputs -----------------------------------------------------------------------------------------------


class Output(BaseModel):
    """An answer: built from the core's result objects; every field is always present (null when empty)."""

    model_config = ConfigDict(from_attributes=True, frozen=True)


def _out(description: str = "", **extra: Any) -> Any:
    return Field(description=description, **extra)


Citations = Annotated[list[str], Field(description="Label sections (and CTCAE) the result rests on")]
Notes = Annotated[
    list[str], Field(description="Interpretations, unconfirmed items and cautions, never label text")
]


class Item(Output):
    code: str = _out("Stable code")
    text: str = _out("Plain words")
    citation: str = _out()


class CheckItem(Item):
    when: When = _out("When it is due")
    status: Confirmation = _out("How firmly the label text was read")


class Reason(Output):
    code: str = _out("Stable code of the rule")
    status: PlanStatus = _out()
    message: str = _out()
    citation: str = _out()


class PlannedDose(Output):
    day: int = _out("Cycle day")
    date: dt.date = _out("Scheduled date")
    window_earliest: dt.date | None = _out("Earliest allowed date (Day 8/15)")
    window_latest: dt.date | None = _out("Latest allowed date (Day 8/15)")
    mg_per_m2: float = _out("Dose level")
    dose_mg: float = _out(f"Dose, rounded half-up to {rounding.DOSE_QUANTUM} mg")
    volume_ml: float = _out(f"Volume to withdraw at {_fact(product.RECONSTITUTED_CONCENTRATION)}")
    vials: int = _out(f"{_fact(product.VIAL_STRENGTH)} vials for this dose")


class Cytoreduction(Output):
    passed: bool = _out(f"Blasts at most {_fact(product.CYTOREDUCTION_LIMIT)}")
    message: str = _out()
    citation: str = _out()


class BsaOutput(Output):
    bsa_m2: float = _out(f"BSA rounded half-up to {rounding.BSA_QUANTUM} m²: every dose uses this value")
    bsa_unrounded_m2: float = _out("BSA before rounding, to 4 decimals")
    formula: BsaFormula = _out("Formula used")
    formula_text: str = _out("The formula written out")
    formula_reference: str = _out("Publication of the formula")
    weight_basis: str = _out("Which weight was used")
    citations: Citations
    notes: Notes


class _PlanFields(Output):
    """The plan answer's fields; `plan` and `course` answer with them (the course adds its own)."""

    bsa_m2: float = _out("Rounded BSA, m²")
    formula: BsaFormula = _out("BSA formula")
    cycle: int = _out("Cycle planned")
    status: PlanStatus = _out(
        "proceed; consider (weigh or do something first: a cycle the label says may be considered, "
        "cytoreduction before the first dose); outside_label (use not established, e.g. under 1 year); "
        "stop (no doses)"
    )
    headline: str = _out("The status and its reasons in plain words")
    reasons: list[str] = _out("Codes of the rules that set the status")
    reason_details: list[Reason] = _out("Each rule that sets the status, in plain words")
    dose_level: DoseLevel = _out("Dose level planned")
    regimen_row: str | None = _out("Key of the PI 2.2 Table 1 row used")
    cycle_length_days: int | None = _out("Cycle length")
    start_date: dt.date = _out("Day 1")
    cycle_end_date: dt.date | None = _out("Last day of the cycle")
    next_cycle_earliest_start: dt.date | None = _out("Day 1 of the next cycle at the earliest")
    next_cycle_start_if_extended: dt.date | None = _out("Cycle 1 only: next Day 1 if extended to 28 days")
    total_mg_per_m2: float = _out("Sum of the planned dose levels, mg/m²")
    total_dose_mg: float = _out("Sum of the planned doses, mg")
    total_vials: int = _out("Vials for the whole cycle (each dose uses its own vials)")
    doses: list[PlannedDose] = _out("Planned doses; empty when status is stop")
    pre_dose_checks: list[CheckItem] = _out(
        "Checks before this cycle's doses (first-dose items in cycle 1 only)"
    )
    monitoring: list[CheckItem] = _out(
        "Monitoring during and after the cycle (after each dose, new QT-prolonging drugs, after HSCT)"
    )
    cytoreduction: Cytoreduction | None = _out("Cycle 1 check of peripheral blasts, when given")
    vod_risk_factors: list[Item] = _out("VOD risk factors present")


class PlanOutput(_PlanFields):
    citations: Citations
    notes: Notes


class CourseOutput(_PlanFields):
    cycles_completed: int = _out("Earlier cycles given: the planned cycle is this plus one")
    best_response: Response = _out("Best response over the earlier cycles")
    mrd_negative_with_response: bool = _out(
        "CR/CRi together with MRD negativity reached at one assessment (the HSCT rule's goal)"
    )
    earliest_start_date: dt.date | None = _out(
        "Earliest Day 1 the history allows (null before the first cycle)"
    )
    citations: Citations
    notes: Notes


class RowApplied(Output):
    table: str = _out("Table 2, Table 3 or Table 4 of PI 2.3")
    key: str = _out("Stable key of the row")
    condition: str = _out("The row's condition in plain words")
    citation: str = _out()
    status: Confirmation = _out("How firmly the row was read")


class FindingOut(Output):
    code: str = _out("Stable code")
    action: Action = _out("What this rule asks for now")
    next_dose_level: DoseLevel | None = _out("A lower level this rule asks for (null: no change)")
    rows: list[str] = _out("Keys of the rows in rows_applied")
    citation: str = _out()
    message: str = _out("Plain words")
    unconfirmed: bool = _out("Rests on label text that was not read (e.g. Table 4)")
    interpretation: bool = _out("Rests on this tool's reading of an ambiguous rule")


class QuestionOut(Output):
    field: str = _out("The input field that records the answer")
    question: str = Field(description="Plain words", validation_alias=AliasChoices("question", "text"))


class ModifyOutput(Output):
    action: Action = _out(
        "What to do NOW: give, hold (until recovered), omit_next_dose (within a cycle), "
        "consider_discontinuation, discontinue. A dose reduction is never an action: see next_dose_level"
    )
    next_dose_level: DoseLevel | Literal["none"] = _out(
        "Dose level that follows: before_cycle, the level of the cycle about to start; before_dose, the "
        "level from the next cycle on. Never above dose_level; none once discontinued"
    )
    headline: str = _out("The answer in plain words: what to do now, then the dose level")
    rows_applied: list[RowApplied] = _out("The label table rows the answer rests on")
    findings: list[FindingOut] = _out("Every rule that applies")
    questions: list[QuestionOut] = _out(
        "What the clinician should answer or assess; the answer may change with it"
    )
    not_evaluated: list[str] = _out("Rules that could not be checked for lack of input")
    citations: Citations
    notes: Notes


class Criteria(Output):
    marrow_blasts_below_5_pct: bool
    no_peripheral_blasts: bool
    no_extramedullary_disease: bool
    full_count_recovery: bool = _out(
        f"Platelets ≥{assessment.FULL_RECOVERY_PLATELETS} and ANC ≥{assessment.FULL_RECOVERY_ANC} ×10⁹/L"
    )


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _scientific(value: Decimal) -> str:
    """1E-4 written as 1×10⁻⁴."""
    mantissa, exponent = f"{value:.0E}".split("E")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


class AssessOutput(Output):
    response: Response = _out("CR, CRi or none")
    mrd_negative: bool | None = _out(
        f"MRD below {_scientific(assessment.MRD_NEGATIVE_BELOW)}; null when not given"
    )
    criteria: Criteria = _out("Each criterion and whether it is met")
    citations: Citations
    notes: Notes


class GradeOutput(Output):
    term: Term = _out("CTCAE term")
    grade: int = _out("CTCAE grade 0–4")
    ctcae_version: str = _out("Always 5.0")
    band: str = _out("The band the value falls in")
    basis: str = _out("What the value was compared with")
    lln_used: float | None = _out(
        "Counts: the lower limit of normal used (the one given, or a stated default)"
    )
    lln_source: Literal["given", "default"] | None = _out("Counts: given or default; null for other terms")
    citations: Citations
    notes: Notes


class QtcFlags(Output):
    qtcf_over_500: bool = _out("QTcF above 500 ms")
    increase_60_or_more: bool | None = _out("QTcF up 60 ms or more from baseline")


class QtcOutput(Output):
    qtcf_ms: float = _out("Fridericia-corrected QT, 0.1 ms")
    qtcb_ms: float = _out("Bazett-corrected QT, 0.1 ms")
    rr_s: float = _out("RR interval from the heart rate, s (4 decimals)")
    flags: QtcFlags = _out("Safety flags")
    change_from_baseline_ms: float | None = _out("QTcF minus baseline")
    ctcae_grade: int = _out("CTCAE v5.0 QTc grade from the interval (0–3)")
    citations: Citations
    notes: Notes


def _months(months: int) -> str:
    return f"{months} calendar months after the last dose"


class DatesOutput(Output):
    last_dose_date: dt.date = _out("Date of the last dose")
    contraception_female_until: dt.date = _out(_months(reproductive.CONTRACEPTION_FEMALE_MONTHS))
    contraception_male_until: dt.date = _out(_months(reproductive.CONTRACEPTION_MALE_MONTHS))
    breastfeeding_avoid_until: dt.date = _out(_months(reproductive.BREASTFEEDING_MONTHS))
    citations: Citations
    notes: Notes


class ConcentrationCheckOut(Output):
    low_mg_per_ml: float = Field(validation_alias=AliasChoices("low_mg_per_ml", "low"))
    high_mg_per_ml: float = Field(validation_alias=AliasChoices("high_mg_per_ml", "high"))
    within: bool | None = _out("Null when the final volume is unknown (syringe)")
    message: str
    status: Confirmation = _out("Always unconfirmed")


class PrepareOutput(Output):
    dose_mg: float = _out("Dose prepared")
    route: Route
    vials: int = _out(f"{_fact(product.VIAL_STRENGTH)} vials")
    diluent_ml_per_vial: float = _out("Sterile Water for Injection per vial")
    concentration_mg_per_ml: float = _out("After reconstitution")
    deliverable_ml_per_vial: float = _out("Withdrawable volume per vial")
    withdraw_ml: float = _out("Volume to withdraw")
    discard_ml: float = _out("Volume left in the vials, discarded")
    final_volume_ml: float | None = _out("Total volume after dilution")
    final_concentration_mg_per_ml: float | None = _out("After dilution")
    infusion_rate_ml_per_h: float | None
    infusion_duration_h: float | None
    max_hours_reconstitution_to_dilution: float
    max_hours_reconstitution_to_end_of_infusion: float
    protect_from_light: bool
    do_not_freeze: bool
    do_not_shake: bool
    unconfirmed: list[str] = _out("Fields left blank because the label text was not read")
    steps: list[str] = _out("Preparation steps in order")
    concentration_check: ConcentrationCheckOut = _out(
        "Final concentration against a commonly cited range the US label does not confirm"
    )
    suggested_route: Route = _out("bag, or syringe for a dose too small for a 50 mL bag in that range")
    citations: Citations
    notes: Notes


class DoseInput(BsaInput):
    """The dose calculator: one cycle's doses and the preparation of each (plan, then prepare per dose)."""

    cycle: Whole = number(limits.CYCLE, "Cycle number to plan")
    start_date: Day = date("Day 1 of this cycle, YYYY-MM-DD (the dates of Day 8 and Day 15 follow from it)")
    best_response: Response = _response("Best response reached before this cycle")
    dose_level: DoseLevel = _dose_level(_CURRENT_DOSE_LEVEL)
    age_years: Number = _age()
    route: Route = Field(Route.BAG, description="Administration route")


class PreparedDose(PrepareOutput):
    days: list[int] = _out("The cycle days given this dose")


class DoseOutput(Output):
    bsa: BsaOutput = _out("Body surface area, as the bsa operation answers")
    plan: PlanOutput = _out("The cycle's doses, as the plan operation answers")
    preparations: list[PreparedDose] = _out(
        "The preparation of each distinct dose of the cycle, largest first, as the prepare operation answers"
    )
    citations: Citations
    notes: Notes


INPUTS: Final[dict[str, type[Input]]] = {
    "bsa": BsaInput,
    "plan": PlanInput,
    "course": CourseInput,
    "modify": ModifyInput,
    "assess": AssessInput,
    "grade": GradeInput,
    "qtc": QtcInput,
    "dates": DatesInput,
    "prepare": PrepareInput,
    "dose": DoseInput,
}
OUTPUTS: Final[dict[str, type[Output]]] = {
    "bsa": BsaOutput,
    "plan": PlanOutput,
    "course": CourseOutput,
    "modify": ModifyOutput,
    "assess": AssessOutput,
    "grade": GradeOutput,
    "qtc": QtcOutput,
    "dates": DatesOutput,
    "prepare": PrepareOutput,
    "dose": DoseOutput,
}


class FieldError(BaseModel):
    field: str = _out("Field name or dotted path; 'body' for the whole input")
    message: str = _out("The reason and the allowed values")


class Errors(BaseModel):
    """Every problem with the input, each naming its field."""

    errors: list[FieldError]


# A plain view of an input model's fields, for pages that list or render them (the API docs, the forms):
# labels, units, ranges and help text have their one home in the models above. A field's `title` is its
# label for people where the description is written for integrators (it names codes or JSON fields).


@dataclass(frozen=True, slots=True)
class FieldDoc:
    name: str
    label: str  # for people: the field's title where its description names codes, else the description
    kind: str  # number | integer | boolean | choice | date | object | list
    description: str
    required: bool
    default: str | bool | int | None  # filled in when the field is absent or null
    limit: Limit | None
    choices: tuple[str, ...]
    fields: tuple[FieldDoc, ...]  # members of an object, or of each item of a list
    max_items: int  # lists only

    def range_text(self) -> str:
        described = self.limit.describe() if self.limit is not None else ""
        if self.kind == "date":
            described = _DATES.text
        return f" ({described})" if described else ""


def _default(field: FieldInfo) -> str | bool | int | None:
    default = field.get_default(call_default_factory=False)
    if isinstance(default, Enum):
        return str(default.value)
    return default if isinstance(default, str | bool | int) else None


def inner_type(annotation: Any) -> Any:
    """The type a field holds, without `| None` and `Annotated[...]`."""
    while True:
        if typing.get_origin(annotation) is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
            annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
        else:
            return annotation


def _kind_of(annotation: Any) -> tuple[str, Any]:
    text = str(annotation)
    kind = inner_type(annotation)
    if typing.get_origin(kind) is list:
        return "list", typing.get_args(kind)[0]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "choice", kind
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return "object", kind
    names = {"Decimal": "number", "int": "integer", "bool": "boolean", "date": "date"}
    return next(name for key, name in names.items() if key in text), kind


def field_docs(model: type[BaseModel]) -> tuple[FieldDoc, ...]:
    docs = []
    for name, field in model.model_fields.items():
        kind, inner = _kind_of(field.annotation)
        docs.append(
            FieldDoc(
                name=name,
                label=field.title or field.description or "",
                kind=kind,
                description=field.description or "",
                required=field.is_required(),
                default=_default(field),
                limit=field_range(field).limit,
                choices=tuple(member.value for member in inner) if kind == "choice" else (),
                fields=field_docs(inner) if kind in ("object", "list") else (),
                max_items=next((m.max_length for m in field.metadata if hasattr(m, "max_length")), 0),
            )
        )
    return tuple(docs)
