"""docs/configuration.md lists every environment variable the code and the scripts read."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = (
    r'env_(?:str|int|bool|list)\(\s*"([A-Z_0-9]+)"',  # besponsa.project.env
    r'os\.environ(?:\.get|\.setdefault)?\(\s*"([A-Z_0-9]+)"',
    r'os\.environ\[\s*"([A-Z_0-9]+)"',
    r"\$\{([A-Z_][A-Z_0-9]*):-",  # shell defaults
    r"^([A-Z_]+)\s*\?=",  # Makefile defaults
)


def _variables_read() -> set[str]:
    files = [*(ROOT / "src").rglob("*.py"), *(ROOT / "scripts").glob("*.sh"), ROOT / "Makefile"]
    names: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        for pattern in READERS:
            names.update(re.findall(pattern, text, flags=re.MULTILINE))
    return names


def test_every_environment_variable_read_is_documented() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    read = _variables_read()
    assert {"SECRET_KEY", "REDIS_URL", "WEB_CONCURRENCY", "TEST_POSTGRES_URL", "PYTHON"} <= read
    assert sorted(name for name in read if f"`{name}`" not in documented) == []
