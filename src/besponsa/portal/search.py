"""Search-result text: a short extract of each page around the first match, with the query's words marked.
The text is escaped before the <mark> elements are added, so page content can never inject markup."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from besponsa.portal import placeholders

MARKUP = re.compile(r"<[A-Za-z/!]")
MAX_TERMS = 10
EXTRACT_CHARS = 240


def terms_of(query: str) -> list[str]:
    """The words of a query worth marking: at least two characters, at most ten, longest first."""
    words = {word for word in re.split(r"\s+", query.strip()) if len(word) >= 2}
    return sorted(words, key=lambda w: (-len(w), w.casefold()))[:MAX_TERMS]


def backend_query(query: str) -> str:
    """The query as plain words for the search backend: quotes, brackets and operators (which SQLite FTS5
    would read as syntax) become spaces, so any input gives results or none, never an error."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w.\-/%+]", " ", query)).strip()


def titles_first(pages: list[Any], terms: list[str]) -> list[Any]:
    """Pages whose title contains a query word first, otherwise in the backend's relevance order. The site
    has a few dozen pages, so the whole result list is small enough to reorder."""
    folded = [term.casefold() for term in terms]
    return sorted(pages, key=lambda page: not any(term in page.title.casefold() for term in folded))


def indexed_texts(pages: list[Any]) -> dict[int, str]:
    """The plain text the search backend stored for each page when it was published (summary and body,
    evidence and clinical tables included), by page id, in one query: no page is loaded in full.
    PostgreSQL's backend keeps it in `body_text` beside the full-text vectors; SQLite's in `body`."""
    from wagtail.search.models import IndexEntry

    if not pages:
        return {}
    column = "body_text" if connection.vendor == "postgresql" else "body"
    rows = IndexEntry.objects.filter(
        content_type_id__in={page.content_type_id for page in pages},
        object_id__in=[str(page.pk) for page in pages],
    ).values_list("content_type_id", "object_id", column)
    wanted = {(page.content_type_id, str(page.pk)): page.pk for page in pages}
    texts = {wanted[(ct, oid)]: text or "" for ct, oid, text in rows if (ct, oid) in wanted}
    return {pk: plain(text) for pk, text in texts.items()}


def plain(indexed: str) -> str:
    """Stored index text as a reader sees it: placeholders filled in, no markup, and none of the empty
    items or doubled separators the backend leaves where it joined the fields and blocks with ", "."""
    text = placeholders.expand(indexed, html=False)
    if MARKUP.search(text):  # rare (the blocks index plain text): strip_tags is slow, so only when needed
        text = strip_tags(text)
    text = re.sub(r"(?:\s*,)+\s*,", ",", text)  # ", , ," -> ","
    text = re.sub(r"([.:;!?])\s*,", r"\1", text)  # "matches., The" -> "matches. The"
    return re.sub(r"\s+", " ", text).strip(" ,")


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of a term wrapped in <mark>."""
    if not terms:
        return mark_safe(escape(text))  # noqa: S308 - escaped
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def extract(text: str, terms: list[str], width: int = EXTRACT_CHARS) -> SafeString:
    """About `width` characters of `text` around the first match (or its start), with the terms marked."""
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None
    match = pattern.search(text) if pattern else None
    start = max(0, (match.start() if match else 0) - width // 3)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    return highlight(("… " if start else "") + piece + (" …" if end < len(text) else ""), terms)
