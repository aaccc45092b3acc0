"""Typed, frozen records for published trial numbers.

A *record* is one published result (a proportion, a difference, a test, a hazard ratio, a median, a
milestone rate, a plain quantity, or a table of counts). Every record has a stable ``id``, a label, the
population it refers to, and a :class:`Provenance`: the reference keys a page cites, where the number
was seen during research, and its :class:`Status`.

Published values are kept as :class:`~decimal.Decimal` exactly as printed ("10.0", not 10), so the
number of decimals the source used is known and a recomputed value can be compared at that precision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import TypeVar

from besponsa.evidence.errors import UnknownRecordError

__all__ = [
    "ARM_LABELS",
    "Arm",
    "ComparisonTest",
    "CountBasis",
    "CountTable",
    "Dataset",
    "Difference",
    "DifferenceMethod",
    "Group",
    "HazardRatio",
    "Interval",
    "Median",
    "Milestone",
    "PValue",
    "Proportion",
    "Provenance",
    "Quantity",
    "Record",
    "Relation",
    "Sided",
    "Status",
    "TableCell",
    "TableColumn",
    "TableRow",
    "TestKind",
]


def __dir__() -> list[str]:
    return __all__


class Status(StrEnum):
    """How well a number is supported.

    ``confirmed``: seen in a retrieved source that a page can cite in full; shown on pages.
    ``unconfirmed``: recalled, derived by arithmetic only, or from a source that cannot be cited in full;
    kept out of pages and listed by the report.
    """

    CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"


class Arm(StrEnum):
    INO = "ino"
    IC = "ic"


ARM_LABELS: Mapping[Arm, str] = MappingProxyType(
    {Arm.INO: "BESPONSA", Arm.IC: "Investigator's choice chemotherapy"}
)


class CountBasis(StrEnum):
    """Whether a count was printed by the source or reconstructed from a printed percentage.

    A ``derived`` count is accepted only when it is the single integer that reproduces the published
    percentage on the published denominator; the report checks that uniqueness.
    """

    PUBLISHED = "published"
    DERIVED = "derived"


class Sided(StrEnum):
    ONE = "one"
    TWO = "two"


class Relation(StrEnum):
    EQ = "="
    LT = "<"


class TestKind(StrEnum):
    CHI2 = "chi2"  # Pearson chi-squared on the 2×2 table, no continuity correction
    FISHER = "fisher"  # Fisher's exact test


class DifferenceMethod(StrEnum):
    WALD = "wald"
    NEWCOMBE = "newcombe"


@dataclass(frozen=True, slots=True)
class Provenance:
    refs: tuple[str, ...]  # keys into besponsa.evidence.references
    seen_in: str  # where the number was seen during research (fact-sheet section and source tags)
    status: Status
    note: str = ""
    # The label prints a percentage that count/n does not round to (QTcF 4/162 printed as 3 %): the
    # label's statement is what pages show, and the report says so instead of calling it a difference.
    label_rounding: bool = False


@dataclass(frozen=True, slots=True)
class Interval:
    level: Decimal  # confidence level in percent: 95, 97.5, 90
    low: Decimal
    high: Decimal | None  # None: not estimable (NE)


@dataclass(frozen=True, slots=True)
class PValue:
    value: Decimal
    relation: Relation
    sided: Sided


@dataclass(frozen=True, slots=True, kw_only=True)
class _Base:
    id: str
    label: str
    population: str
    provenance: Provenance

    @property
    def confirmed(self) -> bool:
        return self.provenance.status is Status.CONFIRMED


@dataclass(frozen=True, slots=True, kw_only=True)
class Proportion(_Base):
    """``count`` of ``n`` patients, the published percentage and, if published, its confidence interval."""

    arm: Arm | None
    count: int | None
    n: int | None
    percent: Decimal | None
    ci: Interval | None = None
    count_basis: CountBasis = CountBasis.PUBLISHED


@dataclass(frozen=True, slots=True, kw_only=True)
class Difference(_Base):
    """A published difference (percentage points) between two proportions, ``first`` minus ``second``."""

    first: str
    second: str
    estimate: Decimal
    ci: Interval | None
    method: DifferenceMethod = DifferenceMethod.WALD


@dataclass(frozen=True, slots=True, kw_only=True)
class ComparisonTest(_Base):
    """A published P value for comparing two proportions (``first`` expected to be the larger)."""

    first: str
    second: str
    test: TestKind
    p: PValue


@dataclass(frozen=True, slots=True, kw_only=True)
class HazardRatio(_Base):
    """A published hazard ratio (BESPONSA vs comparator), its CI, P values and significance boundary."""

    endpoint: str
    estimate: Decimal
    ci: Interval
    p_values: tuple[PValue, ...] = ()
    boundary: PValue | None = None
    boundary_met: bool | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Median(_Base):
    """A published Kaplan–Meier median (months) with its CI."""

    endpoint: str
    arm: Arm | None
    n: int | None
    months: Decimal
    ci: Interval | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone(_Base):
    """A published Kaplan–Meier survival rate (percent) at a landmark time (months)."""

    endpoint: str
    arm: Arm | None
    months: int
    percent: Decimal
    ci: Interval | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity(_Base):
    """A plain published number (a count, an age, a duration), optionally with a range.

    ``sum_of`` names other Quantity records whose values must add up to this one.
    """

    value: Decimal
    unit: str
    range_low: Decimal | None = None
    range_high: Decimal | None = None
    sum_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TableColumn:
    key: str
    label: str
    arm: Arm | None
    n: int


@dataclass(frozen=True, slots=True)
class TableCell:
    count: int | None
    percent: Decimal | None


@dataclass(frozen=True, slots=True)
class TableRow:
    key: str
    term: str
    cells: tuple[TableCell | None, ...]  # None: not reported


@dataclass(frozen=True, slots=True, kw_only=True)
class CountTable(_Base):
    """A published table of ``count (percent)`` cells, one column per arm/grade, one row per term."""

    columns: tuple[TableColumn, ...]
    rows: tuple[TableRow, ...]


Record = Proportion | Difference | ComparisonTest | HazardRatio | Median | Milestone | Quantity | CountTable

_R = TypeVar(
    "_R", Proportion, Difference, ComparisonTest, HazardRatio, Median, Milestone, Quantity, CountTable
)


@dataclass(frozen=True, slots=True)
class Group:
    """A titled set of records, in the order the data file lists them (e.g. "Remission, first 218")."""

    id: str
    title: str
    record_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dataset:
    """One versioned data file, loaded (see :mod:`besponsa.evidence.datasets`)."""

    name: str
    version: int
    updated: str
    title: str
    study: str
    groups: tuple[Group, ...]
    records: Mapping[str, Record] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, record_id: str, kind: type[_R]) -> _R:
        """The record ``record_id``, checked to be of ``kind``.

        :raises UnknownRecordError: no such id, or the record has another kind.
        """
        try:
            record = self.records[record_id]
        except KeyError:
            raise UnknownRecordError(f"{self.name}: no record {record_id!r}") from None
        if not isinstance(record, kind):
            raise UnknownRecordError(
                f"{self.name}: record {record_id!r} is a {type(record).__name__}, not a {kind.__name__}"
            )
        return record
