"""Documentation that is generated or claims facts: kept in step with the code and data."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from heze_ip_kg.cli.main import main
from heze_ip_kg.publish.readmes import queries_readme, shapes_readme
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("folder", "render"), [("queries", queries_readme), ("shapes", shapes_readme)]
)
def test_catalogue_pages_are_current(folder: str, render: object) -> None:
    page = (ROOT / folder / "README.md").read_text(encoding="utf-8")
    assert page == render(), f"{folder}/README.md is stale: run heze-ip-kg docs"  # type: ignore[operator]


def test_every_query_is_in_the_catalogue_page() -> None:
    page = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    for path in (ROOT / "queries").glob("*.rq"):
        assert f"[`{path.stem}`]({path.name})" in page


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, command in main.commands.items():
        if name == "docs":
            continue
        assert f"`heze-ip-kg {name}" in readme, name
        help_text = CliRunner().invoke(main, [name, "--help"]).stdout
        assert command.help
        assert "Usage:" in help_text


def test_readme_gives_the_two_setup_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^\$ make run\b", readme, re.M)
    assert re.search(r"^\$ make test\b", readme, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
