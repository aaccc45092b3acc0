"""Load the versioned YAML data files into frozen records.

>>> from besponsa.evidence import datasets
>>> adult = datasets.inovate_all()
>>> adult.get("crcri-ino", datasets.Proportion).count
88

The loader is strict: an unknown field, a published value written as a bare number (which would lose
its printed precision), a dangling reference key or record id, or a confirmed record that leans on an
unconfirmed one or on a reference that cannot be cited raises :class:`EvidenceDataError` naming the file,
the record and the field.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from besponsa.evidence.errors import EvidenceDataError
from besponsa.evidence.records import (
    Arm,
    ComparisonTest,
    CountBasis,
    CountTable,
    Dataset,
    Difference,
    DifferenceMethod,
    Group,
    HazardRatio,
    Interval,
    Median,
    Milestone,
    Proportion,
    Provenance,
    PValue,
    Quantity,
    Record,
    Relation,
    Sided,
    Status,
    TableCell,
    TableColumn,
    TableRow,
    TestKind,
)
from besponsa.evidence.references import REFERENCES

__all__ = [
    "DATASET_FILES",
    "ComparisonTest",
    "CountTable",
    "Dataset",
    "Difference",
    "HazardRatio",
    "Median",
    "Milestone",
    "Proportion",
    "Quantity",
    "all_datasets",
    "data_dir",
    "inovate_all",
    "load",
    "wi203581",
]


def __dir__() -> list[str]:
    return __all__


DATASET_FILES: Mapping[str, str] = MappingProxyType(
    {"inovate-all": "inovate_all.yaml", "wi203581": "wi203581.yaml"}
)

_COMMON = frozenset(
    {"id", "kind", "label", "population", "refs", "seen_in", "status", "note", "label_rounding"}
)
_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "proportion": _COMMON | {"arm", "count", "n", "percent", "ci", "count_basis"},
        "difference": _COMMON | {"first", "second", "estimate", "ci", "method"},
        "test": _COMMON | {"first", "second", "test", "p"},
        "hazard_ratio": _COMMON | {"endpoint", "estimate", "ci", "p", "boundary", "boundary_met"},
        "median": _COMMON | {"endpoint", "arm", "n", "months", "ci"},
        "milestone": _COMMON | {"endpoint", "arm", "months", "percent", "ci"},
        "quantity": _COMMON | {"value", "unit", "range", "sum_of"},
        "count_table": _COMMON | {"columns", "rows"},
    }
)
# libyaml's safe loader parses the data files about 8× faster than the pure-Python one (same result).
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_P_VALUE = re.compile(r"^(one|two)-sided (<|=) (\d+(?:\.\d+)?)$")
_CELL = re.compile(r"^(?:(\d+)(?: \((\d+(?:\.\d+)?)\))?|(\d+(?:\.\d+)?)%)$")


def data_dir() -> Path:
    """The folder holding the packaged data files."""
    return Path(str(resources.files("besponsa.evidence.data")))


class _Reader:
    """Typed access to one YAML mapping, with errors that say where the problem is."""

    def __init__(self, where: str, raw: object, allowed: frozenset[str] | None = None) -> None:
        if not isinstance(raw, dict):
            raise EvidenceDataError(f"{where}: expected a mapping, got {type(raw).__name__}")
        self.where = where
        self.raw: dict[str, Any] = raw
        if allowed is not None:
            unknown = sorted(set(raw) - allowed)
            if unknown:
                raise EvidenceDataError(f"{where}: unknown field(s) {', '.join(unknown)}")

    def fail(self, key: str, message: str) -> EvidenceDataError:
        return EvidenceDataError(f"{self.where}: field {key!r}: {message}")

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "a non-empty text is required")
        return value

    def integer(self, key: str) -> int:
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, f"a non-negative integer is required, got {value!r}")
        return value

    def optional_integer(self, key: str) -> int | None:
        return self.integer(key) if self.has(key) else None

    def published(self, key: str) -> Decimal:
        return _published(self.raw.get(key), self.fail, key)

    def optional_published(self, key: str) -> Decimal | None:
        return self.published(key) if self.has(key) else None

    def boolean(self, key: str) -> bool:
        value = self.raw.get(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"true or false is required, got {value!r}")
        return value

    def keys(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, "a list of texts is required")
        return tuple(value)

    def interval(self, key: str) -> Interval | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or len(value) != 3:
            raise self.fail(key, 'write a CI as ["<level>", "<low>", "<high>"] with "NE" for not estimable')
        level = _published(value[0], self.fail, key)
        low = _published(value[1], self.fail, key)
        high = None if value[2] == "NE" else _published(value[2], self.fail, key)
        if high is not None and high < low:
            raise self.fail(key, f"the upper limit {high} is below the lower limit {low}")
        return Interval(level, low, high)

    def p_value(self, raw: object, key: str) -> PValue:
        match = _P_VALUE.match(raw) if isinstance(raw, str) else None
        if match is None:
            raise self.fail(key, f'write P values as "one-sided < 0.0001" or "two-sided = 0.04", got {raw!r}')
        return PValue(Decimal(match[3]), Relation(match[2]), Sided(match[1]))

    def choice(self, key: str, enum: Callable[[Any], Any], default: str | None = None) -> Any:
        value = self.raw.get(key, default)
        try:
            return enum(value)
        except ValueError:
            raise self.fail(key, f"unexpected value {value!r}") from None

    def arm(self) -> Arm | None:
        return None if self.raw.get("arm") is None else self.choice("arm", Arm)


def _published(value: object, fail: Callable[[str, str], EvidenceDataError], key: str) -> Decimal:
    if not isinstance(value, str):
        raise fail(
            key,
            f'write published values as quoted text ("10.0", not 10.0) to keep the precision; got {value!r}',
        )
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise fail(key, f"not a number: {value!r}") from None
    if not number.is_finite():
        raise fail(key, f"not a finite number: {value!r}")
    return number


def _cell(raw: object, fail: Callable[[str, str], EvidenceDataError]) -> TableCell | None:
    if raw is None:
        return None
    match = _CELL.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise fail("cells", f'write cells as "85 (51.8)", "0" or "51%" (null when not reported), got {raw!r}')
    if match[3] is not None:
        return TableCell(None, Decimal(match[3]))
    return TableCell(int(match[1]), Decimal(match[2]) if match[2] is not None else None)


def _record(reader: _Reader, base: dict[str, Any]) -> Record:
    kind = reader.raw.get("kind")
    common: dict[str, Any] = {
        "id": reader.text("id"),
        "label": reader.text("label"),
        "population": reader.text("population", base["population"]),
        "provenance": Provenance(
            refs=reader.keys("refs") if "refs" in reader.raw else base["refs"],
            seen_in=reader.text("seen_in", base["seen_in"]),
            status=reader.choice("status", Status, base["status"]),
            note=reader.raw.get("note") or "",
            label_rounding=reader.raw.get("label_rounding") is True,
        ),
    }
    if kind == "proportion":
        return Proportion(
            **common,
            arm=reader.arm(),
            count=reader.optional_integer("count"),
            n=reader.optional_integer("n"),
            percent=reader.optional_published("percent"),
            ci=reader.interval("ci"),
            count_basis=reader.choice("count_basis", CountBasis, "published"),
        )
    if kind == "difference":
        return Difference(
            **common,
            first=reader.text("first"),
            second=reader.text("second"),
            estimate=reader.published("estimate"),
            ci=reader.interval("ci"),
            method=reader.choice("method", DifferenceMethod, "wald"),
        )
    if kind == "test":
        return ComparisonTest(
            **common,
            first=reader.text("first"),
            second=reader.text("second"),
            test=reader.choice("test", TestKind),
            p=reader.p_value(reader.raw.get("p"), "p"),
        )
    if kind == "hazard_ratio":
        ci = reader.interval("ci")
        if ci is None or ci.high is None:
            raise reader.fail("ci", "a hazard ratio needs a two-sided CI")
        p_raw = reader.raw.get("p", [])
        if not isinstance(p_raw, list):
            raise reader.fail("p", "a list of P values is required")
        boundary = reader.p_value(reader.raw["boundary"], "boundary") if reader.has("boundary") else None
        met = reader.boolean("boundary_met") if "boundary_met" in reader.raw else None
        if (boundary is None) != (met is None):
            raise reader.fail("boundary_met", "give both boundary and boundary_met, or neither")
        return HazardRatio(
            **common,
            endpoint=reader.text("endpoint"),
            estimate=reader.published("estimate"),
            ci=ci,
            p_values=tuple(reader.p_value(p, "p") for p in p_raw),
            boundary=boundary,
            boundary_met=met,
        )
    if kind == "median":
        return Median(
            **common,
            endpoint=reader.text("endpoint"),
            arm=reader.arm(),
            n=reader.optional_integer("n"),
            months=reader.published("months"),
            ci=reader.interval("ci"),
        )
    if kind == "milestone":
        return Milestone(
            **common,
            endpoint=reader.text("endpoint"),
            arm=reader.arm(),
            months=reader.integer("months"),
            percent=reader.published("percent"),
            ci=reader.interval("ci"),
        )
    if kind == "quantity":
        span = reader.raw.get("range")
        if span is not None and (not isinstance(span, list) or len(span) != 2):
            raise reader.fail("range", 'write a range as ["<low>", "<high>"]')
        return Quantity(
            **common,
            value=reader.published("value"),
            unit=reader.text("unit"),
            range_low=_published(span[0], reader.fail, "range") if span else None,
            range_high=_published(span[1], reader.fail, "range") if span else None,
            sum_of=reader.keys("sum_of"),
        )
    if kind == "count_table":
        return _count_table(reader, common)
    raise AssertionError(f"unhandled kind {kind!r}")  # _parse checked it against _FIELDS


def _count_table(reader: _Reader, common: dict[str, Any]) -> CountTable:
    raw_columns = reader.raw.get("columns")
    raw_rows = reader.raw.get("rows")
    if not isinstance(raw_columns, list) or not raw_columns:
        raise reader.fail("columns", "a non-empty list is required")
    if not isinstance(raw_rows, list) or not raw_rows:
        raise reader.fail("rows", "a non-empty list is required")
    columns = []
    for i, raw in enumerate(raw_columns):
        col = _Reader(f"{reader.where} column {i + 1}", raw, frozenset({"key", "label", "arm", "n"}))
        columns.append(TableColumn(col.text("key"), col.text("label"), col.arm(), col.integer("n")))
    rows = []
    for i, raw in enumerate(raw_rows):
        row = _Reader(f"{reader.where} row {i + 1}", raw, frozenset({"key", "term", "cells"}))
        cells = row.raw.get("cells")
        if not isinstance(cells, list) or len(cells) != len(columns):
            raise row.fail("cells", f"one cell per column ({len(columns)}) is required")
        rows.append(TableRow(row.text("key"), row.text("term"), tuple(_cell(c, row.fail) for c in cells)))
    return CountTable(**common, columns=tuple(columns), rows=tuple(rows))


def _check_proportion(record: Proportion, fail: Callable[[Record, str], EvidenceDataError]) -> None:
    if record.count is not None and record.n is not None and record.count > record.n:
        raise fail(record, f"count {record.count} exceeds n {record.n}")
    if record.n == 0:
        raise fail(record, "the denominator is zero")
    derived = record.count_basis is CountBasis.DERIVED
    if derived and (record.count is None or record.n is None or record.percent is None):
        raise fail(record, "a derived count needs the count, the denominator and the printed percent")


def _check_links(name: str, records: Mapping[str, Record]) -> None:
    def fail(record: Record, message: str) -> EvidenceDataError:
        return EvidenceDataError(f"{name}: record {record.id!r}: {message}")

    for record in records.values():
        for key in record.provenance.refs:
            reference = REFERENCES.get(key)
            if reference is None:
                raise fail(record, f"unknown reference key {key!r}")
            if record.confirmed and not reference.citable:
                raise fail(record, f"a confirmed number cannot rest on {key!r}, which cannot be cited")
        if not record.provenance.refs:
            raise fail(record, "at least one reference key is required")
        if isinstance(record, Difference | ComparisonTest):
            for other_id in (record.first, record.second):
                other = records.get(other_id)
                if not isinstance(other, Proportion) or other.count is None or other.n is None:
                    raise fail(record, f"{other_id!r} must be a proportion with a count and a denominator")
                if record.confirmed and not other.confirmed:
                    raise fail(record, f"confirmed, but it compares {other_id!r}, which is unconfirmed")
        if isinstance(record, Quantity):
            for other_id in record.sum_of:
                if not isinstance(records.get(other_id), Quantity):
                    raise fail(record, f"sum_of names {other_id!r}, which is not a quantity")
        if isinstance(record, Proportion):
            _check_proportion(record, fail)


def _parse(name: str, path: Path) -> Dataset:
    where = path.name
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise EvidenceDataError(f"{where}: not valid YAML: {exc}") from None
    top = _Reader(where, raw, frozenset({"version", "updated", "dataset", "title", "study", "groups"}))
    if top.text("dataset") != name:
        raise top.fail("dataset", f"expected {name!r}, got {top.raw.get('dataset')!r}")
    version = top.integer("version")
    raw_groups = top.raw.get("groups")
    if not isinstance(raw_groups, list) or not raw_groups:
        raise top.fail("groups", "a non-empty list is required")

    records: dict[str, Record] = {}
    groups: list[Group] = []
    for i, raw_group in enumerate(raw_groups):
        group = _Reader(
            f"{where} group {i + 1}",
            raw_group,
            frozenset({"id", "title", "population", "refs", "seen_in", "status", "records"}),
        )
        base = {
            "population": group.text("population"),
            "refs": group.keys("refs"),
            "seen_in": group.text("seen_in"),
            "status": group.text("status"),
        }
        raw_records = group.raw.get("records")
        if not isinstance(raw_records, list) or not raw_records:
            raise group.fail("records", "a non-empty list is required")
        ids = []
        for j, raw_record in enumerate(raw_records):
            kind = raw_record.get("kind") if isinstance(raw_record, dict) else None
            label = raw_record.get("id", f"#{j + 1}") if isinstance(raw_record, dict) else f"#{j + 1}"
            if kind not in _FIELDS:
                raise EvidenceDataError(
                    f"{where} record {label}: field 'kind': unknown kind {kind!r}; "
                    f"one of {', '.join(sorted(_FIELDS))}"
                )
            reader = _Reader(f"{where} record {label}", raw_record, _FIELDS[str(kind)])
            record = _record(reader, base)
            if record.id in records:
                raise reader.fail("id", f"duplicate id {record.id!r}")
            records[record.id] = record
            ids.append(record.id)
        groups.append(Group(group.text("id"), group.text("title"), tuple(ids)))
    _check_links(where, records)
    return Dataset(
        name=name,
        version=version,
        updated=top.text("updated"),
        title=top.text("title"),
        study=top.text("study"),
        groups=tuple(groups),
        records=MappingProxyType(records),
    )


@functools.lru_cache(maxsize=8)
def _load_cached(name: str, folder: str) -> Dataset:
    return _parse(name, Path(folder) / DATASET_FILES[name])


def load(name: str, *, folder: Path | None = None) -> Dataset:
    """Load data set ``name`` (a key of :data:`DATASET_FILES`) from the package, or from ``folder``.

    Packaged data sets are cached; a ``folder`` (used by tests and by ``besponsa evidence report
    --data-dir``) is read afresh each time.
    """
    if name not in DATASET_FILES:
        raise EvidenceDataError(f"unknown data set {name!r}; one of {', '.join(DATASET_FILES)}")
    if folder is None:
        return _load_cached(name, str(data_dir()))
    return _parse(name, folder / DATASET_FILES[name])


def all_datasets(*, folder: Path | None = None) -> tuple[Dataset, ...]:
    return tuple(load(name, folder=folder) for name in DATASET_FILES)


def inovate_all() -> Dataset:
    """INO-VATE ALL, adults."""
    return load("inovate-all")


def wi203581() -> Dataset:
    """Study WI203581 (ITCC-059), children aged 1 year and older."""
    return load("wi203581")
