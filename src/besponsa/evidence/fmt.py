"""Text for published numbers, in one place: pages, tables, figures and the report all call these.

Style (AMA, US English): "80.7%", "95% CI 72.1–87.7" (en dash between limits), "HR 0.751 (97.5% CI
0.568–0.993)", "one-sided P = 0.0105", a true minus sign (−) for negative numbers, "NE" for a limit that
could not be estimated. Published values are printed exactly as the source printed them.
"""

from __future__ import annotations

from decimal import Decimal

from besponsa.evidence.records import (
    HazardRatio,
    Interval,
    Median,
    Milestone,
    Proportion,
    PValue,
    Quantity,
    TableCell,
)

__all__ = [
    "CR_PEDIATRIC_NOTE",
    "MRD_ADULT_NOTE",
    "MRD_PEDIATRIC_NOTE",
    "SUBGROUP_CAVEAT",
    "agrees",
    "cell_text",
    "ci_text",
    "decimals",
    "hr_text",
    "median_text",
    "milestone_text",
    "number",
    "p_text",
    "percent",
    "proportion_text",
    "quantity_text",
    "recomputed",
]


def __dir__() -> list[str]:
    return __all__


MINUS = "\u2212"
SUBGROUP_CAVEAT = "Exploratory; not powered"  # printed beside every subgroup result
# Definitions printed under a page's table and under its figure alike: one wording for both.
MRD_ADULT_NOTE = (
    "MRD negativity: leukemic cells below 1×10⁻⁴ (0.01%) of bone-marrow nucleated cells by flow cytometry."
)
MRD_PEDIATRIC_NOTE = "MRD negativity: leukemic cells below 1×10⁻⁴ of bone-marrow nucleated cells."
CR_PEDIATRIC_NOTE = (
    "CR means complete remission with full blood-count recovery; the FDA analysis reports CR only."
)
DASH = "\u2013"


def number(value: Decimal) -> str:
    """A published value as printed, with a true minus sign."""
    text = format(value, "f")
    return MINUS + text[1:] if text.startswith("-") else text


def decimals(value: Decimal) -> int:
    """How many decimals the source printed ("80.7" → 1, "48" → 0)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def agrees(recomputed_value: float, published: Decimal) -> bool:
    """True when ``recomputed_value`` rounds to ``published`` at the precision the source printed.

    The tolerance is half a unit of the last printed digit (0.05 for "72.1", 0.5 for "48"), so a value
    that agrees is always within 0.1 of the printed one in that unit.
    """
    half = Decimal(5).scaleb(-decimals(published) - 1)
    return abs(Decimal(recomputed_value) - published) <= half


def recomputed(value: float, like: Decimal | None = None, *, extra: int = 1) -> str:
    """A recomputed value with ``extra`` more decimals than the published one it is compared with."""
    places = (decimals(like) if like is not None else 1) + extra
    text = f"{value:.{places}f}"
    return MINUS + text[1:] if text.startswith("-") else text


def percent(value: Decimal) -> str:
    return f"{number(value)}%"


def ci_text(ci: Interval) -> str:
    high = "NE" if ci.high is None else number(ci.high)
    return f"{number(ci.level)}% CI {number(ci.low)}{DASH}{high}"


def proportion_text(p: Proportion) -> str:
    """ "80.7% (88/109; 95% CI 72.1–87.7)", "86.7%", "76/121" — whatever the source printed."""
    parts = []
    if p.count is not None and p.n is not None:
        parts.append(f"{p.count}/{p.n}")
    if p.ci is not None:
        parts.append(ci_text(p.ci))
    if p.percent is None:
        return "; ".join(parts)
    return percent(p.percent) + (f" ({'; '.join(parts)})" if parts else "")


def p_text(p: PValue) -> str:
    return f"{p.sided.value}-sided P {p.relation.value} {number(p.value)}"


def hr_text(hr: HazardRatio) -> str:
    return f"HR {number(hr.estimate)} ({ci_text(hr.ci)})"


def median_text(m: Median) -> str:
    text = f"{number(m.months)} months"
    return f"{text} ({ci_text(m.ci)})" if m.ci is not None else text


def milestone_text(m: Milestone) -> str:
    text = percent(m.percent)
    return f"{text} ({ci_text(m.ci)})" if m.ci is not None else text


def quantity_text(q: Quantity) -> str:
    # "1 cycles" reads wrong; units are stored in the plural.
    unit = q.unit[:-1] if q.value == 1 and q.unit.endswith("s") else q.unit
    text = f"{number(q.value)} {unit}"
    if q.range_low is not None and q.range_high is not None:
        text += f" (range {number(q.range_low)}{DASH}{number(q.range_high)})"
    return text


def cell_text(cell: TableCell | None) -> str:
    """A table cell as printed: "85 (51.8%)", "0", "51%", or "—" when not reported."""
    if cell is None:
        return "\u2014"
    if cell.count is None:
        return percent(cell.percent) if cell.percent is not None else "\u2014"
    if cell.percent is None:
        return str(cell.count)
    return f"{cell.count} ({percent(cell.percent)})"
