"""Input and output schemas of the nine operations, as data.

The boundary parser (`_validation`) reads `INPUT_SCHEMAS`; the API layer can turn both tables into
OpenAPI with `input_json_schema` / `output_json_schema`. Ranges come from `limits`, the same objects the
core functions check, so a documented range and an enforced range cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from besponsa.clinical import limits, preparation, product, regimen, reproductive, response, rounding
from besponsa.clinical.bsa import BsaFormula
from besponsa.clinical.citations import Confirmation
from besponsa.clinical.course import COURSE_REASONS
from besponsa.clinical.grading import Term
from besponsa.clinical.limits import Limit
from besponsa.clinical.modifications import Action, CytopeniaCause, InfusionReaction, Timing
from besponsa.clinical.monitoring import VOD_RISK_FACTORS, When
from besponsa.clinical.planner import PLAN_REASONS, PlanStatus
from besponsa.clinical.preparation import Route
from besponsa.clinical.product import LabelFact
from besponsa.clinical.regimen import DoseLevel, Response


def _fact(fact: LabelFact) -> str:
    """A product fact as it reads in a description, e.g. "0.9 mg": the number comes from product.py."""
    return f"{fact.value} {fact.unit}"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _scientific(value: Decimal) -> str:
    """1E-4 written as 1×10⁻⁴."""
    mantissa, exponent = f"{value:.0E}".split("E")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


__all__ = [
    "ERROR_JSON_SCHEMA",
    "INPUT_SCHEMAS",
    "OUTPUT_SCHEMAS",
    "FieldSpec",
    "Kind",
    "OutputField",
    "input_json_schema",
    "output_json_schema",
]


class Kind(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    DATE = "date"
    OBJECT = "object"
    LIST = "list"  # a list of objects, each with `fields`, at most `max_items` long


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: Kind
    description: str
    required: bool = False
    default: str | bool | int | None = None  # filled in when the field is absent or null
    limit: Limit | None = None
    choices: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()  # members of an OBJECT, or of each item of a LIST
    max_items: int = 0  # LIST only
    too_many: str = ""  # LIST only: why there can be no more items

    def range_text(self) -> str:
        if self.limit is not None:
            return f" ({self.limit.describe()})"
        if self.kind is Kind.DATE:
            return f" (between {limits.EARLIEST_DATE.isoformat()} and {limits.LATEST_DATE.isoformat()})"
        return ""

    def json_schema(self) -> dict[str, object]:
        schema: dict[str, object] = {"description": self.description + self.range_text()}
        if self.kind is Kind.CHOICE:
            schema.update(type="string", enum=list(self.choices))
        elif self.kind is Kind.DATE:
            schema.update(type="string", format="date")
        elif self.kind is Kind.OBJECT:
            schema.update(_object_schema(self.fields))
        elif self.kind is Kind.LIST:
            schema.update(type="array", items=_object_schema(self.fields), maxItems=self.max_items)
        else:
            schema["type"] = self.kind.value
        if self.limit is not None:
            bound = "exclusiveMinimum" if self.limit.exclusive_minimum else "minimum"
            schema[bound] = _json_number(self.limit.minimum)
            schema["maximum"] = _json_number(self.limit.maximum)
        if self.default is not None:
            schema["default"] = self.default
        return schema


def _json_number(value: object) -> int | float:
    number = float(str(value))
    return int(number) if number.is_integer() else number


def _object_schema(fields: tuple[FieldSpec, ...]) -> dict[str, object]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [spec.name for spec in fields if spec.required],
        "properties": {spec.name: spec.json_schema() for spec in fields},
    }


def _choices(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


_N, _I, _B, _C, _DT, _O = Kind.NUMBER, Kind.INTEGER, Kind.BOOLEAN, Kind.CHOICE, Kind.DATE, Kind.OBJECT

_HEIGHT = FieldSpec("height_cm", _N, "Body height in cm", required=True, limit=limits.HEIGHT_CM)
_WEIGHT = FieldSpec("weight_kg", _N, "Actual body weight in kg", required=True, limit=limits.WEIGHT_KG)
_FORMULA = FieldSpec(
    "formula", _C, "BSA formula", default=BsaFormula.MOSTELLER.value, choices=_choices(BsaFormula)
)
_DOSE_LEVEL = FieldSpec(
    "dose_level",
    _C,
    "Current dose level: full, 25% reduced, or 2 doses per cycle (never re-escalated)",
    default=DoseLevel.FULL.value,
    choices=_choices(DoseLevel),
)


def _count(name: str, description: str, *, required: bool = True, limit: Limit = limits.ANC) -> FieldSpec:
    return FieldSpec(name, _N, description, required=required, limit=limit)


def _flag(name: str, description: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(name, _B, description, required=required, default=None if required else False)


def _response(name: str, description: str) -> FieldSpec:
    return FieldSpec(name, _C, description, default=Response.NONE.value, choices=_choices(Response))


_HSCT = _flag("hsct_planned", "The patient is going on to HSCT")
_COUNTS = (
    _count("anc", "Absolute neutrophil count, ×10⁹/L"),
    _count("platelets", "Platelet count not supported by transfusion, ×10⁹/L", limit=limits.PLATELETS),
)
_AGE = FieldSpec(
    "age_years",
    _N,
    "Age in years (fractions allowed: 0.5 is 6 months); under 1 year the plan is outside the label",
    required=True,
    limit=limits.AGE_YEARS,
)
_BLASTS = _count(
    "peripheral_blasts",
    "Peripheral blood blasts before the first dose, ×10⁹/L "
    f"({_fact(product.CYTOREDUCTION_LIMIT)} = 10,000/mm³); cycle 1 only",
    required=False,
    limit=limits.BLASTS,
)
_VOD_RISK = FieldSpec(
    "vod_risk",
    _O,
    "VOD risk factors the clinician knows to be present",
    fields=tuple(_flag(factor.code, factor.text) for factor in VOD_RISK_FACTORS),
)
_PAST_CYCLE = (
    FieldSpec("day1_date", _DT, "Actual Day 1 of that cycle, YYYY-MM-DD", required=True),
    FieldSpec(
        "dose_level",
        _C,
        "Dose level given in that cycle",
        default=DoseLevel.FULL.value,
        choices=_choices(DoseLevel),
    ),
    _response("response", "Best response assessed during or at the end of that cycle"),
    _flag("mrd_negative", "MRD negative (<1×10⁻⁴) at that assessment"),
    _flag("extended_to_28_days", "Cycle 1 only: the cycle was extended to 28 days"),
    FieldSpec("last_dose_date", _DT, "Actual date of that cycle's last dose, YYYY-MM-DD"),
    FieldSpec(
        "interruption_days",
        _I,
        "Longest interruption of dosing for toxicity in that cycle, days",
        default=0,
        limit=limits.DAYS,
    ),
)

INPUT_SCHEMAS: Final[dict[str, tuple[FieldSpec, ...]]] = {
    "bsa": (_HEIGHT, _WEIGHT, _FORMULA),
    "plan": (
        _HEIGHT,
        _WEIGHT,
        _FORMULA,
        FieldSpec("cycle", _I, "Cycle number to plan", required=True, limit=limits.CYCLE),
        FieldSpec("start_date", _DT, "Day 1 of this cycle, YYYY-MM-DD", required=True),
        _response("best_response", "Best response reached before this cycle"),
        _flag("mrd_negative", "MRD negativity (<1×10⁻⁴) reached before this cycle"),
        _HSCT,
        _DOSE_LEVEL,
        _AGE,
        _BLASTS,
        _VOD_RISK,
    ),
    "course": (
        _HEIGHT,
        _WEIGHT,
        _FORMULA,
        _AGE,
        FieldSpec(
            "cycles",
            Kind.LIST,
            "Earlier cycles in order, as they went (empty or absent before the first cycle)",
            fields=_PAST_CYCLE,
            max_items=regimen.MAX_CYCLES,
            too_many=f": the label allows at most {regimen.MAX_CYCLES} cycles",
        ),
        FieldSpec(
            "start_date",
            _DT,
            "Day 1 of the cycle to plan, YYYY-MM-DD (default: the earliest the history allows; required "
            "for the first cycle)",
        ),
        _HSCT,
        _BLASTS,
        _VOD_RISK,
    ),
    "modify": (
        FieldSpec(
            "timing",
            _C,
            "before_dose: a Day 8 or Day 15 dose inside a cycle; before_cycle: Day 1 of the next cycle",
            required=True,
            choices=_choices(Timing),
        ),
        FieldSpec(
            "baseline",
            _O,
            "Counts before the first BESPONSA dose (choose the Table 2 row)",
            required=True,
            fields=_COUNTS,
        ),
        FieldSpec("previous_cycle_baseline", _O, "Counts at the start of the previous cycle", fields=_COUNTS),
        FieldSpec(
            "labs",
            _O,
            "Current results; anc and platelets are required before a new cycle",
            required=True,
            fields=(
                _count("anc", "Absolute neutrophil count, ×10⁹/L", required=False),
                _count(
                    "platelets",
                    "Platelet count not supported by transfusion, ×10⁹/L",
                    required=False,
                    limit=limits.PLATELETS,
                ),
                FieldSpec(
                    "total_bilirubin_x_uln",
                    _N,
                    "Total bilirubin as a multiple of ULN",
                    limit=limits.BILIRUBIN_X_ULN,
                ),
                FieldSpec("ast_x_uln", _N, "AST as a multiple of ULN", limit=limits.TRANSAMINASE_X_ULN),
                FieldSpec("alt_x_uln", _N, "ALT as a multiple of ULN", limit=limits.TRANSAMINASE_X_ULN),
            ),
        ),
        _flag("vod", "Hepatic veno-occlusive disease or other severe liver toxicity"),
        FieldSpec(
            "infusion_reaction",
            _C,
            "Infusion-related reaction and its severity",
            default=InfusionReaction.NONE.value,
            choices=_choices(InfusionReaction),
        ),
        FieldSpec(
            "other_nonhematologic_grade",
            _I,
            "Worst other non-hematologic toxicity grade now",
            default=0,
            limit=limits.GRADE,
        ),
        FieldSpec(
            "other_nonhematologic_baseline_grade",
            _I,
            "Grade of that toxicity before treatment",
            default=0,
            limit=limits.GRADE,
        ),
        _flag(
            "bilirubin_from_gilbert_or_hemolysis",
            "The bilirubin rise is due to Gilbert's syndrome or hemolysis",
        ),
        FieldSpec(
            "cytopenia_cause",
            _C,
            "What the low counts are judged to come from (not_assessed is not the same as drug-related: "
            "the tool asks)",
            default=CytopeniaCause.NOT_ASSESSED.value,
            choices=_choices(CytopeniaCause),
        ),
        _flag("marrow_stable_or_improved", "The latest bone marrow shows stable or improved disease"),
        FieldSpec("cytopenia_days", _I, "Days the counts have been low", default=0, limit=limits.DAYS),
        FieldSpec(
            "interruption_days",
            _I,
            "Days dosing has been interrupted for toxicity",
            default=0,
            limit=limits.DAYS,
        ),
        _DOSE_LEVEL,
    ),
    "assess": (
        FieldSpec("marrow_blasts_pct", _N, "Bone-marrow blasts, %", required=True, limit=limits.PERCENT),
        _count("peripheral_blasts", "Peripheral blood leukemic blasts, ×10⁹/L", limit=limits.BLASTS),
        _count("anc", "Absolute neutrophil count, ×10⁹/L"),
        _count("platelets", "Platelet count, ×10⁹/L", limit=limits.PLATELETS),
        _flag("extramedullary_disease", "Extramedullary disease present (not resolved)", required=True),
        FieldSpec(
            "mrd_fraction",
            _N,
            "Leukemic cells per marrow nucleated cell (e.g. 0.00005)",
            limit=limits.FRACTION,
        ),
    ),
    "grade": (
        FieldSpec("term", _C, "CTCAE v5.0 term", required=True, choices=_choices(Term)),
        FieldSpec(
            "value",
            _N,
            "Result: ×10⁹/L for counts, ms for QTc, and for liver tests the units of uln (or a multiple of "
            "the ULN when uln is omitted)",
            required=True,
            limit=limits.LAB_VALUE,
        ),
        FieldSpec("uln", _N, "Upper limit of normal (liver tests)", limit=limits.REFERENCE_LIMIT),
        FieldSpec("lln", _N, "Lower limit of normal (counts), ×10⁹/L", limit=limits.REFERENCE_LIMIT),
        FieldSpec("baseline", _N, "Pre-treatment value (liver tests, QTc)", limit=limits.LAB_VALUE),
    ),
    "qtc": (
        FieldSpec("qt_ms", _N, "Measured QT interval, ms", required=True, limit=limits.QT_MS),
        FieldSpec("heart_rate_bpm", _N, "Heart rate", required=True, limit=limits.HEART_RATE_BPM),
        FieldSpec("baseline_qtcf_ms", _N, "Pre-treatment QTcF, ms", limit=limits.QT_MS),
    ),
    "dates": (FieldSpec("last_dose_date", _DT, "Date of the last BESPONSA dose, YYYY-MM-DD", required=True),),
    "prepare": (
        FieldSpec("dose_mg", _N, "One dose to prepare, mg", required=True, limit=preparation.DOSE_MG),
        FieldSpec("route", _C, "Administration route", default=Route.BAG.value, choices=_choices(Route)),
    ),
}


@dataclass(frozen=True, slots=True)
class OutputField:
    name: str
    type: str  # number | integer | string | boolean | date | object | array
    description: str
    nullable: bool = False
    choices: tuple[str, ...] = ()
    item_type: str = ""  # arrays of scalars
    fields: tuple[OutputField, ...] = ()  # objects, and arrays of objects

    def json_schema(self) -> dict[str, object]:
        schema: dict[str, object] = {"description": self.description}
        if self.type == "date":
            schema.update(type="string", format="date")
        else:
            schema["type"] = self.type
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.type == "array":
            schema["items"] = _output_object(self.fields) if self.fields else {"type": self.item_type}
        elif self.type == "object":
            schema.update(_output_object(self.fields))
        if self.nullable:
            schema["type"] = [schema["type"], "null"]
            if self.choices:
                schema["enum"] = [*self.choices, None]
        return schema


def _output_object(fields: tuple[OutputField, ...]) -> dict[str, object]:
    return {
        "type": "object",
        "required": [spec.name for spec in fields],
        "properties": {spec.name: spec.json_schema() for spec in fields},
    }


_O_ = OutputField
_CITATIONS = _O_("citations", "array", "Label sections (and CTCAE) the result rests on", item_type="string")
_NOTES = _O_(
    "notes", "array", "Interpretations, unconfirmed items and cautions, never label text", item_type="string"
)
_ITEM = (
    _O_("code", "string", "Stable code"),
    _O_("text", "string", "Plain words"),
    _O_("citation", "string", ""),
)


def _plan_fields(reason_codes: tuple[str, ...]) -> tuple[OutputField, ...]:
    """The plan's output fields; the course answer has the same ones (and its own reason codes)."""
    return (
        _O_("bsa_m2", "number", "Rounded BSA, m²"),
        _O_("formula", "string", "BSA formula", choices=_choices(BsaFormula)),
        _O_("cycle", "integer", "Cycle planned"),
        _O_(
            "status",
            "string",
            "proceed; consider (weigh or do something first: a cycle the label says may be considered, "
            "cytoreduction before the first dose); outside_label (use not established, e.g. under 1 year); "
            "stop (no doses)",
            choices=_choices(PlanStatus),
        ),
        _O_("headline", "string", "The status and its reasons in plain words"),
        _O_("reasons", "array", "Codes of the rules that set the status", item_type="string"),
        _O_(
            "reason_details",
            "array",
            "Each rule that sets the status, in plain words",
            fields=(
                _O_("code", "string", "", choices=reason_codes),
                _O_("status", "string", "", choices=_choices(PlanStatus)),
                _O_("message", "string", ""),
                _O_("citation", "string", ""),
            ),
        ),
        _O_("dose_level", "string", "Dose level planned", choices=_choices(DoseLevel)),
        _O_("regimen_row", "string", "Key of the PI 2.2 Table 1 row used", nullable=True),
        _O_("cycle_length_days", "integer", "Cycle length", nullable=True),
        _O_("start_date", "date", "Day 1"),
        _O_("cycle_end_date", "date", "Last day of the cycle", nullable=True),
        _O_("next_cycle_earliest_start", "date", "Day 1 of the next cycle at the earliest", nullable=True),
        _O_(
            "next_cycle_start_if_extended",
            "date",
            "Cycle 1 only: next Day 1 if extended to 28 days",
            nullable=True,
        ),
        _O_("total_mg_per_m2", "number", "Sum of the planned dose levels, mg/m²"),
        _O_("total_dose_mg", "number", "Sum of the planned doses, mg"),
        _O_("total_vials", "integer", "Vials for the whole cycle (each dose uses its own vials)"),
        _O_(
            "doses",
            "array",
            "Planned doses; empty when status is stop",
            fields=(
                _O_("day", "integer", "Cycle day"),
                _O_("date", "date", "Scheduled date"),
                _O_("window_earliest", "date", "Earliest allowed date (Day 8/15)", nullable=True),
                _O_("window_latest", "date", "Latest allowed date (Day 8/15)", nullable=True),
                _O_("mg_per_m2", "number", "Dose level"),
                _O_("dose_mg", "number", f"Dose, rounded half-up to {rounding.DOSE_QUANTUM} mg"),
                _O_(
                    "volume_ml",
                    "number",
                    f"Volume to withdraw at {_fact(product.RECONSTITUTED_CONCENTRATION)}",
                ),
                _O_("vials", "integer", f"{_fact(product.VIAL_STRENGTH)} vials for this dose"),
            ),
        ),
        _O_(
            "pre_dose_checks",
            "array",
            "Checks before this cycle's doses (first-dose items in cycle 1 only)",
            fields=_CHECK,
        ),
        _O_(
            "monitoring",
            "array",
            "Monitoring during and after the cycle (after each dose, new QT-prolonging drugs, after HSCT)",
            fields=_CHECK,
        ),
        _O_(
            "cytoreduction",
            "object",
            "Cycle 1 check of peripheral blasts, when given",
            nullable=True,
            fields=(
                _O_("passed", "boolean", f"Blasts at most {_fact(product.CYTOREDUCTION_LIMIT)}"),
                _O_("message", "string", ""),
                _O_("citation", "string", ""),
            ),
        ),
        _O_("vod_risk_factors", "array", "VOD risk factors present", fields=_ITEM),
    )


_CHECK = (
    *_ITEM,
    _O_("when", "string", "When it is due", choices=_choices(When)),
    _O_("status", "string", "How firmly the label text was read", choices=_choices(Confirmation)),
)
_PLAN_CODES = tuple(reason.code for reason in PLAN_REASONS)

OUTPUT_SCHEMAS: Final[dict[str, tuple[OutputField, ...]]] = {
    "bsa": (
        _O_(
            "bsa_m2",
            "number",
            f"BSA rounded half-up to {rounding.BSA_QUANTUM} m²: every dose uses this value",
        ),
        _O_("bsa_unrounded_m2", "number", "BSA before rounding, to 4 decimals"),
        _O_("formula", "string", "Formula used", choices=_choices(BsaFormula)),
        _O_("formula_text", "string", "The formula written out"),
        _O_("formula_reference", "string", "Publication of the formula"),
        _O_("weight_basis", "string", "Which weight was used"),
        _CITATIONS,
        _NOTES,
    ),
    "plan": (*_plan_fields(_PLAN_CODES), _CITATIONS, _NOTES),
    "course": (
        *_plan_fields(_PLAN_CODES + tuple(reason.code for reason in COURSE_REASONS)),
        _O_("cycles_completed", "integer", "Earlier cycles given: the planned cycle is this plus one"),
        _O_("best_response", "string", "Best response over the earlier cycles", choices=_choices(Response)),
        _O_(
            "mrd_negative_with_response",
            "boolean",
            "CR/CRi together with MRD negativity reached at one assessment (the HSCT rule's goal)",
        ),
        _O_(
            "earliest_start_date",
            "date",
            "Earliest Day 1 the history allows (null before the first cycle)",
            nullable=True,
        ),
        _CITATIONS,
        _NOTES,
    ),
    "modify": (
        _O_(
            "action",
            "string",
            "What to do NOW: give, hold (until recovered), omit_next_dose (within a cycle), "
            "consider_discontinuation, discontinue. A dose reduction is never an action: see next_dose_level",
            choices=_choices(Action),
        ),
        _O_(
            "next_dose_level",
            "string",
            "Dose level that follows: before_cycle, the level of the cycle about to start; before_dose, "
            "the level from the next cycle on. Never above dose_level; none once discontinued",
            choices=(*_choices(DoseLevel), "none"),
        ),
        _O_("headline", "string", "The answer in plain words: what to do now, then the dose level"),
        _O_(
            "rows_applied",
            "array",
            "The label table rows the answer rests on",
            fields=(
                _O_("table", "string", "Table 2, Table 3 or Table 4 of PI 2.3"),
                _O_("key", "string", "Stable key of the row"),
                _O_("condition", "string", "The row's condition in plain words"),
                _O_("citation", "string", ""),
                _O_("status", "string", "How firmly the row was read", choices=_choices(Confirmation)),
            ),
        ),
        _O_(
            "findings",
            "array",
            "Every rule that applies",
            fields=(
                _O_("code", "string", "Stable code"),
                _O_("action", "string", "What this rule asks for now", choices=_choices(Action)),
                _O_(
                    "next_dose_level",
                    "string",
                    "A lower level this rule asks for (null: no change)",
                    nullable=True,
                    choices=_choices(DoseLevel),
                ),
                _O_("rows", "array", "Keys of the rows in rows_applied", item_type="string"),
                _O_("citation", "string", ""),
                _O_("message", "string", "Plain words"),
                _O_("unconfirmed", "boolean", "Rests on label text that was not read (e.g. Table 4)"),
                _O_("interpretation", "boolean", "Rests on this tool's reading of an ambiguous rule"),
            ),
        ),
        _O_(
            "questions",
            "array",
            "What the clinician should answer or assess; the answer may change with it",
            fields=(
                _O_("field", "string", "The input field that records the answer"),
                _O_("question", "string", "Plain words"),
            ),
        ),
        _O_(
            "not_evaluated", "array", "Rules that could not be checked for lack of input", item_type="string"
        ),
        _CITATIONS,
        _NOTES,
    ),
    "assess": (
        _O_("response", "string", "CR, CRi or none", choices=_choices(Response)),
        _O_(
            "mrd_negative",
            "boolean",
            f"MRD below {_scientific(response.MRD_NEGATIVE_BELOW)}; null when not given",
            nullable=True,
        ),
        _O_(
            "criteria",
            "object",
            "Each criterion and whether it is met",
            fields=(
                _O_("marrow_blasts_below_5_pct", "boolean", ""),
                _O_("no_peripheral_blasts", "boolean", ""),
                _O_("no_extramedullary_disease", "boolean", ""),
                _O_(
                    "full_count_recovery",
                    "boolean",
                    f"Platelets ≥{response.FULL_RECOVERY_PLATELETS} and "
                    f"ANC ≥{response.FULL_RECOVERY_ANC} ×10⁹/L",
                ),
            ),
        ),
        _CITATIONS,
        _NOTES,
    ),
    "grade": (
        _O_("term", "string", "CTCAE term", choices=_choices(Term)),
        _O_("grade", "integer", "CTCAE grade 0–4"),
        _O_("ctcae_version", "string", "Always 5.0"),
        _O_("band", "string", "The band the value falls in"),
        _O_("basis", "string", "What the value was compared with"),
        _O_(
            "lln_used",
            "number",
            "Counts: the lower limit of normal used (the one given, or a stated default)",
            nullable=True,
        ),
        _O_(
            "lln_source",
            "string",
            "Counts: given or default; null for other terms",
            nullable=True,
            choices=("given", "default"),
        ),
        _CITATIONS,
        _NOTES,
    ),
    "qtc": (
        _O_("qtcf_ms", "number", "Fridericia-corrected QT, 0.1 ms"),
        _O_("qtcb_ms", "number", "Bazett-corrected QT, 0.1 ms"),
        _O_("rr_s", "number", "RR interval from the heart rate, s (4 decimals)"),
        _O_(
            "flags",
            "object",
            "Safety flags",
            fields=(
                _O_("qtcf_over_500", "boolean", "QTcF above 500 ms"),
                _O_("increase_60_or_more", "boolean", "QTcF up 60 ms or more from baseline", nullable=True),
            ),
        ),
        _O_("change_from_baseline_ms", "number", "QTcF minus baseline", nullable=True),
        _O_("ctcae_grade", "integer", "CTCAE v5.0 QTc grade from the interval (0–3)"),
        _CITATIONS,
        _NOTES,
    ),
    "dates": (
        _O_("last_dose_date", "date", "Date of the last dose"),
        _O_(
            "contraception_female_until",
            "date",
            f"{reproductive.CONTRACEPTION_FEMALE_MONTHS} calendar months after the last dose",
        ),
        _O_(
            "contraception_male_until",
            "date",
            f"{reproductive.CONTRACEPTION_MALE_MONTHS} calendar months after the last dose",
        ),
        _O_(
            "breastfeeding_avoid_until",
            "date",
            f"{reproductive.BREASTFEEDING_MONTHS} calendar months after the last dose",
        ),
        _CITATIONS,
        _NOTES,
    ),
    "prepare": (
        _O_("dose_mg", "number", "Dose prepared"),
        _O_("route", "string", "", choices=_choices(Route)),
        _O_("vials", "integer", f"{_fact(product.VIAL_STRENGTH)} vials"),
        _O_("diluent_ml_per_vial", "number", "Sterile Water for Injection per vial"),
        _O_("concentration_mg_per_ml", "number", "After reconstitution"),
        _O_("deliverable_ml_per_vial", "number", "Withdrawable volume per vial"),
        _O_("withdraw_ml", "number", "Volume to withdraw"),
        _O_("discard_ml", "number", "Volume left in the vials, discarded"),
        _O_("final_volume_ml", "number", "Total volume after dilution", nullable=True),
        _O_("final_concentration_mg_per_ml", "number", "After dilution", nullable=True),
        _O_("infusion_rate_ml_per_h", "number", "", nullable=True),
        _O_("infusion_duration_h", "number", "", nullable=True),
        _O_("max_hours_reconstitution_to_dilution", "number", ""),
        _O_("max_hours_reconstitution_to_end_of_infusion", "number", ""),
        _O_("protect_from_light", "boolean", ""),
        _O_("do_not_freeze", "boolean", ""),
        _O_("do_not_shake", "boolean", ""),
        _O_(
            "unconfirmed",
            "array",
            "Fields left blank because the label text was not read",
            item_type="string",
        ),
        _O_("steps", "array", "Preparation steps in order", item_type="string"),
        _O_(
            "concentration_check",
            "object",
            "Final concentration against a commonly cited range the US label does not confirm",
            fields=(
                _O_("low_mg_per_ml", "number", ""),
                _O_("high_mg_per_ml", "number", ""),
                _O_("within", "boolean", "Null when the final volume is unknown (syringe)", nullable=True),
                _O_("message", "string", ""),
                _O_("status", "string", "Always unconfirmed", choices=_choices(Confirmation)),
            ),
        ),
        _O_(
            "suggested_route",
            "string",
            "bag, or syringe for a dose too small for a 50 mL bag in that range",
            choices=_choices(Route),
        ),
        _CITATIONS,
        _NOTES,
    ),
}

ERROR_JSON_SCHEMA: Final[dict[str, object]] = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "Field name or dotted path; 'body' for the whole input",
                    },
                    "message": {"type": "string", "description": "The reason and the allowed values"},
                },
            },
        }
    },
}


def input_json_schema(operation: str) -> dict[str, object]:
    return _object_schema(INPUT_SCHEMAS[operation])


def output_json_schema(operation: str) -> dict[str, object]:
    return _output_object(OUTPUT_SCHEMAS[operation])
