"""The data files: they load into typed records, they are versioned, and the loader is strict."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from besponsa.evidence import datasets, reconstructed
from besponsa.evidence.errors import EvidenceDataError, UnknownRecordError
from besponsa.evidence.records import (
    Arm,
    CountBasis,
    CountTable,
    Difference,
    HazardRatio,
    Median,
    Proportion,
    Relation,
    Sided,
    Status,
)
from besponsa.evidence.references import REFERENCES

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_both_data_sets_load_and_are_versioned() -> None:
    for ds in datasets.all_datasets():
        assert ds.version >= 1
        assert ds.updated
        assert ds.records
        listed = [rid for group in ds.groups for rid in group.record_ids]
        assert sorted(listed) == sorted(ds.records)


def test_records_are_typed_and_frozen() -> None:
    ds = datasets.inovate_all()
    crcri = ds.get("crcri-ino", Proportion)
    assert (crcri.count, crcri.n, crcri.percent, crcri.arm) == (88, 109, Decimal("80.7"), Arm.INO)
    assert crcri.ci is not None and (crcri.ci.level, crcri.ci.low, crcri.ci.high) == (
        Decimal("95"),
        Decimal("72.1"),
        Decimal("87.7"),
    )
    assert crcri.provenance.status is Status.CONFIRMED
    assert "kantarjian-nejm-2016" in crcri.provenance.refs
    with pytest.raises(dataclasses.FrozenInstanceError):
        crcri.count = 89  # type: ignore[misc]
    with pytest.raises(TypeError):
        ds.records["x"] = crcri  # type: ignore[index]


def test_published_precision_is_kept() -> None:
    rate = datasets.inovate_all().records["os-final-24mo-ic"]
    assert str(rate.percent) == "10.0"  # type: ignore[union-attr]


def test_kinds_parse() -> None:
    ds = datasets.inovate_all()
    hr = ds.get("os-final-hr", HazardRatio)
    assert hr.boundary is not None and hr.boundary.value == Decimal("0.0104") and hr.boundary_met is False
    assert [(p.sided, p.relation) for p in hr.p_values] == [
        (Sided.ONE, Relation.EQ),
        (Sided.TWO, Relation.EQ),
    ]
    assert ds.get("crcri-diff", Difference).ci is not None
    assert ds.get("cr-ino", Proportion).count_basis is CountBasis.DERIVED
    table = ds.get("sae-final", CountTable)
    assert len(table.columns) == 6 and table.rows[0].cells[0] is not None
    assert datasets.wi203581().get("docr", Median).ci.high is None  # type: ignore[union-attr]


def test_get_checks_id_and_kind() -> None:
    ds = datasets.inovate_all()
    with pytest.raises(UnknownRecordError, match="no record"):
        ds.get("nope", Proportion)
    with pytest.raises(UnknownRecordError, match="not a Median"):
        ds.get("crcri-ino", Median)


def test_every_reference_key_exists_and_confirmed_numbers_are_citable() -> None:
    for ds in datasets.all_datasets():
        for record in ds.records.values():
            for key in record.provenance.refs:
                assert key in REFERENCES
                if record.confirmed:
                    assert REFERENCES[key].citable


def test_ids_are_unique_across_data_sets() -> None:
    keys = [f"{ds.name}:{rid}" for ds in datasets.all_datasets() for rid in ds.records]
    assert len(keys) == len(set(keys))


def test_known_unconfirmed_numbers_are_marked() -> None:
    ds = datasets.inovate_all()
    for rid in (
        "cri-ino",
        "cri-ic",
        "os-nejm-24mo-ino",
        "vod-nejm-counts",
        "ae-overview-nejm",
    ):
        assert not ds.records[rid].confirmed, rid
    # Confirmed in PI 12.2 as printed (4/162, 3 %), with the label's own rounding.
    assert ds.records["qtcf-60-ino"].confirmed and ds.records["qtcf-60-ino"].provenance.label_rounding


def test_unknown_data_set() -> None:
    with pytest.raises(EvidenceDataError, match="unknown data set"):
        datasets.load("nope")


BAD_EDITS = [
    ('percent: "80.7"', "percent: 80.7", "quoted text"),
    (
        'kind: proportion, label: "CR/CRi", arm: ino, count: 88',
        'kind: proportion, colour: blue, label: "CR/CRi", arm: ino, count: 88',
        "unknown field",
    ),
    ("refs: [stock-cancer-2021]", "refs: [stock-2099]", "unknown reference key"),
    ('ci: ["95", "72.1", "87.7"]', 'ci: ["95", "87.7", "72.1"]', "below the lower limit"),
    ('ci: ["95", "72.1", "87.7"]', 'ci: "72.1-87.7"', "write a CI"),
    ('p: "one-sided = 0.0076"', 'p: "P = 0.0076"', "write P values"),
    (
        "first: crcri-ino,\n         second: crcri-ic, estimate",
        "first: crcri-nope,\n         second: crcri-ic, estimate",
        "must be a proportion",
    ),
    ("count: 88, n: 109,", "count: 188, n: 109,", "exceeds n"),
    ("version: 1\n", "version: one\n", "non-negative integer"),
    ("dataset: inovate-all", "dataset: other", "expected 'inovate-all'"),
    ("{id: crcri-ic, kind: proportion", "{id: crcri-ino, kind: proportion", "duplicate id"),
    ("{id: docr-ino, kind: median,", "{id: docr-ino, kind: mean,", "unknown kind"),
    (
        "status: confirmed\n    records:\n      - {id: crcri-ino",
        "status: maybe\n    records:\n      - {id: crcri-ino",
        "unexpected value",
    ),
    ('cells: ["11%", "1%"]', 'cells: ["11 percent", "1%"]', "write cells"),
    ('cells: ["11%", "1%"]', 'cells: ["11%"]', "one cell per column"),
]


@pytest.mark.parametrize(("old", "new", "message"), BAD_EDITS, ids=[m for _, _, m in BAD_EDITS])
def test_malformed_data_is_rejected_with_a_clear_message(
    edit_data: Callable[[str, str, str], Path], old: str, new: str, message: str
) -> None:
    folder = edit_data("inovate_all.yaml", old, new)
    with pytest.raises(EvidenceDataError, match=message) as info:
        datasets.load("inovate-all", folder=folder)
    assert "inovate_all.yaml" in str(info.value)


def test_confirmed_comparison_of_unconfirmed_numbers_is_rejected(
    edit_data: Callable[[str, str, str], Path],
) -> None:
    folder = edit_data(
        "inovate_all.yaml",
        '{id: crcri-ic, kind: proportion, label: "CR/CRi", arm: ic,',
        '{id: crcri-ic, kind: proportion, status: unconfirmed, label: "CR/CRi", arm: ic,',
    )
    with pytest.raises(EvidenceDataError, match="which is unconfirmed"):
        datasets.load("inovate-all", folder=folder)


def test_confirmed_number_cannot_cite_an_uncitable_source(edit_data: Callable[[str, str, str], Path]) -> None:
    folder = edit_data(
        "inovate_all.yaml",
        'percent: "33.6", ci: ["95", "26.4", "40.9"],\n         status: unconfirmed,',
        'percent: "33.6", ci: ["95", "26.4", "40.9"],\n         status: confirmed,',
    )
    with pytest.raises(EvidenceDataError, match="cannot be cited"):
        datasets.load("inovate-all", folder=folder)


def test_invalid_yaml(data_copy: Path) -> None:
    (data_copy / "wi203581.yaml").write_text("version: [1\n", encoding="utf-8")
    with pytest.raises(EvidenceDataError, match="not valid YAML"):
        datasets.load("wi203581", folder=data_copy)


def test_reconstructed_data_ships_with_its_provenance() -> None:
    text = reconstructed.provenance()
    assert "Approximate pseudo individual-patient" in text
    assert reconstructed.LABEL.lower() in " ".join(text.split()).lower()
    data = reconstructed.load()
    assert data.time.shape == data.event.shape == data.arm.shape == (326,)
    assert set(data.arm.tolist()) == {0, 1}


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="../shared is not next to this checkout")
def test_packaged_copies_are_identical_to_the_shared_originals() -> None:
    ours = datasets.data_dir()
    assert (ours / "inovate_os_reconstructed.csv").read_bytes() == (
        SHARED_DATA / "inovate_os_reconstructed.csv"
    ).read_bytes()
    assert reconstructed.provenance() == (SHARED_DATA / "README.md").read_text(encoding="utf-8")
