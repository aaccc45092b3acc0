"""Small pieces: references, tables, the SVG rewriter and number formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from besponsa.evidence import fmt, references
from besponsa.evidence._svg import accessible_svg
from besponsa.evidence.records import Interval
from besponsa.evidence.tables import Table


def test_references_are_numbered_by_first_citation() -> None:
    numbered = references.numbered(["pi-2024", "fda-2017", "pi-2024", "data-on-file"])
    assert [(n, r.key) for n, r in numbered] == [(1, "pi-2024"), (2, "fda-2017"), (3, "data-on-file")]
    assert references.citation("kantarjian-nejm-2016").endswith("doi:10.1056/NEJMoa1509277")
    with pytest.raises(KeyError, match="unknown reference key"):
        references.numbered(["nope"])


def test_uncitable_references_say_why() -> None:
    for ref in references.REFERENCES.values():
        if not ref.citable:
            assert "do not cite" in ref.to_verify


def test_table_rows_must_match_the_columns() -> None:
    with pytest.raises(ValueError, match="every row needs 2 cells"):
        Table(id="t", caption="c", columns=("a", "b"), rows=(("only one",),))


SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><g id="a" style="fill: #000"/></svg>'


def test_svg_rewriter() -> None:
    out = accessible_svg(SVG, prefix="p", title="T", description="D")
    assert 'id="p-a"' in out and 'fill="#000"' in out and "style=" not in out
    assert out.index("<title") < out.index("<desc") < out.index("<g")
    with pytest.raises(ValueError, match="unexpected style property"):
        accessible_svg(
            SVG.replace("fill: #000", "mix-blend-mode: multiply"), prefix="p", title="T", description="D"
        )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("10.0"), "10.0"),
        (Decimal("-9.7"), "\u22129.7"),
        (Decimal("0.0104"), "0.0104"),
        (Decimal("48"), "48"),
    ],
)
def test_numbers_print_as_published(value: Decimal, text: str) -> None:
    assert fmt.number(value) == text


def test_interval_text() -> None:
    assert fmt.ci_text(Interval(Decimal("95"), Decimal("2.6"), None)) == "95% CI 2.6–NE"
    assert (
        fmt.ci_text(Interval(Decimal("97.5"), Decimal("0.568"), Decimal("0.993"))) == "97.5% CI 0.568–0.993"
    )


def test_recomputed_values_show_one_more_decimal() -> None:
    assert fmt.recomputed(72.0702, Decimal("72.1")) == "72.07"
    assert fmt.recomputed(-0.5, None, extra=0) == "\u22120.5"


def test_figures_keep_the_svg_default_namespace_after_another_library_rewrites_the_prefix_map() -> None:
    """WeasyPrint registers its own prefixes on every PDF; a later figure must still be <svg>."""
    import xml.etree.ElementTree as ET

    from besponsa.evidence import figures

    figures.render.cache_clear()
    ET.register_namespace("", "")  # what WeasyPrint's metadata writer leaves behind
    try:
        assert figures.render("cr-cri-adult").svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    finally:
        figures.render.cache_clear()
