"""Recompute every published number and say whether it agrees: the engine of ``besponsa evidence report``.

Each record yields one or more :class:`Check` rows (a percentage, a CI, a derived count, a P value…).
Verdicts:

- ``agrees`` — recomputed from the published counts and equal at the printed precision;
- ``consistent`` — an internal check passed (an HR is the geometric midpoint of its CI within rounding,
  a median lies inside its CI, parts add up to a total, a two-sided P is twice the one-sided one);
- ``not recomputable`` — needs patient-level data (medians, log-rank P) or the source printed no count;
  what can be said is in the note;
- ``differs`` — the recomputation or the internal check failed.

:attr:`Report.ok` is true when no *confirmed* number differs. Unconfirmed numbers are listed, whatever
their verdict, and never make the report fail.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from besponsa.evidence import fmt, stats
from besponsa.evidence.datasets import all_datasets
from besponsa.evidence.records import (
    ComparisonTest,
    CountBasis,
    CountTable,
    Dataset,
    Difference,
    DifferenceMethod,
    HazardRatio,
    Interval,
    Median,
    Milestone,
    Proportion,
    PValue,
    Quantity,
    Record,
    Relation,
    Sided,
    Status,
    TableCell,
    TestKind,
)

__all__ = ["Check", "Report", "Verdict", "build", "check_dataset", "check_record", "format_text", "to_json"]


def __dir__() -> list[str]:
    return __all__


class Verdict(StrEnum):
    AGREES = "agrees"
    CONSISTENT = "consistent"
    NOT_RECOMPUTABLE = "not recomputable"
    LABEL_ROUNDING = "label's rounding stands"
    DIFFERS = "differs"


@dataclass(frozen=True, slots=True)
class Check:
    dataset: str
    record_id: str
    item: str  # what is checked: "percent", "95% CI", "count (derived)", "one-sided P", …
    label: str
    published: str
    recomputed: str
    verdict: Verdict
    status: Status
    refs: tuple[str, ...]
    method: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        return f"{self.dataset}:{self.record_id}"

    @property
    def failed(self) -> bool:
        return self.verdict is Verdict.DIFFERS and self.status is Status.CONFIRMED


@dataclass(frozen=True, slots=True)
class Report:
    checks: tuple[Check, ...]
    versions: tuple[tuple[str, int], ...]

    @property
    def ok(self) -> bool:
        return not any(c.failed for c in self.checks)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.failed)

    @property
    def unconfirmed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status is Status.UNCONFIRMED)

    def for_record(self, dataset: str, record_id: str) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.dataset == dataset and c.record_id == record_id)


_CP = "exact (Clopper–Pearson)"


def _verdict(ok: bool, passing: Verdict = Verdict.AGREES) -> Verdict:
    return passing if ok else Verdict.DIFFERS


class _Checker:
    def __init__(self, dataset: Dataset, record: Record) -> None:
        self.dataset = dataset
        self.record = record

    def row(
        self, item: str, published: str, recomputed: str, verdict: Verdict, method: str = "", note: str = ""
    ) -> Check:
        record = self.record
        return Check(
            dataset=self.dataset.name,
            record_id=record.id,
            item=item,
            label=record.label,
            published=published,
            recomputed=recomputed,
            verdict=verdict,
            status=record.provenance.status,
            refs=record.provenance.refs,
            method=method,
            note=" ".join(n for n in (note, record.provenance.note) if n),
        )

    def percent_row(self, item: str, count: int, n: int, published: Decimal) -> Check:
        value = 100.0 * count / n
        verdict = _verdict(fmt.agrees(value, published))
        if verdict is Verdict.DIFFERS and self.record.provenance.label_rounding:
            # The label's printed figure is the approved statement; the arithmetic is shown beside it.
            verdict = Verdict.LABEL_ROUNDING
        return self.row(
            item,
            fmt.percent(published),
            f"{fmt.recomputed(value, published)}% ({count}/{n})",
            verdict,
            "count / n",
        )

    def ci_row(self, ci: Interval, estimate: stats.Estimate, method: str) -> Check:
        low, high = 100.0 * estimate.low, 100.0 * estimate.high
        ok = fmt.agrees(low, ci.low) and (ci.high is None or fmt.agrees(high, ci.high))
        text = f"{fmt.recomputed(low, ci.low)}{fmt.DASH}{fmt.recomputed(high, ci.high or ci.low)}"
        return self.row(f"{fmt.number(ci.level)}% CI", fmt.ci_text(ci), text, _verdict(ok), method)


def _proportion(c: _Checker, p: Proportion) -> Iterator[Check]:
    if p.count is None or p.n is None:
        shown = fmt.proportion_text(p) or "—"
        yield c.row(
            "percent", shown, "—", Verdict.NOT_RECOMPUTABLE, note="No count or denominator was printed."
        )
        return
    if p.percent is None:
        yield c.row(
            "count",
            f"{p.count}/{p.n}",
            f"{fmt.recomputed(100.0 * p.count / p.n, None)}%",
            Verdict.CONSISTENT,
            "count / n",
            "No percentage was printed; the one shown is computed.",
        )
    else:
        yield c.percent_row("percent", p.count, p.n, p.percent)
    if p.count_basis is CountBasis.DERIVED and p.percent is not None:
        candidates = [
            k for k in range(p.n + 1) if fmt.agrees(100.0 * k / p.n, p.percent) and _ci_matches(k, p.n, p)
        ]
        yield c.row(
            "count (derived)",
            f"{fmt.percent(p.percent)} of {p.n}",
            ", ".join(f"{k}/{p.n}" for k in candidates) or "none",
            _verdict(candidates == [p.count]),
            "integers reproducing the printed percentage (and CI)",
            "The source printed no count; it is accepted only when exactly one integer fits.",
        )
    if p.ci is not None:
        estimate = stats.clopper_pearson(p.count, p.n, float(p.ci.level) / 100.0)
        yield c.ci_row(p.ci, estimate, _CP)


def _ci_matches(k: int, n: int, p: Proportion) -> bool:
    if p.ci is None:
        return True
    e = stats.clopper_pearson(k, n, float(p.ci.level) / 100.0)
    return fmt.agrees(100.0 * e.low, p.ci.low) and (
        p.ci.high is None or fmt.agrees(100.0 * e.high, p.ci.high)
    )


def _pair(c: _Checker, record: Difference | ComparisonTest) -> tuple[int, int, int, int]:
    first = c.dataset.get(record.first, Proportion)
    second = c.dataset.get(record.second, Proportion)
    assert first.count is not None and first.n is not None  # the loader guarantees both
    assert second.count is not None and second.n is not None
    return first.count, first.n, second.count, second.n


def _difference(c: _Checker, d: Difference) -> Iterator[Check]:
    k1, n1, k2, n2 = _pair(c, d)
    level = float(d.ci.level) / 100.0 if d.ci is not None else 0.95
    if d.method is DifferenceMethod.WALD:
        estimate, method = stats.difference_wald(k1, n1, k2, n2, level), "Wald, unpooled"
    else:
        estimate, method = stats.difference_newcombe(k1, n1, k2, n2, level), "Newcombe hybrid score"
    value = 100.0 * estimate.estimate
    yield c.row(
        "difference",
        f"{fmt.number(d.estimate)} points",
        f"{fmt.recomputed(value, d.estimate)} points",
        _verdict(fmt.agrees(value, d.estimate)),
        f"{k1}/{n1} − {k2}/{n2}",
    )
    if d.ci is not None:
        yield c.ci_row(d.ci, estimate, method)


def _p_agrees(recomputed_p: float, published: PValue) -> bool:
    if published.relation is Relation.LT:
        return recomputed_p < float(published.value)
    return fmt.agrees(recomputed_p, published.value)


def _test(c: _Checker, t: ComparisonTest) -> Iterator[Check]:
    k1, n1, k2, n2 = _pair(c, t)
    sided: stats.Sidedness = "one" if t.p.sided is Sided.ONE else "two"
    if t.test is TestKind.CHI2:
        result = stats.chi2_2x2(k1, n1, k2, n2, sided)
        method = f"Pearson chi-squared, no continuity correction (χ² = {result.statistic:.2f})"
    else:
        result = stats.fisher_2x2(k1, n1, k2, n2, sided)
        method = "Fisher's exact test"
    yield c.row(
        f"{sided}-sided P",
        fmt.p_text(t.p),
        f"P = {result.p:.2g}",
        _verdict(_p_agrees(result.p, t.p)),
        f"{method}; {k1}/{n1} vs {k2}/{n2}",
    )


def _hazard_ratio(c: _Checker, hr: HazardRatio) -> Iterator[Check]:
    ci = hr.ci
    assert ci.high is not None  # the loader requires a two-sided CI
    h_ci = float(Decimal(5).scaleb(-max(fmt.decimals(ci.low), fmt.decimals(ci.high)) - 1))
    h_hr = float(Decimal(5).scaleb(-fmt.decimals(hr.estimate) - 1))
    low, high, est = float(ci.low), float(ci.high), float(hr.estimate)
    mid = math.sqrt(low * high)
    mid_lo = math.sqrt(max(low - h_ci, 1e-12) * (high - h_ci))
    mid_hi = math.sqrt((low + h_ci) * (high + h_ci))
    ok = mid_lo <= est + h_hr and est - h_hr <= mid_hi
    yield c.row(
        "HR is the midpoint of its CI (log scale)",
        fmt.hr_text(hr),
        f"√(low × high) = {mid:.3f} (rounding allows {mid_lo:.3f}–{mid_hi:.3f})",
        _verdict(ok, Verdict.CONSISTENT),
        "geometric midpoint, allowing for the printed rounding",
    )
    for p in hr.p_values:
        side: stats.Sidedness = "one" if p.sided is Sided.ONE else "two"
        implied = stats.hazard_ratio_wald_p(est, low, high, float(ci.level) / 100.0, side)
        yield c.row(
            f"{side}-sided P",
            fmt.p_text(p),
            f"≈ {implied:.2g} (Wald, from HR and CI)",
            Verdict.NOT_RECOMPUTABLE,
            "normal approximation on the log scale",
            "The published P comes from a (stratified) log-rank test on patient-level data; the Wald P "
            "implied by the HR and CI is shown for information only.",
        )
    by_side = {p.sided: p for p in hr.p_values if p.relation is Relation.EQ}
    if Sided.ONE in by_side and Sided.TWO in by_side:
        doubled = 2.0 * float(by_side[Sided.ONE].value)
        yield c.row(
            "two-sided P = 2 × one-sided P",
            f"{fmt.p_text(by_side[Sided.TWO])}; {fmt.p_text(by_side[Sided.ONE])}",
            f"2 × {fmt.number(by_side[Sided.ONE].value)} = {doubled:.4f}",
            _verdict(fmt.agrees(doubled, by_side[Sided.TWO].value), Verdict.CONSISTENT),
        )
    if hr.boundary is not None and hr.boundary_met is not None:
        same_side = [p for p in hr.p_values if p.sided is hr.boundary.sided]
        if not same_side:
            yield c.row(
                "significance boundary",
                fmt.p_text(hr.boundary),
                "—",
                Verdict.DIFFERS,
                note="No P on the same side.",
            )
        else:
            p = same_side[0]
            # With 'P < x' the boundary is met whenever x <= boundary, so one comparison serves both.
            met = p.value <= hr.boundary.value
            word = "met" if hr.boundary_met else "not met"
            yield c.row(
                "significance boundary",
                f"{fmt.p_text(p)} vs boundary {fmt.number(hr.boundary.value)}: {word}",
                f"{'met' if met else 'not met'} ({fmt.number(p.value)} {'≤' if met else '>'} "
                f"{fmt.number(hr.boundary.value)})",
                _verdict(met == hr.boundary_met, Verdict.CONSISTENT),
            )


def _interval_contains(value: Decimal, ci: Interval) -> bool:
    return bool(ci.low <= value and (ci.high is None or value <= ci.high))


def _median(c: _Checker, m: Median) -> Iterator[Check]:
    if m.ci is None:
        yield c.row(
            "median", fmt.median_text(m), "—", Verdict.NOT_RECOMPUTABLE, note="Needs patient-level data."
        )
        return
    yield c.row(
        "median",
        fmt.median_text(m),
        "inside its CI" if _interval_contains(m.months, m.ci) else "outside its CI",
        _verdict(_interval_contains(m.months, m.ci), Verdict.CONSISTENT),
        note="Recomputing a Kaplan–Meier median needs patient-level data; only its CI is checked.",
    )


def _milestone(c: _Checker, m: Milestone) -> Iterator[Check]:
    if m.ci is None:
        yield c.row(
            f"{m.months}-month rate",
            fmt.milestone_text(m),
            "—",
            Verdict.NOT_RECOMPUTABLE,
            note="Needs patient-level data.",
        )
        return
    yield c.row(
        f"{m.months}-month rate",
        fmt.milestone_text(m),
        "inside its CI" if _interval_contains(m.percent, m.ci) else "outside its CI",
        _verdict(_interval_contains(m.percent, m.ci), Verdict.CONSISTENT),
        note="Recomputing a Kaplan–Meier rate needs patient-level data; only its CI is checked.",
    )


def _quantity(c: _Checker, q: Quantity) -> Iterator[Check]:
    if q.sum_of:
        parts = [c.dataset.get(other, Quantity).value for other in q.sum_of]
        total = sum(parts, Decimal(0))
        yield c.row(
            "sum of parts",
            fmt.quantity_text(q),
            " + ".join(fmt.number(v) for v in parts) + f" = {fmt.number(total)}",
            _verdict(total == q.value),
        )
    elif q.range_low is not None and q.range_high is not None:
        inside = q.range_low <= q.value <= q.range_high
        yield c.row(
            "value",
            fmt.quantity_text(q),
            "inside its range" if inside else "outside its range",
            _verdict(inside, Verdict.CONSISTENT),
        )
    else:
        yield c.row(
            "value", fmt.quantity_text(q), "—", Verdict.NOT_RECOMPUTABLE, note="A reported count or time."
        )


def _count_table(c: _Checker, t: CountTable) -> Iterator[Check]:
    for row in t.rows:
        for column, cell in zip(t.columns, row.cells, strict=True):
            item = f"{row.term} / {column.label}"
            if cell is None:
                continue
            yield _cell_check(c, item, cell, column.n)


def _cell_check(c: _Checker, item: str, cell: TableCell, n: int) -> Check:
    if cell.count is not None and cell.percent is not None:
        return c.percent_row(item, cell.count, n, cell.percent)
    if cell.count is not None:
        return c.row(
            item, str(cell.count), f"{cell.count}/{n}", _verdict(cell.count <= n, Verdict.CONSISTENT)
        )
    return c.row(
        item, fmt.cell_text(cell), "—", Verdict.NOT_RECOMPUTABLE, note=f"Percent of {n}; no count printed."
    )


def check_record(dataset: Dataset, record: Record) -> tuple[Check, ...]:
    """All checks for one record."""
    c = _Checker(dataset, record)
    if isinstance(record, Proportion):
        return tuple(_proportion(c, record))
    if isinstance(record, Difference):
        return tuple(_difference(c, record))
    if isinstance(record, ComparisonTest):
        return tuple(_test(c, record))
    if isinstance(record, HazardRatio):
        return tuple(_hazard_ratio(c, record))
    if isinstance(record, Median):
        return tuple(_median(c, record))
    if isinstance(record, Milestone):
        return tuple(_milestone(c, record))
    if isinstance(record, Quantity):
        return tuple(_quantity(c, record))
    return tuple(_count_table(c, record))


def check_dataset(dataset: Dataset) -> tuple[Check, ...]:
    return tuple(check for record in dataset.records.values() for check in check_record(dataset, record))


def build(*, folder: Path | None = None, datasets: Iterable[Dataset] | None = None) -> Report:
    """Check every record of every data set (the packaged ones unless ``folder`` or ``datasets`` is given)."""
    chosen = tuple(datasets) if datasets is not None else all_datasets(folder=folder)
    return Report(
        checks=tuple(check for ds in chosen for check in check_dataset(ds)),
        versions=tuple((ds.name, ds.version) for ds in chosen),
    )


def to_json(report: Report) -> dict[str, Any]:
    counts = Counter(f"{c.status.value}/{c.verdict.value}" for c in report.checks)
    return {
        "ok": report.ok,
        "datasets": [{"name": name, "version": version} for name, version in report.versions],
        "summary": dict(sorted(counts.items())),
        "failures": [f"{c.key} {c.item}" for c in report.failures],
        "checks": [
            {
                "id": c.key,
                "item": c.item,
                "label": c.label,
                "published": c.published,
                "recomputed": c.recomputed,
                "status": c.status.value,
                "verdict": c.verdict.value,
                "refs": list(c.refs),
                "method": c.method,
                "note": c.note,
            }
            for c in report.checks
        ],
    }


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def format_text(report: Report) -> str:
    """A plain-text table for the terminal, one section per data set, then the summary."""
    out: list[str] = []
    header = ("id", "item", "published", "recomputed", "status", "verdict", "source")
    for name, version in report.versions:
        out.append(f"== {name} (data version {version}) ==")
        rows = [header] + [
            (
                c.record_id,
                c.item,
                c.published,
                c.recomputed,
                c.status.value,
                c.verdict.value,
                ", ".join(c.refs),
            )
            for c in report.checks
            if c.dataset == name
        ]
        out.extend(_table(rows))
        out.append("")
    counts = Counter((c.status, c.verdict) for c in report.checks)
    out.append("Summary")
    for status in Status:
        parts = [f"{counts[(status, v)]} {v.value}" for v in Verdict if counts[(status, v)]]
        out.append(f"  {status.value}: {', '.join(parts) or 'none'}")
    kept = [c for c in report.checks if c.verdict is Verdict.LABEL_ROUNDING]
    out.append(f"  the label's own rounding kept (shown as the label prints it): {len(kept)}")
    for c in kept:
        out.append(f"    {c.key}: the label prints {c.published}; {c.recomputed}")
    unconfirmed_ids = sorted({c.key for c in report.unconfirmed})
    out.append(f"  unconfirmed numbers (kept out of pages): {len(unconfirmed_ids)}")
    for key in unconfirmed_ids:
        out.append(f"    {key}")
    from besponsa.evidence.pages import INTERNAL_FIGURES

    out.append("  internal-review figures (reconstructed or exploratory; never on a public page):")
    for figure_id, what in INTERNAL_FIGURES.items():
        out.append(f"    {figure_id}: {what} `besponsa evidence figure {figure_id}` renders it.")
    if report.ok:
        out.append("OK: every confirmed number agrees with its recomputation or internal check.")
    else:
        out.append(f"FAILED: {len(report.failures)} confirmed number(s) differ:")
        out.extend(
            f"  {c.key} {c.item}: published {c.published}, recomputed {c.recomputed}" for c in report.failures
        )
    return "\n".join(out) + "\n"
