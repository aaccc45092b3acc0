"""Turn matplotlib's SVG into an accessible, CSP-safe, inline-embeddable fragment.

matplotlib writes ``style="fill: …"`` attributes and a ``<style>`` element. A Content-Security-Policy
without ``'unsafe-inline'`` blocks both when the SVG is inlined in a page, so every declaration becomes
the equivalent SVG presentation attribute (which CSP does not govern). Element ids get a per-figure
prefix so several figures can share one page, and the root gains ``role="img"``, ``<title>`` and
``<desc>`` joined by ``aria-labelledby``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

__all__ = ["accessible_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# CSS properties matplotlib emits that have an SVG presentation attribute of the same name.
_PRESENTATION = frozenset(
    {
        "clip-path",
        "fill",
        "fill-opacity",
        "fill-rule",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "dominant-baseline",
    }
)
_URL_REF = re.compile(r"url\(#([^)]+)\)")


def _declarations(style: str) -> list[tuple[str, str]]:
    pairs = []
    for part in style.split(";"):
        if not part.strip():
            continue
        name, _, value = part.partition(":")
        pairs.append((name.strip(), value.strip()))
    return pairs


def accessible_svg(svg: str, *, prefix: str, title: str, description: str) -> str:
    """Rewrite matplotlib SVG text: presentation attributes, prefixed ids, title/desc, no prolog."""
    root = ET.fromstring(svg)  # noqa: S314 - our own matplotlib output, not untrusted input
    q = f"{{{SVG_NS}}}"

    # The only rule matplotlib puts in <style> sets line joins/caps for everything: inherit it from the root.
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{q}style", f"{q}metadata"):
                parent.remove(child)
    root.set("stroke-linejoin", "round")
    root.set("stroke-linecap", "butt")

    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _declarations(style):
                if name not in _PRESENTATION:
                    raise ValueError(f"unexpected style property {name!r} in matplotlib SVG")
                element.set(name, value)
        for attr in ("id",):
            if attr in element.attrib:
                element.set(attr, f"{prefix}-{element.attrib[attr]}")
        for attr, value in list(element.attrib.items()):
            if attr == f"{{{XLINK_NS}}}href" and value.startswith("#"):
                element.set(attr, f"#{prefix}-{value[1:]}")
            elif "url(#" in value:
                element.set(attr, _URL_REF.sub(lambda m: f"url(#{prefix}-{m.group(1)})", value))

    root.set("role", "img")
    root.set("aria-labelledby", f"{prefix}-title {prefix}-desc")
    root.set("id", prefix)
    title_el = ET.Element(f"{q}title", {"id": f"{prefix}-title"})
    title_el.text = title
    desc_el = ET.Element(f"{q}desc", {"id": f"{prefix}-desc"})
    desc_el.text = description
    root.insert(0, desc_el)
    root.insert(0, title_el)
    # ElementTree's prefix map is process-wide and other libraries rewrite it (WeasyPrint does on every
    # PDF), so the prefixes are named here rather than trusted from import time.
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")
