"""Figures: valid, accessible, CSP-safe, deterministic SVG, cached, with tables carrying the same numbers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from besponsa.evidence import colors, figures, reconstructed
from besponsa.evidence.errors import UnknownFigureError
from besponsa.evidence.fmt import SUBGROUP_CAVEAT

SVG = "{http://www.w3.org/2000/svg}"


PAGE_FIGURES = {"cr-cri-adult", "mrd-adult", "os-adult", "cr-pediatric", "mrd-pediatric"}


def _root(fig: figures.Figure, svg: str | None = None) -> ET.Element:
    return ET.fromstring(fig.svg if svg is None else svg)  # noqa: S314 - our own output


@pytest.fixture(scope="module", params=figures.FIGURE_IDS)
def fig(request: pytest.FixtureRequest) -> figures.Figure:
    return figures.render(request.param)


# Every drawing: the wide one of each figure, and the phone layout of each figure a page shows.
DRAWINGS = [(f, "wide") for f in figures.FIGURE_IDS] + [(f, "narrow") for f in sorted(PAGE_FIGURES)]


@pytest.fixture(scope="module", params=DRAWINGS, ids=lambda d: f"{d[0]}-{d[1]}")
def drawing(request: pytest.FixtureRequest) -> tuple[figures.Figure, str]:
    figure_id, layout = request.param
    fig = figures.render(figure_id)
    return fig, fig.svg if layout == "wide" else fig.svg_narrow


def test_all_expected_figures_exist() -> None:
    assert set(figures.FIGURE_IDS) == {
        "cr-cri-adult",
        "mrd-adult",
        "subgroups-adult",
        "os-adult",
        "os-reconstructed",
        "cr-pediatric",
        "mrd-pediatric",
    }


def test_svg_is_valid_and_labelled(drawing: tuple[figures.Figure, str]) -> None:
    fig, svg = drawing
    root = _root(fig, svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text == fig.title
    assert desc is not None and desc.text == fig.description
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert list(root)[:2] == [title, desc]
    assert not svg.startswith("<?xml")


def test_svg_is_csp_safe_and_keeps_text_as_text(drawing: tuple[figures.Figure, str]) -> None:
    root = _root(*drawing)
    assert root.find(f".//{SVG}style") is None
    assert all("style" not in el.attrib for el in root.iter())
    assert all(not el.tag.endswith("script") for el in root.iter())
    texts = [el for el in root.iter(f"{SVG}text")]
    assert texts, "text must stay text (svg.fonttype = none)"
    assert root.find(f".//{SVG}metadata") is None


def test_ids_are_unique_and_prefixed_and_references_resolve(drawing: tuple[figures.Figure, str]) -> None:
    fig, svg = drawing
    root = _root(fig, svg)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))
    prefix = f"fig-{fig.id}" + ("-narrow" if svg == fig.svg_narrow else "")
    assert all(i == prefix or i.startswith(f"{prefix}-") for i in ids if i)
    referenced = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'href="#([^"]+)"', svg))
    assert referenced <= set(ids)


def test_the_two_drawings_of_a_figure_share_no_id() -> None:
    # Both are in the page (one display:none), so an id in both would be a duplicate.
    for figure_id in PAGE_FIGURES:
        fig = figures.render(figure_id)
        wide = {el.get("id") for el in _root(fig).iter()} - {None}
        narrow = {el.get("id") for el in _root(fig, fig.svg_narrow).iter()} - {None}
        assert not wide & narrow, figure_id


def test_pages_figures_have_a_phone_layout_with_text_of_12_points_or_more() -> None:
    from besponsa.evidence import pages

    shown = {f for view in pages.PAGES.values() for f in view().figure_ids}
    assert shown == PAGE_FIGURES
    for figure_id in figures.FIGURE_IDS:
        fig = figures.render(figure_id)
        if figure_id not in PAGE_FIGURES:
            assert fig.svg_narrow == ""  # internal figures keep the wide drawing only
            continue
        root = _root(fig, fig.svg_narrow)
        assert root.get("viewBox") == "0 0 324 " + root.get("viewBox", "").split()[-1]
        sizes = [float(el.get("font-size", "0").removesuffix("px")) for el in root.iter(f"{SVG}text")]
        assert sizes and min(sizes) >= 12.0, (figure_id, sorted(sizes)[:3])


def _results(svg: str) -> set[str]:
    text = " ".join(el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text"))  # noqa: S314 - ours
    return set(re.findall(r"\d+(?:\.\d+)?%|\d+/\d+|\d+\.\d+ mo", text))


def test_the_phone_layout_shows_the_same_results() -> None:
    for figure_id in PAGE_FIGURES:
        fig = figures.render(figure_id)
        wide = _results(fig.svg)
        assert wide and wide == _results(fig.svg_narrow), figure_id


def test_text_colours_pass_aa(drawing: tuple[figures.Figure, str]) -> None:
    for el in _root(*drawing).iter(f"{SVG}text"):
        fill = el.get("fill", colors.TEXT)
        # White text is only ever drawn inside the solid BESPONSA bars.
        background = colors.INO if fill.upper() == colors.BACKGROUND else colors.BACKGROUND
        assert colors.contrast_ratio(fill, background) >= 4.5, (fill, el.text)


def test_no_date_and_small(drawing: tuple[figures.Figure, str]) -> None:
    _, svg = drawing
    assert "Date" not in svg and "dc:date" not in svg
    assert len(svg) < 60_000


def test_table_is_complete_and_matches_the_description(fig: figures.Figure) -> None:
    table = fig.table
    assert table.caption and len(table.columns) >= 2 and table.rows
    assert all(len(row) == len(table.columns) for row in table.rows)
    assert fig.caption and fig.footnotes and fig.references
    for row in table.rows:
        for cell in row[1:]:
            if cell != "—" and not fig.illustrative:
                assert cell.split(" (")[0] in fig.description, (cell, fig.description)


def test_drawn_numbers_match_the_table() -> None:
    fig = figures.render("cr-cri-adult")
    drawn = {el.text for el in _root(fig).iter(f"{SVG}text")}
    body = " ".join(" ".join(row) for row in fig.table.rows)
    for number in ("80.7%", "88/109", "29.4%", "32/109", "35.8%", "39/109", "17.4%", "19/109"):
        assert number in drawn
        assert number in body
    assert "72.1–87.7" in body and "21.0–38.8" in body
    assert "51.4" in " ".join(fig.table.footnotes)


def test_rendering_is_deterministic_and_cached() -> None:
    first = figures.render("mrd-adult")
    assert figures.render("mrd-adult") is first
    figures.render.cache_clear()
    again = figures.render("mrd-adult")
    assert again is not first
    assert again.svg == first.svg


def test_reconstructed_curve_says_so_everywhere() -> None:
    fig = figures.render("os-reconstructed")
    assert fig.illustrative
    for text in (fig.title, fig.caption, fig.description, fig.table.caption, " ".join(fig.footnotes)):
        assert reconstructed.LABEL in text
    drawn = [el.text for el in _root(fig).iter(f"{SVG}text")]
    assert reconstructed.LABEL in drawn
    assert fig.record_ids == ()
    assert all("reconstructed" in c for c in fig.table.columns[1:])


def test_subgroup_caveat_is_beside_the_plot() -> None:
    fig = figures.render("subgroups-adult")
    assert fig.caption.startswith(SUBGROUP_CAVEAT)
    assert SUBGROUP_CAVEAT.lower() in fig.table.caption
    drawn = " ".join(el.text or "" for el in _root(fig).iter(f"{SVG}text"))
    assert SUBGROUP_CAVEAT in drawn


def test_os_figure_shows_boundary_not_met() -> None:
    fig = figures.render("os-adult")
    drawn = " ".join(el.text or "" for el in _root(fig).iter(f"{SVG}text"))
    assert "HR 0.751 (97.5% CI 0.568–0.993)" in drawn
    assert "one-sided P = 0.0105" in drawn
    assert "one-sided P = 0.0104: not met" in drawn
    assert "7.7 mo" in drawn and "22.8%" in drawn


def test_svg_document_is_a_standalone_file() -> None:
    doc = figures.svg_document(figures.render("cr-pediatric"))
    assert doc.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg')
    ET.fromstring(doc.encode())  # noqa: S314


def test_unknown_figure() -> None:
    with pytest.raises(UnknownFigureError, match="no figure 'nope'"):
        figures.render("nope")


@pytest.mark.parametrize(("name", "minimum"), [(n, 4.5) for n in colors.TEXT_COLORS])
def test_text_palette_passes_aa(name: str, minimum: float) -> None:
    assert colors.contrast_ratio(colors.TEXT_COLORS[name]) >= minimum


@pytest.mark.parametrize("name", list(colors.GRAPHIC_COLORS))
def test_graphic_palette_passes_non_text_contrast(name: str) -> None:
    assert colors.contrast_ratio(colors.GRAPHIC_COLORS[name]) >= 3.0


def test_contrast_arithmetic() -> None:
    assert colors.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert colors.contrast_ratio("#FFFFFF") == pytest.approx(1.0)
    assert colors.contrast_ratio("#767676") == pytest.approx(4.54, abs=0.01)  # the well-known AA grey
    with pytest.raises(ValueError, match="#RRGGBB"):
        colors.relative_luminance("#FFF")


def test_arms_differ_by_more_than_colour() -> None:
    """BESPONSA bars are solid; comparator bars are hatched (a pattern element exists)."""
    root = _root(figures.render("cr-cri-adult"))
    assert root.find(f".//{SVG}pattern") is not None
