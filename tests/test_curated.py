"""The typed models of the curated files: records keep their lines, errors name them.

The damage done to the real files, through ``build``, is in tests/test_curated_files.py; here the
rules that turn a pydantic error into ``file:line: message`` are shown on small files.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from heze_ip_kg.curated.organizations import QuoteSource, load_organizations
from heze_ip_kg.curated.sources import load_sources
from heze_ip_kg.errors import InputError

BODY = """\
organizations:
  - id: a
    label: {en: A}
    level: municipal
    kind: government
    sources:
      - {quote: 甲}
  - id: b
    label: {zh: 乙, en: B}
    level: municipal
    kind: department
    sources:
      - {url: "https://example.org/b", reliability: orig}
    sub_organization_of:
      - {id: a, sources: [{quote: 乙}]}
"""


def _error(path: Path, text: str, load: object) -> InputError:
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)  # type: ignore[operator]
    return caught.value


def test_records_keep_their_lines_and_types(tmp_path: Path) -> None:
    path = tmp_path / "organizations.yaml"
    path.write_text(BODY, encoding="utf-8")
    gazetteer = load_organizations(path)
    a, b = gazetteer.organizations
    assert (a.line, b.line, b.line_of("sources")) == (2, 8, 12)
    assert isinstance(a.sources[0], QuoteSource)
    assert gazetteer.place("organizations[2]", b) == f"{path}:8: organizations[2]"
    assert gazetteer.by_alias() == {}


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        # Inside a row, the row's line, with the path inside it in the message.
        (
            '{url: "https://example.org/b"',
            '{url: "ftp://example.org/b"',
            ":8: organizations[2]: sources[1]: url must be an http(s) address",
        ),
        # A union's member (a source by quote or by url) is not part of the path.
        ("{quote: 甲}", "{quote: 5}", ":2: organizations[1]: sources[1]: 'quote' must be a text"),
        # An unknown key before the missing key it explains.
        ("label: {en: A}", "label: {eng: A}", ":2: organizations[1]: label: unknown key(s) eng"),
        # A rule across rows names the row that breaks it.
        ("  - id: b\n", "  - id: a\n", ":8: organizations[2]: duplicate id 'a'"),
        # Outside the rows, the top-level key's own line.
        ("乙}]}\n", "乙}]}\nnon_bodies: []\n", ":16: unknown key(s) non_bodies"),
    ],
    ids=["nested", "union", "misspelt", "across-rows", "top-level"],
)
def test_an_error_names_its_line(tmp_path: Path, old: str, new: str, place: str) -> None:
    path = tmp_path / "organizations.yaml"
    assert old in BODY
    error = _error(path, BODY.replace(old, new, 1), load_organizations)
    assert str(error) == f"{path}{place}"


SOURCES = "sources:\n  - file: plan.txt\n    slug: plan\n    level: municipal\n"


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        ("level: municipal", "level: city", ":4: sources[1]: level must be one of"),
        ("slug: plan", "slug: Plan", ":3: sources[1]: slug 'Plan' must be lower-case"),
        ("slug: plan", "slg: plan", ":2: sources[1]: unknown key(s) slg"),
    ],
    ids=["value", "slug", "unknown-key"],
)
def test_sources_yaml_names_a_bad_value_at_its_key_and_a_bad_key_at_its_row(
    tmp_path: Path, old: str, new: str, place: str
) -> None:
    (tmp_path / "plan.txt").write_text("（一）甲\n", encoding="utf-8")
    path = tmp_path / "sources.yaml"
    error = _error(path, SOURCES.replace(old, new), load_sources)
    assert re.match(re.escape(f"{path}{place}"), str(error)), str(error)
