"""The shape of an evidence page view, and the builder that reads the records a page shows.

A page builder (:mod:`besponsa.evidence.efficacy`, :mod:`besponsa.evidence.safety`) reads every record
through :class:`PageBuilder`, which goes through :func:`besponsa.evidence.selectors.shown` (only
confirmed numbers that agree with their recomputation) and gives each statement and table the references
and ``dataset:record`` ids of the records it was built from, so no id is typed twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from besponsa.evidence import fmt
from besponsa.evidence.records import (
    _R as RecordKind,
)
from besponsa.evidence.records import (
    CountBasis,
    CountTable,
    Dataset,
    Proportion,
    Record,
)
from besponsa.evidence.references import numbered
from besponsa.evidence.selectors import shown
from besponsa.evidence.tables import Table

__all__ = [
    "DERIVED_COUNT_NOTE",
    "GLOSSARY",
    "PageBuilder",
    "PageView",
    "Section",
    "Statement",
    "abbreviations",
    "n_of",
]


def __dir__() -> list[str]:
    return __all__


DERIVED_COUNT_NOTE = (
    "Counts in parentheses were not printed by the source; each is the only whole number that reproduces "
    "the published percentage on the published denominator."
)

# Every abbreviation the evidence pages spell out, written once; each page lists the ones it uses.
GLOSSARY: Mapping[str, str] = MappingProxyType(
    {
        "ALL": "acute lymphoblastic leukemia",
        "ALT": "alanine aminotransferase",
        "AST": "aspartate aminotransferase",
        "CI": "confidence interval",
        "CR": "complete remission",
        "CRi": "complete remission with incomplete hematologic recovery",
        "CTCAE": "Common Terminology Criteria for Adverse Events",
        "HR": "hazard ratio",
        "HSCT": "hematopoietic stem-cell transplant",
        "MRD": "minimal residual disease",
        "NE": "not estimable",
        "Ph": "Philadelphia chromosome",
        "QTcF": "QT interval corrected by Fridericia's formula",
        "RQ-PCR": "real-time quantitative polymerase chain reaction",
        "VOD": "hepatic veno-occlusive disease (sinusoidal obstruction syndrome)",
    }
)


def abbreviations(*keys: str) -> tuple[tuple[str, str], ...]:
    """(abbreviation, expansion) pairs from :data:`GLOSSARY`, in the order given."""
    return tuple((key, GLOSSARY[key]) for key in keys)


@dataclass(frozen=True, slots=True)
class Statement:
    """One claim, ready to print: ``text`` already carries its formatted numbers."""

    id: str
    text: str
    references: tuple[str, ...]
    footnotes: tuple[str, ...] = ()
    record_ids: tuple[str, ...] = ()  # "dataset:record" of every number in the text
    review_notes: tuple[str, ...] = ()  # how numbers were derived: for MLR reviewers, never on a page


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    heading: str
    statements: tuple[Statement, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[str, ...] = ()  # ids for besponsa.evidence.figures.render
    review_notes: tuple[str, ...] = ()  # working notes for MLR reviewers (the CMS claims panel), never public


@dataclass(frozen=True, slots=True)
class PageView:
    slug: str
    title: str
    sections: tuple[Section, ...]
    footnotes: tuple[str, ...]
    abbreviations: tuple[tuple[str, str], ...]
    data_versions: tuple[tuple[str, int], ...]

    @property
    def statements(self) -> tuple[Statement, ...]:
        return tuple(s for section in self.sections for s in section.statements)

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(t for section in self.sections for t in section.tables)

    @property
    def figure_ids(self) -> tuple[str, ...]:
        return tuple(f for section in self.sections for f in section.figures)

    @property
    def record_ids(self) -> tuple[str, ...]:
        ids = [r for s in self.statements for r in s.record_ids] + [
            r for t in self.tables for r in t.record_ids
        ]
        return tuple(dict.fromkeys(ids))

    @property
    def references(self) -> tuple[str, ...]:
        """Reference keys in first-cited order: statements and tables section by section, then figures."""
        # The figures' words and sources only: listing references never draws a figure.
        from besponsa.evidence.figures import describe

        keys: list[str] = []
        for section in self.sections:
            for statement in section.statements:
                keys.extend(statement.references)
            for table in section.tables:
                keys.extend(table.references)
            for figure_id in section.figures:
                keys.extend(describe(figure_id).references)
        return tuple(dict.fromkeys(keys))

    def numbered_references(self) -> tuple[tuple[int, str], ...]:
        """(number, full citation) pairs for the page's reference list."""
        return tuple((n, ref.citation) for n, ref in numbered(self.references))

    def statement(self, statement_id: str) -> Statement:
        for s in self.statements:
            if s.id == statement_id:
                return s
        raise KeyError(f"{self.slug}: no statement {statement_id!r}")


class PageBuilder:
    """Reads the records of one data set for a page; statements and tables name the records they show."""

    def __init__(self, dataset: Dataset) -> None:
        self.ds = dataset

    def get(self, record_id: str, kind: type[RecordKind]) -> RecordKind:
        return shown(self.ds, record_id, kind)

    def p(self, record_id: str) -> Proportion:
        return self.get(record_id, Proportion)

    def pair(self, prefix: str) -> tuple[Proportion, Proportion]:
        """The two arms of one outcome: records ``<prefix>-ino`` (BESPONSA) and ``<prefix>-ic``."""
        return self.p(f"{prefix}-ino"), self.p(f"{prefix}-ic")

    def ids(self, records: Iterable[Record]) -> tuple[str, ...]:
        return tuple(f"{self.ds.name}:{r.id}" for r in records)

    def statement(
        self, statement_id: str, text: str, records: Iterable[Record], *footnotes: str
    ) -> Statement:
        records = tuple(records)
        derived = any(isinstance(r, Proportion) and r.count_basis is CountBasis.DERIVED for r in records)
        return Statement(
            id=statement_id,
            text=text,
            references=tuple(dict.fromkeys(k for r in records for k in r.provenance.refs)),
            footnotes=tuple(footnotes),
            record_ids=self.ids(records),
            review_notes=(DERIVED_COUNT_NOTE,) if derived else (),
        )

    def table(
        self,
        table_id: str,
        caption: str,
        columns: tuple[str, ...],
        rows: Iterable[tuple[str, ...]],
        records: Iterable[Record],
        *,
        references: tuple[str, ...],
        footnotes: tuple[str, ...] = (),
    ) -> Table:
        """A table of finished cells; ``records`` are the records whose numbers fill it, in citing order."""
        return Table(
            id=table_id,
            caption=caption,
            columns=columns,
            rows=tuple(rows),
            footnotes=footnotes,
            references=references,
            record_ids=self.ids(records),
        )

    def count_table(
        self, record_id: str, caption: str, *footnotes: str, first_column: str = "Event"
    ) -> Table:
        t = self.get(record_id, CountTable)
        return self.table(
            record_id,
            caption,
            (first_column, *(f"{c.label} (n = {c.n})" for c in t.columns)),
            ((row.term, *(fmt.cell_text(cell) for cell in row.cells)) for row in t.rows),
            (t,),
            references=t.provenance.refs,
            footnotes=tuple(footnotes),
        )

    def versions(self) -> tuple[tuple[str, int], ...]:
        return ((self.ds.name, self.ds.version),)


def n_of(p: Proportion) -> str:
    """Count, denominator and printed percentage, e.g. 23/164 (14%)."""
    assert p.percent is not None
    return f"{p.count}/{p.n} ({fmt.percent(p.percent)})"
