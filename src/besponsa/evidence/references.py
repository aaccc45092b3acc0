"""The references that evidence records, tables and figures cite, in one place.

Records carry reference *keys*; pages number the keys in the order they first cite them
(:func:`numbered`) and print :attr:`Reference.citation`. ``to_verify`` says what still has to be checked
against the original before the citation is used in production (MLR review).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["REFERENCES", "Reference", "citation", "numbered"]


def __dir__() -> list[str]:
    return __all__


@dataclass(frozen=True, slots=True)
class Reference:
    key: str
    citation: str  # AMA style
    url: str = ""
    to_verify: str = ""  # what still needs checking against the source; empty when nothing does
    citable: bool = True  # False: the source cannot be identified well enough to cite on a page


_ALL = (
    Reference(
        "pi-2024",
        "BESPONSA (inotuzumab ozogamicin) for injection, for intravenous use. Prescribing Information. "
        "Wyeth Pharmaceuticals LLC, a subsidiary of Pfizer Inc; revised March 2024.",
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=cc7014b1-c775-411d-b374-8113248b4077",
    ),
    Reference(
        "kantarjian-nejm-2016",
        "Kantarjian HM, DeAngelo DJ, Stelljes M, et al. Inotuzumab ozogamicin versus standard therapy for "
        "acute lymphoblastic leukemia. N Engl J Med. 2016;375(8):740-753. doi:10.1056/NEJMoa1509277",
        "https://doi.org/10.1056/NEJMoa1509277",
    ),
    Reference(
        "kantarjian-cancer-2019",
        "Kantarjian HM, DeAngelo DJ, Stelljes M, et al. Inotuzumab ozogamicin versus standard of care in "
        "relapsed or refractory acute lymphoblastic leukemia: final report and long-term survival "
        "follow-up from the randomized, phase 3 INO-VATE study. Cancer. 2019;125(14):2474-2487. "
        "doi:10.1002/cncr.32116",
        "https://doi.org/10.1002/cncr.32116",
    ),
    Reference(
        "fda-2017",
        "US Food and Drug Administration. FDA approves inotuzumab ozogamicin for relapsed or refractory "
        "B-cell precursor acute lymphoblastic leukemia. August 17, 2017.",
        to_verify="exact page title and URL (seen only in copies of the announcement)",
    ),
    Reference(
        "fda-2024-pediatric",
        "US Food and Drug Administration. FDA approves inotuzumab ozogamicin for pediatric patients 1 year "
        "and older with relapsed or refractory CD22-positive B-cell precursor acute lymphoblastic "
        "leukemia. March 6, 2024.",
        to_verify="exact page title and URL",
    ),
    Reference("data-on-file", "Data on file. Pfizer Inc; New York, NY."),
    Reference(
        "stock-cancer-2021",
        "Stock W, et al. Efficacy of inotuzumab ozogamicin in patients with Philadelphia "
        "chromosome-positive relapsed/refractory acute lymphoblastic leukemia. Cancer. 2021;127:905-913.",
        "https://pubmed.ncbi.nlm.nih.gov/33231879/",
        to_verify="full author list and title",
    ),
    Reference(
        "jabbour-leukres-2020",
        "Jabbour E, et al. Outcomes by minimal residual disease status in patients treated with "
        "inotuzumab ozogamicin in INO-VATE. Leuk Res. 2020;88:106283.",
        "https://pubmed.ncbi.nlm.nih.gov/31790983/",
        to_verify="title is descriptive, not the published one; author list",
    ),
    Reference(
        "genomics-bloodadv-2024",
        "Association of leukemic molecular profile with efficacy of inotuzumab ozogamicin in adults "
        "with relapsed/refractory ALL. Blood Adv. 2024;8(12):3226.",
        "http://ashpublications.net/bloodadvances/article-split/8/12/3226/515390/Association-of-leukemic-molecular-profile-with",
        to_verify="authors, page range and DOI",
    ),
    Reference(
        "brivio-blood-2021",
        "Brivio E, et al. A phase 1 study of inotuzumab ozogamicin in pediatric relapsed/refractory "
        "acute lymphoblastic leukemia (ITCC-059 study). Blood. 2021.",
        "https://pure.eur.nl/en/publications/a-phase-1-study-of-inotuzumab-ozogamicin-in-pediatric-relapsedref",
        to_verify="volume, pages, author list",
    ),
    Reference(
        "ash-abstract-final-os",
        "ASH Annual Meeting abstract: long-term efficacy and safety of inotuzumab ozogamicin vs standard "
        "of care in INO-VATE (data as of 5 January 2017).",
        to_verify="year, abstract number and authors are not known: do not cite on a page",
        citable=False,
    ),
    Reference(
        "ash-abstract-cd22",
        "ASH Annual Meeting abstract: efficacy of inotuzumab ozogamicin by baseline CD22 positivity in "
        "INO-VATE.",
        to_verify="year, abstract number and authors are not known: do not cite on a page",
        citable=False,
    ),
    Reference(
        "asco-abstract-7007-hsct",
        "ASCO Annual Meeting abstract 7007: factors associated with allogeneic HSCT outcomes in INO-VATE.",
        to_verify="year and authors are not known: do not cite on a page",
        citable=False,
    ),
)

REFERENCES: Mapping[str, Reference] = MappingProxyType({r.key: r for r in _ALL})


def citation(key: str) -> str:
    """The full citation for ``key``. :raises KeyError: unknown key."""
    return REFERENCES[key].citation


def numbered(keys: Iterable[str]) -> tuple[tuple[int, Reference], ...]:
    """Number references 1, 2, … in the order they are first cited; repeats keep their first number."""
    seen: dict[str, int] = {}
    for key in keys:
        if key not in seen:
            if key not in REFERENCES:
                raise KeyError(f"unknown reference key {key!r}")
            seen[key] = len(seen) + 1
    return tuple((number, REFERENCES[key]) for key, number in seen.items())
