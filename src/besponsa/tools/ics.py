"""An iCalendar (RFC 5545) file for a planned cycle, written by hand: one all-day event per dose day.

Lines end in CRLF and are folded at 75 octets; text values escape backslash, semicolon, comma and
newline (RFC 5545 3.1 and 3.3.11). Each event's UID is derived from the plan itself, so downloading
the same plan twice updates the events in a calendar rather than duplicating them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

PRODID = "-//BESPONSA HCP//Clinical tools cycle planner//EN"


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


def _day(value: str) -> str:
    return dt.date.fromisoformat(value).strftime("%Y%m%d")


def _next_day(value: str) -> str:
    return (dt.date.fromisoformat(value) + dt.timedelta(days=1)).strftime("%Y%m%d")


def calendar(plan: dict[str, Any], *, now: dt.datetime | None = None) -> str:
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    digest = hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()[:16]
    cycle = plan["cycle"]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    events: list[tuple[str, str, str, str]] = []
    for dose in plan["doses"]:
        window = ""
        if dose["window_earliest"]:
            window = f" Allowed window: {dose['window_earliest']} to {dose['window_latest']}."
        description = (
            f"{dose['dose_mg']} mg ({dose['mg_per_m2']} mg/m² × BSA {plan['bsa_m2']} m²), "
            f"{dose['volume_ml']} mL, {dose['vials']} vial(s).{window} "
            "Decision support from the BESPONSA Prescribing Information (PI 2.2); the clinician decides."
        )
        events.append(
            (f"day{dose['day']}", dose["date"], f"BESPONSA cycle {cycle}, Day {dose['day']}", description)
        )
    if plan.get("next_cycle_earliest_start") and plan["doses"]:
        events.append(
            (
                "next",
                plan["next_cycle_earliest_start"],
                f"BESPONSA cycle {cycle + 1} earliest Day 1",
                "Earliest start of the next cycle if the duration rules allow it (PI 2.2).",
            )
        )
    for key, date, summary, description in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{digest}-c{cycle}-{key}@besponsa-hcp",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_day(date)}",
            f"DTEND;VALUE=DATE:{_next_day(date)}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(description)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(piece + "\r\n" for line in lines for piece in _fold(line))
