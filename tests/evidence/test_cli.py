"""``besponsa evidence``: tested through its interface, in-process."""

from __future__ import annotations

import argparse
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from besponsa.cli import evidence as cli


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_report_passes() -> None:
    code, out, _ = _run("report")
    assert code == 0
    assert "72.1–87.7" in out and "72.07–87.66" in out
    assert "unconfirmed numbers (kept out of pages)" in out
    assert out.rstrip().endswith(
        "OK: every confirmed number agrees with its recomputation or internal check."
    )


def test_report_json() -> None:
    code, out, _ = _run("report", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["ok"] is True and data["failures"] == []
    assert any(c["id"] == "wi203581:mrd-pcr" and c["verdict"] == "agrees" for c in data["checks"])


def test_report_fails_when_a_confirmed_number_is_perturbed(
    edit_data: Callable[[str, str, str], Path],
) -> None:
    folder = edit_data("wi203581.yaml", 'ci: ["95", "28.1", "55.9"]', 'ci: ["95", "28.1", "56.9"]')
    code, out, _ = _run("report", "--data-dir", str(folder))
    assert code == 1
    assert "FAILED: 1 confirmed number(s) differ" in out
    assert "wi203581:cr 95% CI" in out
    code, out, _ = _run("report", "--json", "--data-dir", str(folder))
    assert code == 1 and json.loads(out)["failures"] == ["wi203581:cr 95% CI"]


def test_report_rejects_invalid_data(edit_data: Callable[[str, str, str], Path]) -> None:
    folder = edit_data("wi203581.yaml", 'ci: ["95", "28.1", "55.9"]', 'ci: ["95", 28.1, "55.9"]')
    code, out, err = _run("report", "--data-dir", str(folder))
    assert code == 2 and out == ""
    assert "invalid data" in err and "quoted text" in err


def test_report_rejects_a_missing_folder(tmp_path: Path) -> None:
    code, _, err = _run("report", "--data-dir", str(tmp_path / "missing"))
    assert code == 2 and "invalid data" in err


def test_figure_svg_to_stdout() -> None:
    code, out, _ = _run("figure", "mrd-pediatric")
    assert code == 0
    root = ET.fromstring(out.encode())  # noqa: S314
    assert root.get("role") == "img"


def test_figure_phone_layout_to_stdout() -> None:
    code, out, _ = _run("figure", "mrd-pediatric", "--narrow")
    assert code == 0
    root = ET.fromstring(out.encode())  # noqa: S314
    assert root.get("id") == "fig-mrd-pediatric-narrow" and root.get("viewBox", "").startswith("0 0 324 ")
    code, out, err = _run("figure", "os-reconstructed", "--narrow")
    assert code == 2 and out == "" and "no phone layout" in err


def test_figure_json() -> None:
    code, out, _ = _run("figure", "os-reconstructed", "--json")
    assert code == 0
    data = json.loads(out)
    assert "svg" not in data and "svg_narrow" not in data and data["illustrative"] is True
    assert data["table"]["caption"].startswith("Overall survival read from the reconstructed curve")


def test_unknown_figure() -> None:
    code, out, err = _run("figure", "nope")
    assert code == 2 and out == "" and "no figure 'nope'" in err


def test_page_json() -> None:
    code, out, _ = _run("page", "efficacy-adult")
    assert code == 0
    data = json.loads(out)
    assert data["slug"] == "efficacy-adult"
    assert data["references"][0] == {"number": 1, "citation": data["references"][0]["citation"]}
    texts = [s["text"] for section in data["sections"] for s in section["statements"]]
    assert any("72.1–87.7" in t for t in texts)


def test_unknown_page_is_a_usage_error_that_lists_the_pages() -> None:
    code, out, err = _run("page", "nope")
    assert code == 2 and out == "" and "no page 'nope'" in err and "efficacy-adult" in err


def test_register_plugs_into_the_besponsa_parser(capsys: pytest.CaptureFixture[str]) -> None:
    """The same shape as besponsa.cli.build_parser: a sub-parsers object and a `handler` default."""
    parser = argparse.ArgumentParser(prog="besponsa")
    cli.register(parser.add_subparsers(dest="group", required=True))
    args = parser.parse_args(["evidence", "report", "--json"])
    assert args.handler(args) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
