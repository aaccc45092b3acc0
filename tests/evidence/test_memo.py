"""Memoized evidence (issue 18): figures, page views and record checks are computed once per loaded data set,
and what the cache returns is exactly what a fresh computation gives (approvals fingerprint these outputs)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from besponsa.evidence import figures, pages, selectors, stats


def _forget() -> None:
    figures.render.cache_clear()
    figures._plan.cache_clear()
    for view in pages.PAGES.values():
        view.cache_clear()  # type: ignore[attr-defined]
    selectors._failing.cache_clear()
    stats._binomial_ci.cache_clear()


def _everything() -> dict[str, Any]:
    return {
        **{f"figure {f}": figures.render(f) for f in figures.FIGURE_IDS},
        **{f"page {slug}": pages.page(slug) for slug in pages.PAGES},
    }


def _digest(value: Any) -> str:
    # The way compliance.fingerprint hashes a part: JSON of the dataclass, keys sorted.
    return hashlib.sha256(json.dumps(dataclasses.asdict(value), sort_keys=True).encode()).hexdigest()


def test_a_memoized_render_is_byte_identical_to_a_fresh_one() -> None:
    _forget()
    fresh = _everything()
    again = _everything()
    assert all(again[key] is fresh[key] for key in fresh)  # the second render reused the first
    _forget()
    recomputed = _everything()
    for key, value in fresh.items():
        assert recomputed[key] is not value, key  # really computed again
        assert recomputed[key] == value, key
        assert _digest(recomputed[key]) == _digest(value), key


def test_record_checks_run_once_per_loaded_data_set() -> None:
    from besponsa.evidence import datasets
    from besponsa.evidence.records import Proportion

    ds = datasets.inovate_all()
    selectors.shown(ds, "crcri-ino", Proportion)
    before = selectors._failing.cache_info()
    for _ in range(3):
        selectors.shown(ds, "crcri-ino", Proportion)
    after = selectors._failing.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 3
