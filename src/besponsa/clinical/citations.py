"""Citation strings and the confirmation status of each fact.

Every rule returns the label section it comes from, written exactly as below so pages and API clients
can group by citation. The status says how firmly the fact is established in
shared/reference/label_facts.md; anything UNCONFIRMED must be shown as such wherever it appears.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = [
    "BOXED_WARNING",
    "CTCAE_V5",
    "PI_2_2",
    "PI_2_2_TABLE_1",
    "PI_2_3",
    "PI_2_3_TABLE_2",
    "PI_2_3_TABLE_3",
    "PI_2_3_TABLE_4",
    "PI_2_4",
    "PI_3",
    "PI_5_1",
    "PI_5_3",
    "PI_5_4",
    "PI_5_5",
    "PI_5_6",
    "PI_8_2",
    "PI_8_3",
    "PI_8_4",
    "PI_8_6",
    "PI_11",
    "PI_12_2",
    "PI_14",
    "PI_16",
    "Confirmation",
]


class Confirmation(StrEnum):
    """How a fact is established (label_facts.md §0 tags)."""

    CONFIRMED = "confirmed"  # [C]: read in the current (3/2024) PI text
    SECONDARY = "secondary_source"  # [C2]: restated by a secondary source; PI wording not read
    UNCONFIRMED = "unconfirmed"  # [U]: not found in any retrieved text; verify before relying on it


PI_2_2: Final = "PI 2.2"
PI_2_2_TABLE_1: Final = "PI 2.2 Table 1"
PI_2_3: Final = "PI 2.3"
PI_2_3_TABLE_2: Final = "PI 2.3 Table 2"
PI_2_3_TABLE_3: Final = "PI 2.3 Table 3"
PI_2_3_TABLE_4: Final = "PI 2.3 Table 4"
PI_2_4: Final = "PI 2.4"
PI_3: Final = "PI 3"
PI_5_1: Final = "PI 5.1"
PI_5_3: Final = "PI 5.3"
PI_5_4: Final = "PI 5.4"
PI_5_5: Final = "PI 5.5"
PI_5_6: Final = "PI 5.6"
PI_8_2: Final = "PI 8.2"
PI_8_3: Final = "PI 8.3"
PI_8_4: Final = "PI 8.4"
PI_8_6: Final = "PI 8.6"
PI_11: Final = "PI 11"
PI_12_2: Final = "PI 12.2"
PI_14: Final = "PI 14"
PI_16: Final = "PI 16"
BOXED_WARNING: Final = "PI Boxed Warning"
CTCAE_V5: Final = "CTCAE v5.0"
