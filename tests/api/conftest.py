from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _fresh_rate_windows() -> Iterator[None]:
    # Every test starts with empty rate-limit counters: the locmem cache outlives a single test.
    for store in caches.all():
        store.clear()
    yield
    for store in caches.all():
        store.clear()
