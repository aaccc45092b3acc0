"""US English throughout: no British spellings in the content files or in the text of any template."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# British spellings (stems) with their US form; matched case-insensitively at the start of a word.
BRITISH = {
    r"colour": "color",
    r"favour": "favor",
    r"behaviour": "behavior",
    r"centre": "center",
    r"organis": "organiz",
    r"recognis": "recogniz",
    r"analys(?:ing|ed|es|e)\b": "analyze",
    r"haem": "hem",
    r"oedema": "edema",
    r"anaemi": "anemi",
    r"leukaemi": "leukemi",
    r"paediatric": "pediatric",
    r"oesophag": "esophag",
    r"tumour": "tumor",
    r"litre": "liter",
    r"programme": "program",
    r"licence": "license",
    r"catalogue": "catalog",
    r"labell(?:ed|ing)": "labeled, labeling",
    r"modelling": "modeling",
    r"cancelled": "canceled",
    r"travelled": "traveled",
    r"fulfil\b": "fulfill",
    r"enrolment": "enrollment",
    r"judgement": "judgment",
    r"defence": "defense",
    r"practis(?:ing|ed|es|e)": "practic-",
    r"(?:authori|optimi|minimi|randomi|summari|characteri|utili|finali|prioriti|stabili|hospitali|immuni|"
    r"sterili|visuali|customi|standardi|normali|categori|personali|speciali)s(?:ation|ing|ed|es|e)": "-ize",
    r"grey": "gray",
    r"aluminium": "aluminum",
    r"diarrhoea": "diarrhea",
    r"foetal": "fetal",
    r"oestrogen": "estrogen",
    r"ageing": "aging",
    r"counsell": "counsel",
    r"whilst": "while",
    r"amongst": "among",
}
PATTERN = re.compile(r"\b(?:" + "|".join(BRITISH) + r")", re.IGNORECASE)


def _visible_text(path: Path) -> str:
    """Template text a reader sees: tags, attributes and template syntax removed (aria-labelledby is an
    HTML attribute name, not English)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.DOTALL)
        text = re.sub(r"<[^>]*>", " ", text)
    return text


def _files() -> list[Path]:
    content = [p for p in (ROOT / "content").rglob("*") if p.suffix in {".yaml", ".md"}]
    templates = [p for p in (ROOT / "src" / "besponsa").rglob("templates/**/*.html")]
    return sorted(content + templates)


def test_content_and_templates_use_us_spelling() -> None:
    found = []
    for path in _files():
        for number, line in enumerate(_visible_text(path).splitlines(), start=1):
            for match in PATTERN.finditer(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)!r}")
    assert not found, "British spellings:\n" + "\n".join(found)


def test_the_checker_catches_british_spellings() -> None:
    sample = "The paediatric programme was randomised; colour, tumour and labelled items."
    assert [m.group(0).lower() for m in PATTERN.finditer(sample)] == [
        "paediatric",
        "programme",
        "randomised",
        "colour",
        "tumour",
        "labelled",
    ]
    assert not PATTERN.search("The pediatric program was randomized; the colorless tumor was labeled.")
