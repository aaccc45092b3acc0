"""The fingerprint of what a page shows beyond its own revision: what an approval pins.

A page revision holds the editors' prose and the choice of blocks; the numbers, tables and figures come
from `besponsa.evidence` and `besponsa.clinical` when the page renders, and every page carries the live
ISI. An approval records, at the moment it is given:

- `data_versions`: the version of each evidence dataset the page draws on;
- `parts`: a short hash per generated part (an evidence section, chosen statements, a clinical table, a
  `[[fact:…]]` placeholder value), so the CMS can say which part changed;
- `content`: one hash over all parts;
- `isi_revision`: the revision of the ISI the page shows.

At serve time the same fingerprint is taken of the live page and compared (`differences`); any
difference withholds the page until it is approved again. The data part is computed once per process for
each page revision: evidence and clinical data are loaded once per process (module data and cached
views), so they only change with a deploy, i.e. a new process. Only the ISI revision is read per request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import threading
from typing import Any

from besponsa.portal import placeholders

# The placeholders whose values come from clinical/ (contacts are site settings, not label data).
DATA_PLACEHOLDER = re.compile(r"\[\[(fact|regimen|response):([a-z0-9_]+)\]\]")

MAX_CACHED = 2048
_cache: dict[tuple[int, int | None, str], dict[str, Any]] = {}
_lock = threading.Lock()


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return value


def _section(view: Any, section_id: str) -> Any:
    return next((s for s in view.sections if s.id == section_id), None)


def _evidence_section(value: Any, versions: dict[str, int]) -> tuple[str, Any]:
    from besponsa.evidence import figures
    from besponsa.portal.blocks import evidence_view

    view = evidence_view(value["view"])
    versions.update(dict(view.data_versions))
    section = _section(view, value["section"])
    shown = None
    if section is not None:
        shown = {
            "section": _plain(section),
            "figures": [_plain(figures.render(figure_id)) for figure_id in section.figures],
            "view_footnotes": list(view.footnotes),
            "abbreviations": list(view.abbreviations),
        }
    return f"evidence section {value['view']}/{value['section']}", shown


def _evidence_statements(value: Any, versions: dict[str, int]) -> tuple[str, Any]:
    from besponsa.portal.blocks import evidence_view

    view = evidence_view(value["view"])
    versions.update(dict(view.data_versions))
    known = {s.id: s for s in view.statements}
    ids = list(value["statements"])
    shown = [_plain(known[sid]) if sid in known else None for sid in ids]
    return f"evidence statements {value['view']}: {', '.join(ids)}", shown


def _clinical_table(value: Any, versions: dict[str, int]) -> tuple[str, Any]:
    from besponsa.portal import clinical_tables

    return f"clinical table {value['table']}", _plain(clinical_tables.build(value["table"]))


GENERATED_BLOCKS = {
    "evidence_section": _evidence_section,
    "evidence_statement": _evidence_statements,
    "clinical_table": _clinical_table,
}


def _data_fingerprint(page: Any) -> dict[str, Any]:
    versions: dict[str, int] = {}
    parts: dict[str, str] = {}
    body = getattr(page, "body", None)
    for block in body or ():
        builder = GENERATED_BLOCKS.get(block.block_type)
        if builder is not None:
            label, shown = builder(block.value, versions)
            parts[label] = _digest(shown)[:16]
    for match in sorted(set(DATA_PLACEHOLDER.findall(raw_text(page)))):
        text = f"[[{match[0]}:{match[1]}]]"
        parts[f"placeholder {text}"] = _digest(placeholders.expand(text, html=False))[:16]
    from besponsa.compliance import claims

    return {
        "data_versions": dict(sorted(versions.items())),
        "parts": parts,
        "content": _digest(parts),
        # Label facts still marked unconfirmed that the page shows: each needs a Medical verification.
        "unconfirmed": claims.unconfirmed_entries(claims.page_facts(page)),
    }


def raw_text(page: Any) -> str:
    """The page's own text in which placeholders may stand (the body's raw blocks and the summary)."""
    body = getattr(page, "body", None)
    return json.dumps(body.raw_data if body is not None else [], default=str) + str(
        getattr(page, "summary", "")
    )


def data_fingerprint(page: Any, revision_id: int | None) -> dict[str, Any]:
    """The evidence/clinical part of the fingerprint of `page` as it stands in `revision_id`, computed
    once per process for that revision."""
    # The page's own text is part of the key, so a reused id (a restored database) never hits.
    key = (int(page.pk), revision_id, hashlib.sha256(raw_text(page).encode("utf-8")).hexdigest())
    found = _cache.get(key)
    if found is None:
        found = _data_fingerprint(page)
        with _lock:
            if len(_cache) >= MAX_CACHED:  # revisions pile up in a long-lived process: start again
                _cache.clear()
            _cache[key] = found
    return found


def forget() -> None:
    """Drop the per-process fingerprints (tests that swap evidence or clinical data call it)."""
    with _lock:
        _cache.clear()


def live_isi_revision() -> int | None:
    from besponsa.portal.models import SafetyInformation

    isi = SafetyInformation.current()
    return isi.live_revision_id if isi is not None else None


def of_page(page: Any, revision_id: int | None, isi_revision: int | None = None) -> dict[str, Any]:
    """The whole fingerprint of a page in `revision_id`, with the ISI revision it shows now."""
    return {**data_fingerprint(page, revision_id), "isi_revision": isi_revision}


def differences(approved: dict[str, Any] | None, current: dict[str, Any]) -> list[str]:
    """What differs between the approved fingerprint and the current one, in words, or [] when equal."""
    if not approved:
        return ["the approval was recorded before approvals pinned the evidence, label data and ISI"]
    found: list[str] = []
    old_versions, new_versions = approved.get("data_versions", {}), current["data_versions"]
    for name in sorted(set(old_versions) | set(new_versions)):
        if old_versions.get(name) != new_versions.get(name):
            found.append(
                f"evidence dataset {name} is version {new_versions.get(name, 'none')} "
                f"(approved: {old_versions.get(name, 'none')})"
            )
    old_parts, new_parts = approved.get("parts", {}), current["parts"]
    for label in sorted(set(old_parts) | set(new_parts)):
        if label not in new_parts:
            found.append(f"{label} is no longer shown")
        elif label not in old_parts:
            found.append(f"{label} was not part of the approval")
        elif old_parts[label] != new_parts[label]:
            found.append(f"{label} now reads differently")
    if not found and approved.get("content") != current["content"]:
        found.append("the text generated from evidence/ and clinical/ changed")
    if approved.get("isi_revision") != current["isi_revision"]:
        found.append(
            f"the live ISI is revision {current['isi_revision']} "
            f"(approved with revision {approved.get('isi_revision')})"
        )
    return found
