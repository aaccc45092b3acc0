"""An iCalendar (RFC 5545) file for a planned cycle, written by hand: one all-day event per dose day.

Lines end in CRLF and are folded at 75 octets; text values escape backslash, semicolon, comma and
newline (RFC 5545 3.1 and 3.3.11).

Event identity (why it works this way): a UID must be globally unique, so it is never derived from the
plan's values (two patients with the same numbers would collide, and a hash would link files to values).
Each plan gets a random series id (uuid4) when it is first calculated; the planner form carries it in a
hidden POST field through every recalculation, and each event's UID is `<series>-c<cycle>-<slot>`. A
later download of a changed plan therefore reuses the UIDs with a higher SEQUENCE (seconds since
2024-01-01, so it rises with every download without any stored state) and a new DTSTAMP; calendars that
import METHOD:PUBLISH files (Apple Calendar, Outlook, Thunderbird) replace the earlier events, and a slot
the new plan no longer has (a dropped Day 15, or no next cycle after a stop) is sent as STATUS:CANCELLED
so it goes too. A new plan (a fresh planner page) gets a new series id and never touches another
plan's events. Nothing is stored on the server.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Final

from besponsa.tools.forms import choice_label

PRODID = "-//BESPONSA HCP//Clinical tools cycle planner//EN"
SERIES_FIELD: Final = "calendar_series"
_SEQUENCE_EPOCH: Final = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
# Every event slot a plan of one cycle can have; a slot missing from a new plan is cancelled.
SLOTS: Final = ("day1", "day8", "day15", "next")


def series_id(posted: str) -> str:
    """The posted series id if it is a well-formed UUID, else a fresh uuid4 (a new plan)."""
    try:
        return str(uuid.UUID(posted.strip()))
    except ValueError:
        return str(uuid.uuid4())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    pieces: list[str] = []
    current, size, limit = "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    pieces.append(current)
    return pieces


def utc_stamp(moment: dt.datetime) -> str:
    """A moment as an RFC 5545 UTC date-time (DTSTAMP, and the DTSTART/DTEND of timed events)."""
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_file(prodid: str, events: list[str]) -> str:
    """A whole published calendar around the lines of its events, each line folded and CRLF-ended."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    lines += [*events, "END:VCALENDAR"]
    return "".join(piece + "\r\n" for line in lines for piece in _fold(line))


def _day(value: str, later: int = 0) -> str:
    return (dt.date.fromisoformat(value) + dt.timedelta(days=later)).strftime("%Y%m%d")


def _status_line(plan: dict[str, Any]) -> str:
    reasons = " ".join(reason["message"] for reason in plan.get("reason_details", []))
    return f"Plan status: {choice_label(plan['status'])}." + (f" {reasons}" if reasons else "")


def _now() -> dt.datetime:
    """The clock (its own function so tests can set it without patching the datetime class)."""
    return dt.datetime.now(dt.UTC)


def calendar(plan: dict[str, Any], *, series: str, now: dt.datetime | None = None) -> str:
    moment = (now or _now()).astimezone(dt.UTC)
    stamp = utc_stamp(moment)
    sequence = max(0, int((moment - _SEQUENCE_EPOCH).total_seconds()))
    cycle = plan["cycle"]
    status = _status_line(plan)
    flag = "" if plan["status"] == "proceed" else f" ({choice_label(plan['status']).lower()}: check the plan)"
    lines: list[str] = []
    events: dict[str, tuple[str, str, str]] = {}
    for dose in plan["doses"]:
        window = ""
        if dose["window_earliest"]:
            window = f" Allowed window: {dose['window_earliest']} to {dose['window_latest']}."
        description = (
            f"{status} {dose['dose_mg']} mg ({dose['mg_per_m2']} mg/m² × BSA {plan['bsa_m2']} m²), "
            f"{dose['volume_ml']} mL, {dose['vials']} vial(s).{window} "
            "Decision support from the BESPONSA Prescribing Information (PI 2.2); the clinician decides."
        )
        events[f"day{dose['day']}"] = (
            dose["date"],
            f"BESPONSA cycle {cycle}, Day {dose['day']}{flag}",
            description,
        )
    if plan.get("next_cycle_earliest_start") and plan["doses"]:
        events["next"] = (
            plan["next_cycle_earliest_start"],
            f"BESPONSA cycle {cycle + 1} earliest Day 1{flag}",
            f"{status} Earliest start of the next cycle if the duration rules allow it (PI 2.2).",
        )
    for slot in SLOTS:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{series}-c{cycle}-{slot}@besponsa-hcp",
            f"DTSTAMP:{stamp}",
            f"SEQUENCE:{sequence}",
        ]
        if slot in events:
            date, summary, description = events[slot]
            lines += [
                f"DTSTART;VALUE=DATE:{_day(date)}",
                f"DTEND;VALUE=DATE:{_day(date, later=1)}",
                f"SUMMARY:{_escape(summary)}",
                f"DESCRIPTION:{_escape(description)}",
                "STATUS:CONFIRMED",
            ]
        else:
            # No date of its own: it cancels the slot of an earlier download of this plan, if any.
            lines += [
                f"DTSTART;VALUE=DATE:{_day(plan['start_date'])}",
                f"SUMMARY:{_escape(f'BESPONSA cycle {cycle}: cancelled, not in the current plan')}",
                "STATUS:CANCELLED",
            ]
        lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return ics_file(PRODID, lines)
