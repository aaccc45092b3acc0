"""Search-result text: a short extract of each page around the first match, with the query's words marked.
The text is escaped before the <mark> elements are added, so page content can never inject markup."""

from __future__ import annotations

import functools
import html
import re

from django.db import connection
from django.utils.html import strip_tags
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


def titles_first(ids: list[int], titles: dict[int, str], terms: list[str]) -> list[int]:
    """Pages whose title contains a query word first, otherwise in the backend's relevance order. The site
    has a few dozen pages, so the whole result list is small enough to reorder."""
    folded = [term.casefold() for term in terms]
    return sorted(ids, key=lambda pk: not any(term in titles[pk].casefold() for term in folded))


def _stored_texts() -> dict[int, str]:
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    from besponsa.portal import listing

    ids = list(listing.listable_page_ids())
    kinds = dict(Page.objects.filter(pk__in=ids).values_list("pk", "content_type_id"))
    column = "body_text" if connection.vendor == "postgresql" else "body"
    rows = IndexEntry.objects.filter(
        content_type_id__in=set(kinds.values()), object_id__in=[str(pk) for pk in ids]
    ).values_list("content_type_id", "object_id", column)
    wanted = {(kind, str(pk)): pk for pk, kind in kinds.items()}
    return {wanted[(ct, oid)]: plain(text or "") for ct, oid, text in rows if (ct, oid) in wanted}


def stored_texts() -> dict[int, str]:
    """The plain text the search backend stored for each listable page when it was published (summary
    and body, evidence and clinical tables included), by page id, for the extracts. PostgreSQL's backend
    keeps it in `body_text` beside the full-text vectors; SQLite's in `body`.

    Made plain once per page-cache generation rather than stored plain at index time: the index entry
    changes only when its page is published (which bumps the generation), but the placeholders it holds
    are filled from the site contacts, which change without any page being indexed again (a contacts
    edit bumps the generation too); and the backend keeps matching the text it indexed."""
    from besponsa.compliance.models import site_today
    from besponsa.portal import pagecache

    return pagecache.per_generation("search-stored-texts", _stored_texts, also=site_today())


def plain(indexed: str) -> str:
    """Stored index text as a reader sees it: placeholders filled in, no markup, and none of the empty
    items or doubled separators the backend leaves where it joined the fields and blocks with ", "."""
    text = placeholders.expand(indexed, html=False)
    if MARKUP.search(text):  # rare (the blocks index plain text): strip_tags is slow, so only when needed
        text = strip_tags(text)
    text = re.sub(r"(?:\s*,)+\s*,", ",", text)  # ", , ," -> ","
    text = re.sub(r"([.:;!?])\s*,", r"\1", text)  # "matches., The" -> "matches. The"
    return re.sub(r"\s+", " ", text).strip(" ,")


@functools.lru_cache(maxsize=64)
def _marking(terms: tuple[str, ...]) -> re.Pattern[str]:
    # One capturing group: split() then gives the text between matches and the matches, alternately.
    return re.compile("(" + "|".join(re.escape(term) for term in terms) + ")", re.IGNORECASE)


def highlight(text: str, terms: list[str]) -> SafeString:
    """`text` escaped, with every occurrence of a term wrapped in <mark>."""
    if not terms:
        return mark_safe(html.escape(text))  # noqa: S308 - escaped
    pieces = _marking(tuple(terms)).split(text)
    out = [
        html.escape(piece) if i % 2 == 0 else f"<mark>{html.escape(piece)}</mark>"
        for i, piece in enumerate(pieces)
    ]
    return mark_safe("".join(out))  # noqa: S308 - every piece escaped above


def extract(text: str, terms: list[str], width: int = EXTRACT_CHARS) -> SafeString:
    """About `width` characters of `text` around the first match (or its start), with the terms marked."""
    match = _marking(tuple(terms)).search(text) if terms else None
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


def result_items(hits: list[tuple[str, SafeString, SafeString]]) -> SafeString:
    """The list items of a results page, one per (address, marked title, extract): the loop the search
    template would otherwise run over some sixty nodes per page of ten results."""
    items = (
        f'\n            <li><a href="{html.escape(url)}">{title}</a>'
        f"{f'<p>{extract}</p>' if extract else ''}</li>\n          "
        for url, title, extract in hits
    )
    return mark_safe("".join(items))  # noqa: S308 - the address escaped here, title and extract by highlight()
