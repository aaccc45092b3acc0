"""Template tags that render a page's body and generate its end matter (references, footnotes,
abbreviations) from what the body actually cites and says."""

from __future__ import annotations

import functools
import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import RichText, expand_db_html

from besponsa.compliance.fingerprint import raw_text
from besponsa.compliance.models import site_today
from besponsa.portal import pagecache, placeholders
from besponsa.portal.notes import PageNotes, as_context

register = template.Library()


def _notes(context: template.Context) -> PageNotes:
    notes = context.get("notes")
    if not isinstance(notes, PageNotes):
        # A block rendered on its own (e.g. a block preview): number its citations by themselves.
        notes = PageNotes()
        context["notes"] = notes
    return notes


def cite_html(notes: PageNotes, keys: Iterable[str]) -> SafeString:
    citations = notes.cite(keys)
    if not citations:
        return mark_safe("")
    links = format_html_join(
        ",",
        '<a href="#ref-{}" aria-label="Reference {}">{}</a>',
        ((c.number, c.number, c.number) for c in citations),
    )
    return format_html('<sup class="cite">{}</sup>', links)


def footnote_html(notes: PageNotes, texts: Iterable[str]) -> SafeString:
    marks = []
    for text in texts:
        if not text or not text.strip():
            continue
        symbol = notes.footnote(text)
        index = [f.symbol for f in notes.footnotes].index(symbol) + 1
        marks.append(format_html('<a href="#fn-{}" aria-label="Footnote {}">{}</a>', index, index, symbol))
    if not marks:
        return mark_safe("")
    return format_html('<sup class="fn-mark">{}</sup>', mark_safe("".join(marks)))  # noqa: S308 - built by format_html


@register.simple_tag(takes_context=True)
def cite(context: template.Context, keys: Iterable[str]) -> SafeString:
    """Superscript reference numbers, e.g. <sup>1,3</sup>, linked to the page's reference list."""
    return cite_html(_notes(context), list(keys or ()))


@register.simple_tag(takes_context=True)
def footnote_marks(context: template.Context, texts: Iterable[str] | str) -> SafeString:
    """Footnote symbols linked to the page's footnote list."""
    return footnote_html(_notes(context), [texts] if isinstance(texts, str) else list(texts or ()))


@register.simple_tag(takes_context=True)
def marked_richtext(
    context: template.Context, value: Any, references: Iterable[str] = (), footnote: str = ""
) -> SafeString:
    """Rich text with its footnote symbol and reference numbers placed at the end of its last paragraph."""
    html = placeholders.expand(
        expand_db_html(value.source if isinstance(value, RichText) else str(value or ""))
    )
    marks = footnote_html(_notes(context), [footnote] if footnote else []) + cite_html(
        _notes(context), list(references or ())
    )
    if html.rstrip().endswith("</p>"):
        cut = html.rstrip().rfind("</p>")
        return mark_safe(html[:cut] + marks + html[cut:])  # noqa: S308 - html is the editor's sanitised rich text
    return mark_safe(html + marks)  # noqa: S308 - as above


# The body is our own rendered, escaped markup (no "<" or ">" outside tags), so a regular expression
# gives the same text as django's strip_tags (checked on every seeded page) at a fraction of the cost:
# strip_tags runs an HTML parser over every tag of the inline figures (a fifth of an uncached render).
TAG = re.compile(r"<[^>]*>")


@register.simple_tag(takes_context=True)
def page_main(context: template.Context, page: Any) -> SafeString:
    """The page body, then its footnotes, abbreviations and references, generated from the body.

    A live page's is rendered once per page-cache generation and day in each process, not per request:
    it reads nothing of the request, only the page's own text, the evidence and clinical data (fixed
    for the life of the process), and what the generation covers (which pages may be linked to and
    where they are, the site contacts); the day, because a page whose approval lapses loses its links.
    A CMS preview (a draft, an old revision) always renders afresh and is never kept: it may carry the
    live page's id and revision with other words."""
    request = context.get("request")
    if request is None or getattr(request, "is_preview", False) or not page.live or page.pk is None:
        return _render_main(context, page)
    return pagecache.per_generation_each(
        "page-main", _live_text_key(page), lambda: _render_main(context, page), also=site_today()
    )


def _live_text_key(page: Any) -> tuple[int, int | None, str]:
    # The page's own words are part of the key: an object that is not the live row can never be
    # given the live page's body (or leave its own under the live page's key).
    text = f"{page.title}\n{raw_text(page)}"
    return page.pk, page.live_revision_id, hashlib.sha256(text.encode("utf-8")).hexdigest()


def _render_main(context: template.Context, page: Any) -> SafeString:
    notes = PageNotes()
    parts: list[str] = []
    with context.push(notes=notes):
        flat = context.flatten()
        for block in page.body:
            if block.block_type == "heading":
                parts.append(format_html('<h2 id="{}">{}</h2>', f"section-{block.id}", block.value))
            else:
                parts.append(block.render(context=flat))
    body = "".join(parts)
    text = " ".join([page.title, getattr(page, "summary", ""), visible_text(body)])
    end = render_to_string("portal/includes/page_notes.html", as_context(notes, text))
    return mark_safe(body + end)  # noqa: S308 - rendered by our templates with autoescape on


ISI_FIELDS = (
    "boxed_warning_title",
    "boxed_warning",
    "indication",
    "warnings_and_precautions",
    "adverse_reactions",
    "specific_populations",
    "job_code",
)


@register.simple_tag
def isi_body(isi: Any, heading_level: int = 3) -> SafeString:
    """The ISI's sections (portal/isi_body.html). Every page shows them twice (the full ISI and the tray),
    so each text is rendered once per page-cache generation (its links follow a page moved), keyed by
    the texts themselves so that a CMS preview of a draft renders its own words. The key holds the
    field strings as they are: the live ISI's are the same objects on every request of a generation,
    whose hashes Python keeps, where a digest of their repr cost 0.1 ms twice a page."""
    key = (heading_level, *(str(getattr(isi, name) or "") for name in ISI_FIELDS))
    context = {"isi": isi, "heading_level": heading_level}
    return pagecache.per_generation_each(
        "isi-body",
        key,
        lambda: mark_safe(render_to_string("portal/isi_body.html", context)),  # noqa: S308
    )


@functools.lru_cache(maxsize=64)
def visible_text(html: str) -> str:
    """The text of rendered HTML, memoized: a body with inline SVG figures takes milliseconds to parse, and
    a page's body is the same string on every render of one revision and data version."""
    return TAG.sub("", html)


@register.filter
def column_label(columns: Sequence[str], index: int) -> str:
    """The header of a column, for the data-label that names each cell when a table stacks on phones."""
    return str(columns[index]) if 0 <= index < len(columns) else ""


MIN_FIGURE_TEXT_PX = 12
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_VIEWBOX = re.compile(r'viewBox="[\d.]+ [\d.]+ ([\d.]+) [\d.]+"')
_FONT_SIZE = re.compile(r'font-size(?:="|:\s*)([\d.]+)')


@register.filter
def readable_svg(svg: str) -> SafeString:
    """The figure with its width attribute set (in CSS px) so that its smallest text is at least 12 px.

    Wide screens scale the figure to the column (CSS width: 100%); on phones the attribute applies and the
    figure scrolls sideways inside its own container instead of shrinking its labels below 12 px.
    """
    opening = _SVG_OPEN.search(svg)
    viewbox = _VIEWBOX.search(opening.group(0)) if opening else None
    sizes = [float(size) for size in _FONT_SIZE.findall(svg)]
    if opening is None or viewbox is None or not sizes:
        return mark_safe(svg)  # noqa: S308 - generated by besponsa.evidence.figures
    width = math.ceil(float(viewbox.group(1)) * MIN_FIGURE_TEXT_PX / min(sizes))
    tag = re.sub(r'\swidth="[^"]*"', "", opening.group(0)).replace("<svg", f'<svg width="{width}"', 1)
    tag = re.sub(r'\sheight="[^"]*"', "", tag)
    return mark_safe(svg[: opening.start()] + tag + svg[opening.end() :])  # noqa: S308 - as above
