"""Reconstructed (approximate) INO-VATE overall-survival pseudo-data, for survival-code tests and, at
most, one illustrative curve labelled with :data:`LABEL` wherever it appears.

It was re-digitised by a third party from the published NEJM 2016 Kaplan–Meier figure; the provenance
note ships next to the CSV (:func:`provenance`). It is not trial data: never compute a number from it that
a page presents as a trial result.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from besponsa.evidence.datasets import data_dir

__all__ = ["CSV_NAME", "LABEL", "ReconstructedOS", "load", "provenance"]


def __dir__() -> list[str]:
    return __all__


CSV_NAME = "inovate_os_reconstructed.csv"
LABEL = "Reconstructed from the published figure; approximate; not trial data"


@dataclass(frozen=True, eq=False, slots=True)
class ReconstructedOS:
    """CSV columns: time (months), event (1 = death, 0 = censored), arm (1 = BESPONSA, 0 = comparator)."""

    time: npt.NDArray[np.float64]
    event: npt.NDArray[np.int64]
    arm: npt.NDArray[np.int64]

    def arm_data(self, arm: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
        mask = self.arm == arm
        return self.time[mask], self.event[mask]


@functools.cache
def load() -> ReconstructedOS:
    with (data_dir() / CSV_NAME).open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    time = np.array([float(r["time_months"]) for r in rows], dtype=np.float64)
    event = np.array([int(r["event"]) for r in rows], dtype=np.int64)
    arm = np.array([int(r["arm"]) for r in rows], dtype=np.int64)
    for array in (time, event, arm):
        array.flags.writeable = False
    return ReconstructedOS(time, event, arm)


@functools.cache
def provenance() -> str:
    """The provenance note shipped with the CSV, verbatim."""
    return (data_dir() / "inovate_os_reconstructed.README.txt").read_text(encoding="utf-8")
