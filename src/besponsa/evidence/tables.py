"""The accessible-table shape shared by page views and figures.

A :class:`Table` maps one-to-one onto ``<table><caption>…</caption><thead><tr><th scope="col">…`` with
the first cell of each row as ``<th scope="row">``. Cells are finished text; the web layer only escapes
and places them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Table"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    caption: str
    columns: tuple[str, ...]  # header cells; the first heads the row-header column
    rows: tuple[tuple[str, ...], ...]  # the first cell of each row is its header
    footnotes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # reference keys (besponsa.evidence.references)
    record_ids: tuple[str, ...] = ()  # the records whose numbers fill the table

    def __post_init__(self) -> None:
        if any(len(row) != len(self.columns) for row in self.rows):
            raise ValueError(f"table {self.id!r}: every row needs {len(self.columns)} cells")
