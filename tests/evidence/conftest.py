"""Shared fixtures for the evidence tests (pure Python: no database, no Django models)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from besponsa.evidence.datasets import DATASET_FILES, data_dir


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the packaged YAML data files."""
    for name in DATASET_FILES.values():
        shutil.copy(data_dir() / name, tmp_path / name)
    return tmp_path


@pytest.fixture
def edit_data(data_copy: Path) -> Callable[[str, str, str], Path]:
    """Replace one exact snippet in a copied data file (it must occur exactly once)."""

    def edit(file_name: str, old: str, new: str) -> Path:
        path = data_copy / file_name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {file_name}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return data_copy

    return edit
