"""The one gate between the data and anything shown: pages, tables and figures read records through it.

:func:`shown` returns a record only when it is confirmed *and* every recomputation or internal check of
it passes, so a page can never show an unconfirmed number or one that disagrees with its recomputation.
The checks of a record run once per loaded data set (memoized), not on every page render.
"""

from __future__ import annotations

import functools

from besponsa.evidence.errors import EvidenceDataError, UnconfirmedNumberError
from besponsa.evidence.records import _R as RecordKind
from besponsa.evidence.records import Dataset
from besponsa.evidence.report import Check, Verdict, check_record

__all__ = ["shown"]


def __dir__() -> list[str]:
    return __all__


def shown(dataset: Dataset, record_id: str, kind: type[RecordKind]) -> RecordKind:
    """The record, if it may be shown.

    :raises UnknownRecordError: no such record, or another kind.
    :raises UnconfirmedNumberError: the record is unconfirmed.
    :raises EvidenceDataError: a published value disagrees with its recomputation.
    """
    record = dataset.get(record_id, kind)
    if not record.confirmed:
        raise UnconfirmedNumberError(f"{dataset.name}:{record_id} is unconfirmed and stays out of pages")
    failing = _failing(_Loaded(dataset), record_id)
    if failing:
        details = "; ".join(f"{c.item}: published {c.published}, recomputed {c.recomputed}" for c in failing)
        raise EvidenceDataError(f"{dataset.name}:{record_id} disagrees with its recomputation ({details})")
    return record


class _Loaded:
    """A data set as a cache key, by identity: a reloaded or edited copy (same name and version, as the
    tests make) is checked afresh. The cache entry holds the data set, so its id cannot be reused."""

    __slots__ = ("dataset",)

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def __hash__(self) -> int:
        return id(self.dataset)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Loaded) and other.dataset is self.dataset


@functools.lru_cache(maxsize=4096)
def _failing(loaded: _Loaded, record_id: str) -> tuple[Check, ...]:
    dataset = loaded.dataset
    record = dataset.records[record_id]
    return tuple(c for c in check_record(dataset, record) if c.verdict is Verdict.DIFFERS)
