"""StreamField blocks that carry citations or pull their numbers from `evidence/` and `clinical/`.

Editors keep their prose in the CMS; numbers come only from the pure packages:
- `claim`: a paragraph of our own words with the reference keys that support it (and an optional footnote);
- `evidence_section`: one section of an evidence page view (statements, tables, figures), by id;
- `evidence_statement`: chosen evidence statements (e.g. the headline results on Home);
- `clinical_table`: a table built from `besponsa.clinical` data (regimen, Tables 2-4, product facts…);
- `hero`, `stats`, `cards`: the product-page components of the design system (docs/frontend.md); `stats`
  reads its numbers from `besponsa.evidence` through `portal.highlights`.

Every link of these blocks is a `SiteLinkBlock`: a chosen page, or a checked path for the site's routes
that are not pages (the tools, /isi/, the leaving notice...).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page, Site

from besponsa.portal import clinical_tables, highlights, placeholders
from besponsa.portal.notes import PageNotes, reference_choices

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul", "superscript", "subscript"]
CLAIM_FEATURES = ["bold", "italic", "link", "superscript", "subscript"]

# The page views of besponsa.evidence.pages (pages.PAGES keys).
EVIDENCE_VIEWS = [
    ("efficacy-adult", "Efficacy in adults (INO-VATE ALL)"),
    ("efficacy-pediatric", "Efficacy in children (WI203581)"),
    ("safety-adult", "Safety in adults (INO-VATE ALL)"),
    ("safety-pediatric", "Safety in children (WI203581)"),
]


def evidence_view(slug: str) -> Any:
    from besponsa.evidence import pages  # imported on first use: numpy/scipy load takes ~1 s

    return pages.page(slug)


def _grouped(entries: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(label, entries(evidence_view(slug))) for slug, label in EVIDENCE_VIEWS]


def section_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The evidence sections an editor picks from, grouped by view (the block checks the pair)."""
    return _grouped(
        lambda view: [(section.id, f"{section.heading} ({section.id})") for section in view.sections]
    )


def statement_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The evidence statements an editor picks from, grouped by view, each shown with its opening words."""
    return _grouped(lambda view: [(s.id, f"{s.id}: {Truncator(s.text).chars(90)}") for s in view.statements])


def _notes(context: dict[str, Any] | None) -> PageNotes:
    notes = (context or {}).get("notes")
    return notes if isinstance(notes, PageNotes) else PageNotes()


def _section(view: Any, section_id: str) -> Any:
    for section in view.sections:
        if section.id == section_id:
            return section
    raise KeyError(section_id)


def _check_placeholders(source: str) -> None:
    bad = placeholders.unknown(source)
    if bad:
        raise ValidationError(f"Unknown placeholder(s): {', '.join(bad)}.")


def _live_page_at(path: str) -> Page | None:
    """The live page the default site serves at `path` ("/dosing/"), if any."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return None
    return Page.objects.live().filter(url_path=site.root_page.url_path + path.lstrip("/")).first()


def _checked_path(path: str) -> Page | None:
    """Refuses a typed path that is not an address of this site. Returns the live page at that address
    (a typed page address is stored as the chosen page, so it follows the page if it moves), or None for
    the site's other routes."""
    parts = urlsplit(path)
    # "//host" and "/\host" are other sites to a browser, however they start.
    if not path.startswith("/") or path[1:2] in ("/", "\\") or parts.scheme or parts.netloc:
        raise ValidationError(
            f"Path “{path}” is not a path on this site: it must start with a single “/”, e.g. "
            "/tools/planner/ (another site goes through /leaving/?to=…)."
        )
    unknown = ValidationError(
        f"Path “{parts.path}” is no address on this site: check the spelling and the final “/”, or "
        "choose the page under Page."
    )
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise unknown from None
    if match.url_name == "leaving":
        from besponsa.portal.leaving import find_departure

        outside = parse_qs(parts.query).get("to", [""])[0]
        if find_departure(outside) is None:
            raise ValidationError(
                f"Path “{path}”: the leaving notice refuses “{outside}”; it is not an allowed outside "
                "destination."
            )
    if match.url_name != "wagtail_serve":
        return None
    page = _live_page_at(parts.path)  # Wagtail answers every slug-like path: is there a page?
    if page is None:
        raise unknown
    return None if parts.query or parts.fragment else page


class SiteLinkValue(blocks.StructValue):
    """What templates read: `href`, the one address of the link, or "" when visitors have nothing to
    follow (the template then leaves the link out)."""

    @property
    def href(self) -> str:
        from besponsa.portal import listing  # listing reads compliance, which reads these blocks

        page = self.get("page")
        if page is not None:
            # A chosen page visitors cannot see now (a draft, unpublished, withheld by MLR) is no link.
            return (page.url or "") if page.pk in listing.listable_page_ids() else ""
        path = self.get("url") or ""
        if not path:
            return ""  # nothing given, or the chosen page was deleted
        route = urlsplit(path).path
        try:
            match = resolve(route)
        except Resolver404:
            return ""  # a path typed before paths were checked that leads nowhere
        # Paths typed before pages could be chosen still name pages ("/dosing/"): the same rule holds.
        if match.url_name == "wagtail_serve" and route not in listing.listable_paths():
            return ""
        return path


class SiteLinkBlock(blocks.StructBlock):
    """A link on the site: a chosen page, or a path for the site's routes that are not pages.

    The path keeps the child name `url` the typed links had, so every stored link (`{label, url}`) is
    read as it was saved, with no data migration rewriting approved revisions. Extra fields (a card's
    text) are passed as local blocks, as with any StructBlock."""

    label = blocks.CharBlock()
    page = blocks.PageChooserBlock(
        required=False, help_text="A page of this site; the link follows it if it moves."
    )
    url = blocks.CharBlock(
        required=False,
        label="Path",
        help_text="Only for an address that is not a page: a tool (/tools/planner/), /isi/, a form, "
        "or /leaving/?to=… for another site.",
    )

    class Meta:
        icon = "link"
        value_class = SiteLinkValue

    @property
    def required(self) -> bool:
        return bool(getattr(self.meta, "required", True))

    def _from_stored(self, value: Any) -> Any:
        # The evidence statement's link was a bare path string before it became a link block.
        return {"label": "", "url": value} if isinstance(value, str) else value

    def to_python(self, value: Any) -> Any:
        return super().to_python(self._from_stored(value))

    def bulk_to_python(self, values: Any) -> list[Any]:
        return list(super().bulk_to_python([self._from_stored(value) for value in values]))

    def normalize(self, value: Any) -> Any:
        return super().normalize(self._from_stored(value))

    def clean(self, value: Any) -> Any:
        if not self.required and not any(value.get(name) for name in ("label", "page", "url")):
            return value  # an optional link left empty
        value = super().clean(value)
        page, path = value.get("page"), (value.get("url") or "").strip()
        errors: dict[str, ValidationError] = {}
        if page is not None and path:
            errors["url"] = ValidationError("Choose a page or enter a path, not both: clear one of them.")
        elif path:
            try:
                found = _checked_path(path)
            except ValidationError as error:
                errors["url"] = error
            else:
                if found is not None:
                    value["page"], value["url"] = found, ""
        elif page is None and not self.is_deferred_validation:  # a draft may leave it for later
            errors["page"] = ValidationError(
                "Choose a page, or enter a path for an address that is not a page."
            )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


def _followable(links: Any) -> list[Any]:
    """The links visitors can follow now. The others are left out, label and all, rather than shown as
    text that looks like a link, or a button or card that leads nowhere."""
    return [link for link in links if link.href]


class ParagraphBlock(blocks.RichTextBlock):
    """Prose with no citation of its own; [[fact:…]] and [[contact:…]] placeholders are filled in."""

    class Meta:
        icon = "pilcrow"
        template = "portal/blocks/paragraph.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        _check_placeholders(value.source)
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["notes"] = _notes(parent_context)
        return context


class _CitedTextBlock(blocks.StructBlock):
    """A struct whose `text` may hold placeholders (checked on save) and whose template cites references."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        try:
            _check_placeholders(value["text"].source)
        except ValidationError as error:
            raise StructBlockValidationError(block_errors={"text": error}) from None
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["notes"] = _notes(parent_context)
        return context


class ClaimBlock(_CitedTextBlock):
    text = blocks.RichTextBlock(features=CLAIM_FEATURES, help_text="One paragraph in our own words.")
    references = blocks.ListBlock(
        blocks.ChoiceBlock(choices=reference_choices),
        min_num=1,
        help_text="The sources that support this paragraph, in the order they support it.",
    )
    footnote = blocks.CharBlock(
        required=False, help_text="Optional; shown with a symbol at the end of the page."
    )

    class Meta:
        icon = "openquote"
        template = "portal/blocks/claim.html"

    def get_searchable_content(self, value: Any) -> list[str]:
        return [strip_tags(value["text"].source), value.get("footnote") or ""]


class EvidenceSectionBlock(blocks.StructBlock):
    view = blocks.ChoiceBlock(choices=EVIDENCE_VIEWS)
    section = blocks.ChoiceBlock(choices=section_choices, help_text="A section of the view chosen above.")
    intro = blocks.RichTextBlock(
        features=RICH_FEATURES,
        required=False,
        help_text="Optional prose shown under the heading; no numbers.",
    )

    class Meta:
        icon = "table"
        template = "portal/blocks/evidence_section.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        try:
            _section(evidence_view(value["view"]), value["section"])
        except KeyError:
            raise StructBlockValidationError(
                block_errors={
                    "section": ValidationError(f"No section {value['section']!r} in {value['view']}.")
                }
            ) from None
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        from besponsa.evidence import figures

        context = super().get_context(value, parent_context)
        notes = _notes(parent_context)
        view = evidence_view(value["view"])
        section = _section(view, value["section"])
        first_of_view = notes.first_use_of(view.slug)
        notes.add_abbreviations(view.abbreviations)
        context.update(
            notes=notes,
            section=section,
            view_notes=view.footnotes if first_of_view else (),
            figures=[figures.render(figure_id) for figure_id in section.figures],
        )
        return context

    def get_searchable_content(self, value: Any) -> list[str]:
        try:
            section = _section(evidence_view(value["view"]), value["section"])
        except KeyError:
            return []
        text = [section.heading, strip_tags(str(value.get("intro") or ""))]
        text += [statement.text for statement in section.statements]
        for table in section.tables:
            text.append(table.caption)
            text += [" ".join(row) for row in table.rows]
        return [item for item in text if item]


class EvidenceStatementBlock(blocks.StructBlock):
    view = blocks.ChoiceBlock(choices=EVIDENCE_VIEWS)
    statements = blocks.ListBlock(
        blocks.ChoiceBlock(choices=statement_choices),
        min_num=1,
        help_text="Statements of the view chosen above.",
    )
    link = SiteLinkBlock(
        [
            (
                "label",
                blocks.CharBlock(
                    required=False, help_text="Optional; “See the full results and their sources” if empty."
                ),
            )
        ],
        required=False,
        help_text="Optional: where the full results are, e.g. the page Efficacy in adults.",
    )

    class Meta:
        icon = "list-ul"
        template = "portal/blocks/evidence_statement.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        view = evidence_view(value["view"])
        missing = [sid for sid in value["statements"] if sid not in {s.id for s in view.statements}]
        if missing:
            raise StructBlockValidationError(
                block_errors={"statements": ValidationError(f"Not in {value['view']}: {', '.join(missing)}.")}
            )
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        notes = _notes(parent_context)
        view = evidence_view(value["view"])
        notes.add_abbreviations(view.abbreviations)
        context.update(notes=notes, statements=[view.statement(sid) for sid in value["statements"]])
        return context

    def get_searchable_content(self, value: Any) -> list[str]:
        view = evidence_view(value["view"])
        ids = {s.id for s in view.statements}
        return [view.statement(sid).text for sid in value["statements"] if sid in ids]


class ClinicalTableBlock(blocks.StructBlock):
    table = blocks.ChoiceBlock(choices=clinical_tables.TABLE_CHOICES)

    class Meta:
        icon = "table"
        template = "portal/blocks/clinical_table.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context.update(notes=_notes(parent_context), table=clinical_tables.build(value["table"]))
        return context

    def get_searchable_content(self, value: Any) -> list[str]:
        table = clinical_tables.build(value["table"])
        return [table.caption, *(" ".join(row) for row in table.rows)]


CALLOUT_STYLES = [("", "Brand"), ("accent", "Accent"), ("warning", "Boxed warning")]


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock()
    text = blocks.RichTextBlock(features=RICH_FEATURES)
    references = blocks.ListBlock(blocks.ChoiceBlock(choices=reference_choices), default=[], min_num=0)
    style = blocks.ChoiceBlock(choices=CALLOUT_STYLES, required=False, default="")

    class Meta:
        icon = "warning"
        template = "portal/blocks/callout.html"

    def get_searchable_content(self, value: Any) -> list[str]:
        return [value["title"], strip_tags(value["text"].source)]

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["notes"] = _notes(parent_context)
        return context


class LinksBlock(blocks.StructBlock):
    title = blocks.CharBlock()
    items = blocks.ListBlock(SiteLinkBlock([("description", blocks.CharBlock(required=False))]))

    class Meta:
        icon = "link"
        template = "portal/blocks/links.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["items"] = _followable(value["items"])
        return context

    def get_searchable_content(self, value: Any) -> list[str]:
        text = [value["title"]]
        for item in value["items"]:
            text += [item["label"], item.get("description") or ""]
        return [t for t in text if t]


class HeroBlock(_CitedTextBlock):
    """The top of a product page: the page's one h1 (the headline), the product line, the indication
    with its citations and the primary calls to action. Use it once, first, on a page whose template
    does not print its own h1 (the home page)."""

    headline = blocks.CharBlock(help_text="One line, our own words; becomes the page's h1.")
    product = blocks.CharBlock(required=False, help_text="Product and generic name line.")
    text = blocks.RichTextBlock(features=CLAIM_FEATURES, help_text="The indication, in our own words.")
    references = blocks.ListBlock(blocks.ChoiceBlock(choices=reference_choices), default=[], min_num=0)
    actions = blocks.ListBlock(SiteLinkBlock(), min_num=1, max_num=3)

    class Meta:
        icon = "image"
        template = "portal/blocks/hero.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["actions"] = _followable(value["actions"])
        return context

    def get_searchable_content(self, value: Any) -> list[str]:
        return [value["headline"], value.get("product") or "", strip_tags(value["text"].source)]


class StatsBlock(blocks.StructBlock):
    """Key results as stat callouts, numbers from besponsa.evidence (portal.highlights), with chosen
    evidence statements printed beside them (e.g. the overall-survival statement)."""

    title = blocks.CharBlock()
    stats = blocks.ListBlock(blocks.ChoiceBlock(choices=highlights.STAT_CHOICES), min_num=1, max_num=4)
    view = blocks.ChoiceBlock(choices=EVIDENCE_VIEWS, required=False)
    statements = blocks.ListBlock(
        blocks.ChoiceBlock(choices=statement_choices),
        default=[],
        min_num=0,
        help_text="Statements of the view chosen above, e.g. the overall-survival boundary.",
    )
    link = SiteLinkBlock(required=False)

    class Meta:
        icon = "order"
        template = "portal/blocks/stats.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if value["statements"]:
            if not value["view"]:
                raise StructBlockValidationError(
                    block_errors={"view": ValidationError("Choose the evidence view of the statements.")}
                )
            known = {s.id for s in evidence_view(value["view"]).statements}
            missing = [sid for sid in value["statements"] if sid not in known]
            if missing:
                raise StructBlockValidationError(
                    block_errors={
                        "statements": ValidationError(f"Unknown statement id(s): {', '.join(missing)}.")
                    }
                )
        return value

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        notes = _notes(parent_context)
        statements = []
        if value["view"] and value["statements"]:
            view = evidence_view(value["view"])
            notes.add_abbreviations(view.abbreviations)
            statements = [view.statement(sid) for sid in value["statements"]]
        context.update(
            notes=notes, stats=[highlights.stat(key) for key in value["stats"]], statements=statements
        )
        return context

    def get_searchable_content(self, value: Any) -> list[str]:
        text = [value["title"]]
        for key in value["stats"]:
            item = highlights.stat(key)
            text += [item.value, item.label, item.compare]
        return text


class CardsBlock(blocks.StructBlock):
    """A grid of cards, each a link to a page with a short description (section landing pages, Home)."""

    title = blocks.CharBlock(required=False, help_text="Optional h2 above the grid.")
    items = blocks.ListBlock(SiteLinkBlock([("text", blocks.CharBlock(required=False))]), min_num=1)

    class Meta:
        icon = "grip"
        template = "portal/blocks/cards.html"

    def get_context(self, value: Any, parent_context: dict[str, Any] | None = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["items"] = _followable(value["items"])
        return context

    def get_searchable_content(self, value: Any) -> list[str]:
        text = [value.get("title") or ""]
        for item in value["items"]:
            text += [item["label"], item.get("text") or ""]
        return [t for t in text if t]


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", help_text="A section heading (rendered as h2).")
    paragraph = ParagraphBlock(features=RICH_FEATURES)
    claim = ClaimBlock()
    callout = CalloutBlock()
    links = LinksBlock()
    evidence_section = EvidenceSectionBlock()
    evidence_statement = EvidenceStatementBlock()
    clinical_table = ClinicalTableBlock()
    hero = HeroBlock()
    stats = StatsBlock()
    cards = CardsBlock()
