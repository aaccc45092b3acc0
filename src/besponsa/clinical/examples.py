"""One realistic input per operation: used by the docs, the API's OpenAPI examples and the tests."""

from __future__ import annotations

from typing import Final

__all__ = ["EXAMPLES"]

EXAMPLES: Final[dict[str, dict[str, object]]] = {
    "bsa": {"height_cm": 170, "weight_kg": 70, "formula": "mosteller"},
    "plan": {
        "height_cm": 165,
        "weight_kg": 62.5,
        "cycle": 2,
        "start_date": "2025-03-03",
        "best_response": "cr",
        "mrd_negative": False,
        "hsct_planned": True,
        "dose_level": "full",
        "age_years": 34,
    },
    "course": {
        "height_cm": 165,
        "weight_kg": 62.5,
        "age_years": 34,
        "hsct_planned": False,
        "cycles": [
            {
                "day1_date": "2025-03-03",
                "response": "cri",
                "mrd_negative": False,
                "last_dose_date": "2025-03-17",
                "interruption_days": 0,
            },
            {
                "day1_date": "2025-03-31",
                "dose_level": "full",
                "response": "cr",
                "mrd_negative": True,
                "last_dose_date": "2025-04-07",
                "interruption_days": 15,
            },
        ],
    },
    "modify": {
        "timing": "before_cycle",
        "baseline": {"anc": 0.6, "platelets": 35},
        "previous_cycle_baseline": {"anc": 0.8, "platelets": 40},
        "labs": {
            "anc": 0.9,
            "platelets": 45,
            "total_bilirubin_x_uln": 1.2,
            "ast_x_uln": 1.8,
            "alt_x_uln": 2.1,
        },
        "interruption_days": 0,
        "dose_level": "full",
    },
    "assess": {
        "marrow_blasts_pct": 3,
        "peripheral_blasts": 0,
        "anc": 0.8,
        "platelets": 110,
        "extramedullary_disease": False,
        "mrd_fraction": 0.00005,
    },
    "grade": {"term": "ast_increased", "value": 120, "uln": 40},
    "qtc": {"qt_ms": 420, "heart_rate_bpm": 75, "baseline_qtcf_ms": 430},
    "dates": {"last_dose_date": "2025-05-31"},
    "prepare": {"dose_mg": 1.46, "route": "bag"},
    "dose": {
        "height_cm": 170,
        "weight_kg": 70,
        "formula": "mosteller",
        "cycle": 1,
        "start_date": "2025-03-03",
        "best_response": "none",
        "dose_level": "full",
        "age_years": 45,
        "route": "bag",
    },
}
