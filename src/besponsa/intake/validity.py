"""What makes a case valid, serious and due: pure functions of a report's data (a dict of form values).

A valid case needs four things (ICH E2D; FDA's postmarketing guidance says the same): an identifiable
reporter, an identifiable patient, a suspect product and an adverse event. A report missing any of them is
still recorded ("not yet valid") so the safety team can follow up; the missing items are named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Each criterion: the form fields any one of which satisfies it, and the message shown when none does.
CRITERIA: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "reporter",
        ("reporter_name", "reporter_email", "reporter_phone"),
        "An identifiable reporter: give the reporter's name, email address or phone number.",
    ),
    (
        "patient",
        ("patient_initials", "patient_age", "patient_dob", "patient_sex"),
        "An identifiable patient: give the patient's initials or your reference, age, date of birth or sex.",
    ),
    ("product", ("product_name",), "A suspect product: name the product you suspect (BESPONSA)."),
    ("event", ("event_description",), "An adverse event: describe what happened to the patient."),
)
CRITERION_MESSAGES = {name: message for name, _fields, message in CRITERIA}

# The seriousness criteria of MedWatch 3500 section B.2 (and ICH E2B(R3) E.i.3.2a-f plus FDA's
# "required intervention"): any one makes the case serious.
OUTCOMES: tuple[tuple[str, str], ...] = (
    ("death", "Death"),
    ("life_threatening", "Life-threatening"),
    ("hospitalization", "Hospitalization (initial or prolonged)"),
    ("disability", "Disability or permanent damage"),
    ("congenital_anomaly", "Congenital anomaly or birth defect"),
    ("required_intervention", "Required intervention to prevent permanent impairment or damage"),
    ("other_serious", "Other serious or important medical event"),
)
SERIOUS_OUTCOMES = frozenset(code for code, _label in OUTCOMES)

# 21 CFR 600.80(c)(1): a serious and unexpected adverse experience is reported within 15 calendar days
# of initial receipt. Expectedness is judged by the safety team, so every serious case gets the clock.
EXPEDITED_DAYS = 15


def _present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple)):
        return bool(value)
    return True


def missing_criteria(data: Mapping[str, Any]) -> list[str]:
    """The names of the minimum criteria the report does not meet, in form order."""
    return [name for name, fields, _m in CRITERIA if not any(_present(data.get(f)) for f in fields)]


def is_serious(data: Mapping[str, Any]) -> bool:
    return bool(SERIOUS_OUTCOMES.intersection(data.get("outcomes") or ()))


@dataclass(frozen=True)
class Clock:
    day0: dt.date  # the date of receipt: first awareness by the company
    due: dt.date | None  # 15 calendar days later for a serious case; None when no expedited report is due
    day: int  # today's day number (Day 0 = receipt)

    @property
    def days_left(self) -> int | None:
        return None if self.due is None else (self.due - (self.day0 + dt.timedelta(days=self.day))).days

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_left or 0))

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0


def clock(day0: dt.date, serious: bool, today: dt.date) -> Clock:
    due = day0 + dt.timedelta(days=EXPEDITED_DAYS) if serious else None
    return Clock(day0=day0, due=due, day=(today - day0).days)
