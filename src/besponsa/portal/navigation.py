"""The site map of DESIGN.md §2: main navigation and utility links, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    children: tuple[NavItem, ...] = field(default=())
    description: str = ""
    # The path prefix of the section this item heads ("/tools/" covers every tool page); "" = url only.
    section: str = ""

    def covers(self, path: str) -> bool:
        if self.section:
            return path.startswith(self.section)
        return path == self.url or any(child.url == path for child in self.children)


MAIN_NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Home", "/"),
    NavItem("About", "/about/", section="/about/"),
    NavItem("Dosing", "/dosing/", section="/dosing/"),
    NavItem(
        "Efficacy",
        "/efficacy/adult/",
        (
            NavItem("Adult", "/efficacy/adult/", description="R/R Ph– or Ph+ ALL"),
            NavItem("Pediatric", "/efficacy/pediatric/", description="R/R CD22-positive BCP-ALL"),
        ),
        section="/efficacy/",
    ),
    NavItem(
        "Safety",
        "/safety/adult/",
        (NavItem("Adult", "/safety/adult/"), NavItem("Pediatric", "/safety/pediatric/")),
        section="/safety/",
    ),
    NavItem(
        "Savings & Support",
        "/support/",
        (
            NavItem("Events", "/support/events/"),
            NavItem("Materials", "/support/materials/"),
            NavItem("Videos", "/support/videos/"),
            NavItem("Personalized patient support", "/support/patient-support/"),
            NavItem("Ordering BESPONSA", "/support/ordering/"),
        ),
        section="/support/",
    ),
    NavItem("NCCN Guidelines recommendations", "/nccn/", section="/nccn/"),
    NavItem("Clinical tools", "/tools/", section="/tools/"),
)


def current_section(path: str) -> NavItem | None:
    """The main-navigation item whose section holds this path (highlighted in the menu), if any."""
    return next((item for item in MAIN_NAVIGATION if item.covers(path)), None)


UTILITY_LINKS: tuple[NavItem, ...] = (
    NavItem("Prescribing Information", "/prescribing-information/"),
    NavItem("Important Safety Information", "/isi/"),
    NavItem("Indication", "/indication/"),
    NavItem("Patient site", "patient-site"),
    NavItem("Order materials / Request samples", "/support/materials/"),
    NavItem("Co-pay cards & patient savings", "/support/patient-support/"),
    NavItem("Patient assistance", "/support/patient-support/"),
    NavItem("Contact", "/contact/"),
    NavItem("Search", "/search/"),
)
