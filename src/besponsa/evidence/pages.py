"""The evidence page views, by slug: what the Efficacy and Safety pages show, all from the data.

>>> from besponsa.evidence import pages
>>> page = pages.efficacy_adult()
>>> page.statement("crcri").text.startswith("In the first 218")
True

Every number reaches a page through :func:`besponsa.evidence.selectors.shown`: only confirmed numbers,
and only when they agree with their recomputation (otherwise building the page raises). The views are
built in :mod:`besponsa.evidence.efficacy` and :mod:`besponsa.evidence.safety` with the builder of
:mod:`besponsa.evidence.views`, which records the ids of the records each statement and table reads.

Views are built once per process (cached); they are immutable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from besponsa.evidence.efficacy import efficacy_adult, efficacy_pediatric
from besponsa.evidence.fmt import SUBGROUP_CAVEAT
from besponsa.evidence.safety import safety_adult, safety_pediatric
from besponsa.evidence.views import DERIVED_COUNT_NOTE, PageView, Section, Statement

__all__ = [
    "DERIVED_COUNT_NOTE",
    "INTERNAL_FIGURES",
    "PAGES",
    "PageView",
    "Section",
    "Statement",
    "efficacy_adult",
    "efficacy_pediatric",
    "page",
    "safety_adult",
    "safety_pediatric",
]


def __dir__() -> list[str]:
    return __all__


# Figures built from reconstructed or exploratory data: the re-digitized survival curve and the post-hoc
# subgroup forest plot with intervals we computed. They are not promotional evidence, so no page view
# shows them; `besponsa evidence report` and the reviewers' claims panel list them for internal review.
INTERNAL_FIGURES: Mapping[str, str] = MappingProxyType(
    {
        "os-reconstructed": "Overall survival curve re-digitized from the published figure (illustrative).",
        "subgroups-adult": f"Subgroup results with intervals we computed ({SUBGROUP_CAVEAT.lower()}).",
    }
)

PAGES: Mapping[str, Callable[[], PageView]] = MappingProxyType(
    {
        "efficacy-adult": efficacy_adult,
        "efficacy-pediatric": efficacy_pediatric,
        "safety-adult": safety_adult,
        "safety-pediatric": safety_pediatric,
    }
)


def page(slug: str) -> PageView:
    """The page view for ``slug`` (a key of :data:`PAGES`). :raises KeyError: unknown slug."""
    if slug not in PAGES:
        raise KeyError(f"no evidence page {slug!r}; one of {', '.join(PAGES)}")
    return PAGES[slug]()
