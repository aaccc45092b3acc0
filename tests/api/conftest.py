from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_windows() -> Iterator[None]:
    # Every test starts with empty rate-limit counters: the locmem cache outlives a single test.
    cache.clear()
    yield
    cache.clear()
