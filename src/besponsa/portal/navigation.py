"""The site map of DESIGN.md §2: main navigation and utility links, in one place."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    children: tuple[NavItem, ...] = field(default=())
    description: str = ""


MAIN_NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Home", "/"),
    NavItem("About", "/about/"),
    NavItem("Dosing", "/dosing/"),
    NavItem(
        "Efficacy",
        "/efficacy/adult/",
        (
            NavItem("Adult", "/efficacy/adult/", description="R/R Ph– or Ph+ ALL"),
            NavItem("Pediatric", "/efficacy/pediatric/", description="R/R CD22-positive BCP-ALL"),
        ),
    ),
    NavItem(
        "Safety",
        "/safety/adult/",
        (NavItem("Adult", "/safety/adult/"), NavItem("Pediatric", "/safety/pediatric/")),
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
    ),
    NavItem("NCCN Guidelines recommendations", "/nccn/"),
    NavItem("Clinical tools", "/tools/"),
)

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
