"""The one gate between the data and anything shown: pages, tables and figures read records through it.

:func:`shown` returns a record only when it is confirmed *and* every recomputation or internal check of
it passes, so a page can never show an unconfirmed number or one that disagrees with its recomputation.
"""

from __future__ import annotations

from besponsa.evidence.errors import EvidenceDataError, UnconfirmedNumberError
from besponsa.evidence.records import _R as RecordKind
from besponsa.evidence.records import Dataset
from besponsa.evidence.report import Verdict, check_record

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
    failing = [c for c in check_record(dataset, record) if c.verdict is Verdict.DIFFERS]
    if failing:
        details = "; ".join(f"{c.item}: published {c.published}, recomputed {c.recomputed}" for c in failing)
        raise EvidenceDataError(f"{dataset.name}:{record_id} disagrees with its recomputation ({details})")
    return record
