"""Key trial results as stat callouts (a big number, what it measures, the comparison and the detail).

Every number is read from `besponsa.evidence` through `selectors.shown` (confirmed, recomputation-checked
records) and formatted by `evidence.fmt`, exactly as the efficacy pages print it; nothing here is typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from besponsa.evidence import datasets, fmt
from besponsa.evidence.records import Dataset, Median, Proportion, Quantity, Record

if TYPE_CHECKING:
    from besponsa.evidence.selectors import shown
else:

    def shown(*args: object) -> object:
        # Imported on first use: the selectors load scipy (~2 s), which the CMS forms do not need.
        from besponsa.evidence.selectors import shown as real

        return real(*args)


@dataclass(frozen=True)
class Stat:
    id: str
    value: str  # the big number, e.g. "80.7%"
    label: str  # what it measures, in plain words
    compare: str  # the comparison arm, or "" for a single-arm study
    detail: str  # counts and confidence interval
    references: tuple[str, ...]


def _refs(*records: Record) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key for record in records for key in record.provenance.refs))


def _percent(p: Proportion) -> str:
    assert p.percent is not None, p.id
    return fmt.percent(p.percent)


def _detail(p: Proportion) -> str:
    """Counts and CI without the leading percentage, e.g. "88/109; 95% CI 72.1–87.7"."""
    return fmt.proportion_text(p).removeprefix(_percent(p)).strip(" ()").replace("; ", ", ")


def _adult() -> Dataset:
    return datasets.inovate_all()


def _pair_stat(stat_id: str, prefix: str, label: str) -> Stat:
    ds = _adult()
    ino, ic = shown(ds, f"{prefix}-ino", Proportion), shown(ds, f"{prefix}-ic", Proportion)
    return Stat(
        id=stat_id,
        value=_percent(ino),
        label=label,
        compare=f"vs {_percent(ic)} with investigator's choice of chemotherapy",
        detail=f"BESPONSA {_detail(ino)}; investigator's choice {_detail(ic)}",
        references=_refs(ino, ic),
    )


def adult_crcri() -> Stat:
    first218 = fmt.number(shown(_adult(), "first218-total", Quantity).value)
    return _pair_stat(
        "adult-crcri", "crcri", f"of adults reached CR/CRi with BESPONSA (first {first218} randomized)"
    )


def adult_mrd() -> Stat:
    return _pair_stat("adult-mrd", "mrd-crcri", "of adults with CR/CRi were MRD-negative with BESPONSA")


def adult_docr() -> Stat:
    ds = _adult()
    ino, ic = shown(ds, "docr-ino", Median), shown(ds, "docr-ic", Median)
    return Stat(
        id="adult-docr",
        value=f"{fmt.number(ino.months)} months",
        label="median duration of CR with BESPONSA",
        compare=f"vs {fmt.number(ic.months)} months with investigator's choice of chemotherapy",
        detail=f"BESPONSA {fmt.median_text(ino)}; investigator's choice {fmt.median_text(ic)}",
        references=_refs(ino, ic),
    )


def pediatric_cr() -> Stat:
    cr = shown(datasets.wi203581(), "cr", Proportion)
    return Stat(
        id="pediatric-cr",
        value=_percent(cr),
        label="of children 1 year and older reached CR in study WI203581",
        compare="",
        detail=_detail(cr),
        references=_refs(cr),
    )


STATS: dict[str, Callable[[], Stat]] = {
    "adult-crcri": adult_crcri,
    "adult-mrd": adult_mrd,
    "adult-docr": adult_docr,
    "pediatric-cr": pediatric_cr,
}
STAT_CHOICES = [(key, key) for key in STATS]


def stat(stat_id: str) -> Stat:
    return STATS[stat_id]()
