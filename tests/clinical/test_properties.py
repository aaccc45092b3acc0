"""Hypothesis properties for the clinical invariants (DESIGN.md §5): no cycle above the label's total,
a stop never has doses, reduced levels never rise, grading is monotonic, and no JSON input can crash
the CLI or make `execute` raise anything but `InvalidInput`."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from besponsa.cli import clinical as cli
from besponsa.clinical.bsa import BsaFormula, body_surface_area
from besponsa.clinical.errors import InvalidInput
from besponsa.clinical.grading import Term, grade
from besponsa.clinical.models import INPUTS
from besponsa.clinical.modifications import (
    ACTION_ORDER,
    Action,
    Counts,
    CytopeniaCause,
    InfusionReaction,
    Labs,
    Timing,
    ToxicityReport,
    advise,
)
from besponsa.clinical.operations import EXAMPLES, OPERATION_NAMES, execute
from besponsa.clinical.planner import PlanStatus, plan_cycle
from besponsa.clinical.regimen import DOSE_LEVEL_ORDER, DoseLevel, Response, day_levels, regimen_row
from besponsa.clinical.reproductive import add_calendar_months

pytestmark = pytest.mark.property
# Shared 2-core machine: modest example counts and no deadline (timing noise is not a failure). Applied
# per test rather than as a profile so other packages' Hypothesis settings are left alone.
modest = settings(deadline=None, max_examples=100)


def decimals(low: str, high: str, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places)


heights = decimals("40", "250", 1)
weights = decimals("3", "300", 1)
ancs = decimals("0", "100", 2)
platelet_counts = decimals("0", "2000", 1)
counts = ancs
multiples = decimals("0", "50", 2)


def weights_for(height: Decimal) -> st.SearchStrategy[Decimal]:
    """Weights a human body of this height can have (limits.PONDERAL_INDEX: 4-100 kg/m³)."""
    cube = (height / 100) ** 3
    low = max(Decimal(3), (cube * 4).quantize(Decimal("0.1")) + Decimal("0.1"))
    high = min(Decimal(300), (cube * 100).quantize(Decimal("0.1")) - Decimal("0.1"))
    return decimals(str(low), str(high), 1)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[Decimal, Decimal]:
    height = draw(heights)
    return height, draw(weights_for(height))


responses = st.sampled_from(Response)
levels = st.sampled_from(DoseLevel)
start_dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2199, 12, 31))


@st.composite
def plans(draw: st.DrawFn) -> dict[str, object]:
    cycle = draw(st.integers(min_value=1, max_value=9))
    height, weight = draw(bodies())
    return {
        "bsa": body_surface_area(
            height_cm=height, weight_kg=weight, formula=draw(st.sampled_from(BsaFormula))
        ).bsa_m2,
        "cycle": cycle,
        "start_date": draw(start_dates),
        "best_response": draw(responses),
        "mrd_negative": draw(st.booleans()),
        "hsct_planned": draw(st.booleans()),
        "dose_level": DoseLevel.FULL if cycle == 1 else draw(levels),
    }


class TestPlanner:
    """PI 2.2 Table 1 totals and duration rules; PI 2.3: reduced doses are never re-escalated."""

    @modest
    @given(plans())
    def test_no_cycle_exceeds_the_label_total_and_stops_have_no_doses(self, case: dict[str, object]) -> None:
        plan = plan_cycle(
            bsa_m2=case["bsa"],  # type: ignore[arg-type]  # strategy dict
            cycle=case["cycle"],  # type: ignore[arg-type]  # strategy dict
            start_date=case["start_date"],  # type: ignore[arg-type]  # strategy dict
            best_response=case["best_response"],  # type: ignore[arg-type]  # strategy dict
            mrd_negative=case["mrd_negative"],  # type: ignore[arg-type]  # strategy dict
            hsct_planned=case["hsct_planned"],  # type: ignore[arg-type]  # strategy dict
            dose_level=case["dose_level"],  # type: ignore[arg-type]  # strategy dict
        )
        if plan.status is PlanStatus.STOP:
            assert plan.doses == ()
            return
        row = regimen_row(cycle=plan.cycle, best_response=case["best_response"])  # type: ignore[arg-type]  # strategy dict
        table_days = dict(row.days)
        assert plan.total_mg_per_m2 <= row.total_mg_per_m2 <= Decimal("1.8")
        previous: dt.date | None = None
        for dose in plan.doses:
            assert dose.mg_per_m2 <= table_days[dose.day]
            # Half-up rounding may add at most 0.005 mg to level × rounded BSA.
            assert abs(dose.dose_mg - dose.mg_per_m2 * plan.bsa_m2) <= Decimal("0.005")
            assert dose.volume_ml == dose.dose_mg * 4
            assert (dose.vials - 1) * Decimal("0.9") < dose.dose_mg <= dose.vials * Decimal("0.9")
            if previous is not None:
                assert dose.window_earliest is not None and dose.window_latest is not None
                assert (dose.window_earliest - previous).days >= 6
                assert dose.window_earliest <= dose.date <= dose.window_latest
            previous = dose.date

    @modest
    @given(st.integers(min_value=1, max_value=9), responses)
    def test_reduced_levels_never_rise(self, cycle: int, response: Response) -> None:
        by_level = [
            {x.day: x.mg_per_m2 for x in day_levels(cycle=cycle, best_response=response, dose_level=level)}
            for level in DOSE_LEVEL_ORDER
        ]
        for higher, lower in itertools.pairwise(by_level):
            assert sum(lower.values()) < sum(higher.values())
            assert all(lower[day] <= higher[day] for day in lower)


@st.composite
def reports(draw: st.DrawFn) -> ToxicityReport:
    optional = st.none() | counts
    return (
        ToxicityReport(
            timing=draw(st.sampled_from(Timing)),
            baseline=Counts(draw(ancs), draw(platelet_counts)),
            labs=Labs(
                anc=draw(ancs),
                platelets=draw(platelet_counts),
                total_bilirubin_x_uln=draw(st.none() | multiples),
                ast_x_uln=draw(st.none() | multiples),
                alt_x_uln=draw(st.none() | multiples),
            ),
            previous_cycle_baseline=draw(st.none() | st.builds(Counts, ancs, platelet_counts)),
            vod=draw(st.booleans()),
            infusion_reaction=draw(st.sampled_from(InfusionReaction)),
            other_nonhematologic_grade=draw(st.integers(0, 4)),
            other_nonhematologic_baseline_grade=draw(st.integers(0, 4)),
            bilirubin_from_gilbert_or_hemolysis=draw(st.booleans()),
            cytopenia_cause=draw(st.sampled_from(CytopeniaCause)),
            marrow_stable_or_improved=draw(st.booleans()),
            cytopenia_days=draw(st.integers(0, 60)),
            interruption_days=draw(st.integers(0, 60)),
            dose_level=draw(levels),
        )
        if draw(st.booleans()) or optional is not None
        else None
    )


class TestAdvisor:
    """PI 2.3: the most severe finding wins; reduced levels are never re-escalated; hematologic findings
    never hold a Day 8/15 dose."""

    @modest
    @given(reports())
    def test_advice_is_consistent(self, report: ToxicityReport) -> None:
        advice = advise(report)
        expected = max((f.action for f in advice.findings), key=ACTION_ORDER.index, default=Action.GIVE)
        assert advice.action is expected
        if advice.action is Action.DISCONTINUE:
            assert advice.next_dose_level is None
        else:
            assert advice.next_dose_level is not None
            assert DOSE_LEVEL_ORDER.index(advice.next_dose_level) >= DOSE_LEVEL_ORDER.index(report.dose_level)
        if report.timing is Timing.BEFORE_DOSE:
            table_2_holds = [
                f for f in advice.findings if f.citation == "PI 2.3 Table 2" and f.action is Action.HOLD
            ]
            assert table_2_holds == []

    @modest
    @given(reports())
    def test_a_hold_condition_is_never_answered_give_or_only_a_reduction(
        self, report: ToxicityReport
    ) -> None:
        """Issue #10 item 2: whatever the level does, a condition the label holds for is never 'give'.
        The conditions are restated here from label_facts §5 (an oracle independent of the advisor)."""
        labs, baseline = report.labs, report.baseline
        bilirubin_high = (
            labs.total_bilirubin_x_uln is not None
            and labs.total_bilirubin_x_uln > Decimal("1.5")
            and not report.bilirubin_from_gilbert_or_hemolysis
        )
        transaminases_high = any(
            v is not None and v > Decimal("2.5") for v in (labs.ast_x_uln, labs.alt_x_uln)
        )
        before_cycle = report.timing is Timing.BEFORE_CYCLE
        assert labs.anc is not None and labs.platelets is not None
        conditions = {
            "liver (Table 3)": bilirubin_high or transaminases_high,
            "vod (Table 3)": report.vod,
            "infusion reaction (Table 3)": report.infusion_reaction is not InfusionReaction.NONE,
            "other grade >= 2 (Table 3)": report.other_nonhematologic_grade >= 2
            and report.other_nonhematologic_grade > report.other_nonhematologic_baseline_grade,
            "ANC row (Table 2)": before_cycle and baseline.anc >= 1 and labs.anc < 1,
            "platelet row (Table 2)": before_cycle and baseline.platelets >= 50 and labs.platelets < 50,
            "short interruption (Table 4)": not before_cycle and 0 < report.interruption_days < 7,
            "drug-related cytopenia > 28 days (Table 2)": report.cytopenia_days > 28
            and report.cytopenia_cause is CytopeniaCause.SUSPECTED_DRUG_RELATED,
        }
        advice = advise(report)
        present = [name for name, held in conditions.items() if held]
        if present:
            assert advice.action is not Action.GIVE, present
            assert not advice.headline.startswith("Give"), present
        if report.vod or conditions["drug-related cytopenia > 28 days (Table 2)"]:
            assert advice.action is Action.DISCONTINUE


_INCREASING = [Term.AST_INCREASED, Term.ALT_INCREASED, Term.BLOOD_BILIRUBIN_INCREASED]


class TestGrading:
    """CTCAE v5.0 grades never fall as a value worsens."""

    @modest
    @given(st.sampled_from(_INCREASING), multiples, multiples, st.none() | decimals("0", "10"))
    def test_rising_terms(
        self, term: Term, first: Decimal, second: Decimal, baseline: Decimal | None
    ) -> None:
        low, high = sorted((first, second))
        grades = [grade(term=term, value=v, uln=Decimal(1), baseline=baseline).grade for v in (low, high)]
        assert grades[0] <= grades[1]

    @modest
    @given(
        st.sampled_from([Term.NEUTROPHIL_COUNT_DECREASED, Term.PLATELET_COUNT_DECREASED]),
        ancs,
        ancs,
        st.none() | decimals("0.01", "400"),
    )
    def test_falling_terms(self, term: Term, first: Decimal, second: Decimal, lln: Decimal | None) -> None:
        low, high = sorted((first, second))
        assert grade(term=term, value=low, lln=lln).grade >= grade(term=term, value=high, lln=lln).grade

    @modest
    @given(decimals("100", "1000", 1), decimals("100", "1000", 1), st.none() | decimals("100", "1000", 1))
    def test_qtc(self, first: Decimal, second: Decimal, baseline: Decimal | None) -> None:
        low, high = sorted((first, second))
        term = Term.QTC_PROLONGED
        assert (
            grade(term=term, value=low, baseline=baseline).grade
            <= grade(term=term, value=high, baseline=baseline).grade
        )


class TestBsa:
    @modest
    @given(st.sampled_from(BsaFormula), bodies(), st.data())
    def test_bsa_never_falls_with_weight(
        self, formula: BsaFormula, body: tuple[Decimal, Decimal], data: st.DataObject
    ) -> None:
        height, w1 = body
        low, high = sorted((w1, data.draw(weights_for(height))))
        assert (
            body_surface_area(height_cm=height, weight_kg=low, formula=formula).bsa_m2
            <= body_surface_area(height_cm=height, weight_kg=high, formula=formula).bsa_m2
        )


@modest
@given(start_dates, st.integers(0, 24))
def test_calendar_months(day: dt.date, months: int) -> None:
    result = add_calendar_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day
    assert result >= day


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@modest
@given(st.sampled_from(OPERATION_NAMES), json_values)
def test_cli_never_crashes_on_any_json(operation: str, value: object) -> None:
    out = io.StringIO()
    code = cli.run(["clinical", operation], io.StringIO(json.dumps(value)), out)
    assert code in (cli.EXIT_OK, cli.EXIT_INVALID)
    result = json.loads(out.getvalue())
    assert isinstance(result, dict)
    assert ("errors" in result) == (code == cli.EXIT_INVALID)


# Magnitudes a JSON reader that keeps decimals exact can hand over: they must be refused, never overflow.
extreme_decimals = st.sampled_from(
    [Decimal("1e-999999"), Decimal("1e999999"), Decimal("-1e-999999"), Decimal("9" * 40), Decimal("1e-40")]
)


@st.composite
def near_valid_payloads(draw: st.DrawFn) -> tuple[str, dict[str, object]]:
    """An example payload with some known fields replaced by arbitrary JSON: reaches deep validation."""
    operation = draw(st.sampled_from(OPERATION_NAMES))
    payload = dict(EXAMPLES[operation])
    names = list(INPUTS[operation].model_fields)
    for name in draw(st.lists(st.sampled_from(names), max_size=3, unique=True)):
        payload[name] = draw(json_values | st.floats() | st.decimals() | extreme_decimals)
    return operation, payload


@modest
@given(near_valid_payloads())
def test_execute_raises_only_invalid_input(case: tuple[str, dict[str, object]]) -> None:
    operation, payload = case
    try:
        result = execute(operation, payload)
    except InvalidInput as invalid:
        assert invalid.errors and all(set(e) == {"field", "message"} for e in invalid.errors)
    else:
        json.dumps(result, allow_nan=False)


@st.composite
def histories(draw: st.DrawFn) -> dict[str, object]:
    """A course payload: a history of 0-6 cycles, dated roughly as real ones (some deliberately not)."""
    day = draw(start_dates.filter(lambda d: d.year < 2190))
    cycles = []
    for index in range(draw(st.integers(0, 6))):
        cycles.append(
            {
                "day1_date": day.isoformat(),
                "dose_level": draw(levels).value if index else "full",
                "response": draw(responses).value,
                "mrd_negative": draw(st.booleans()),
                "interruption_days": draw(st.sampled_from([0, 3, 8, 14, 20, 29])),
            }
        )
        day += dt.timedelta(days=draw(st.sampled_from([20, 21, 28, 35])))
    return {
        "height_cm": 170,
        "weight_kg": 70,
        "age_years": draw(st.sampled_from([0.5, 5, 40])),
        "hsct_planned": draw(st.booleans()),
        "cycles": cycles,
        "start_date": draw(st.none() | st.just(day.isoformat())),
    }


@modest
@given(histories())
def test_course_enforces_the_history(payload: dict[str, object]) -> None:
    """Issue #10 item 10: the next cycle never re-escalates, counts the real cycles, and a stop has no
    doses; a history that cannot be is refused, never a crash."""
    try:
        result = execute("course", payload)
    except InvalidInput as invalid:
        assert invalid.errors
        return
    history = payload["cycles"]
    assert isinstance(history, list)
    assert result["cycle"] == len(history) + 1
    if history:
        lowest = max((DoseLevel(c["dose_level"]) for c in history), key=DOSE_LEVEL_ORDER.index)
        assert DOSE_LEVEL_ORDER.index(DoseLevel(result["dose_level"])) >= DOSE_LEVEL_ORDER.index(lowest)
        assert result["start_date"] >= result["earliest_start_date"]  # type: ignore[operator]  # ISO dates
    if len(history) >= 6 or result["status"] == "stop":
        assert result["status"] == "stop" and result["doses"] == []
