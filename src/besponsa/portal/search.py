"""Search-result text: a short extract of each page around the first match, with the query's words marked.
The text is escaped before the <mark> elements are added, so page content can never inject markup."""

from __future__ import annotations

import re
from typing import Any

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from besponsa.portal import placeholders

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


def page_text(page: Any) -> str:
    """The plain text of a page (summary first), evidence and clinical tables included."""
    parts = [getattr(page, "summary", "")]
    body = getattr(page, "body", None)
    if body is not None:
        parts += [str(item) for item in body.stream_block.get_searchable_content(body)]
    text = placeholders.expand(" ".join(parts), html=False)
    return re.sub(r"\s+", " ", strip_tags(text)).strip()


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
