"""Curated files fail the build loudly and are never skipped quietly.

Each of the four kinds of damage — a broken row, an unknown IRI, a duplicate, a link to an element
that does not exist — in each kind of curated file (a parent document, an alignment sheet, the
organisations file), two the fuzzer found and two the typed models found, makes ``heze-ip-kg
build`` exit 2 with one line naming the file and the line of the row, and write nothing. The
other way round, every row of those files is in the graph. A sample of the curated-file fuzzer
(tests/fuzz_data.py; ``make fuzz`` runs 1,000) closes it.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.cli.main import main
from heze_ip_kg.vocab.namespaces import DCTERMS, DEFAULT_BASE, HIP, ORG, RDF
from tests.fuzz_data import run as fuzz_data

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHANDONG = "parents/shandong-ip-plan-14fyp.yaml"
HEZE_SHEET = "alignments/national-ip-plan-14fyp.csv"
ORGANIZATIONS = "organizations.yaml"
FIRST_ROW = "national-ip-plan-14fyp/indicator-1,national-ip-outline-2021-2035/indicator-4,"

# (file, the text replaced, its replacement, the text on the line the error must name, message)
DAMAGE = {
    "parent-broken-row": (
        SHANDONG,
        "  - id: task-1\n    class: Task\n",
        "  - id: task-1\n    class: [Task]\n",
        "  - id: task-1",
        "'class' must be a text",
    ),
    "parent-unknown-iri": (
        SHANDONG,
        "  - title: 山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要\n",
        "  - document: hubei-ip-plan-14fyp\n",
        "  - document: hubei-ip-plan-14fyp",
        "unknown document 'hubei-ip-plan-14fyp'",
    ),
    "parent-duplicate": (
        SHANDONG,
        "  - id: key-project-2\n",
        "  - id: key-project-1\n",
        "  - id: key-project-1\n    class: KeyProject\n    label: {zh: 重点产业",
        "duplicate id 'key-project-1'",
    ),
    "parent-missing-element": (
        SHANDONG,
        "  - id: key-project-2\n    class: KeyProject\n",
        "  - id: key-project-2\n    class: KeyProject\n    parent: task-area-9\n",
        "  - id: key-project-2",
        "parent 'task-area-9' is not an element",
    ),
    "alignment-broken-row": (
        HEZE_SHEET,
        FIRST_ROW + "implements,confirmed,",
        FIRST_ROW + "implements,confirmd,",
        FIRST_ROW,
        "status must be one of confirmed, rejected",
    ),
    "alignment-unknown-iri": (
        HEZE_SHEET,
        FIRST_ROW,
        "national-ip-plan-14fyp/indicator-1,https://example.org/x,",
        "national-ip-plan-14fyp/indicator-1,https://example.org/x,",
        "unknown element",
    ),
    "alignment-duplicate": (
        HEZE_SHEET,
        "national-ip-plan-14fyp/indicator-5,national-ip-outline-2021-2035/indicator-2,",
        "national-ip-plan-14fyp/indicator-5,national-ip-outline-2021-2035/indicator-1,",
        "national-ip-plan-14fyp/indicator-5,national-ip-outline-2021-2035/indicator-1,implements,"
        "rejected",
        "duplicate decision (first at national-ip-plan-14fyp.csv:5)",
    ),
    "alignment-missing-element": (
        HEZE_SHEET,
        FIRST_ROW,
        "national-ip-plan-14fyp/indicator-1,national-ip-outline-2021-2035/indicator-99,",
        "national-ip-plan-14fyp/indicator-1,national-ip-outline-2021-2035/indicator-99,",
        "unknown element 'national-ip-outline-2021-2035/indicator-99'",
    ),
    "alignment-id-with-spaces": (
        HEZE_SHEET,
        FIRST_ROW,
        "national-ip-plan-14fyp/indi | cator-1,national-ip-outline-2021-2035/indicator-4,",
        "national-ip-plan-14fyp/indi | cator-1,",
        "unknown element 'national-ip-plan-14fyp/indi | cator-1'",
    ),
    # Checked only when the graph was built, and named no file: ": sources[1]: reliability …".
    "parent-count-source": (
        SHANDONG,
        'the press report quotes.\n    sources:\n      - {url: "https://m.yybnet.net/shandong/news/'
        '202111/11620430.html", reliability: news}',
        'the press report quotes.\n    sources:\n      - {url: "https://m.yybnet.net/shandong/news/'
        '202111/11620430.html", reliability: blog}',
        "  - class: Objective",
        "counts[2]: sources[1]: reliability must be one of orig, news, secondary, not 'blog'",
    ),
    # Was accepted, and aligned the base IRI itself.
    "alignment-empty-child": (
        HEZE_SHEET,
        FIRST_ROW,
        ",national-ip-outline-2021-2035/indicator-4,",
        ",national-ip-outline-2021-2035/indicator-4,",
        "empty child",
    ),
    "sources-missing-file": (
        "sources/sources.yaml",
        "  - file: 000_5c974d2b1e7beda6.txt\n",
        "  - file: 000_missing.txt\n",
        "  - file: 000_missing.txt",
        "no file '000_missing.txt' in",
    ),
    "organization-broken-row": (
        ORGANIZATIONS,
        "  - id: heze-cpc-municipal-committee\n",
        "  - id: Heze CPC committee\n",
        "  - id: Heze CPC committee",
        "id must be lower-case ASCII with hyphens",
    ),
    "organization-unknown-iri": (
        ORGANIZATIONS,
        '      - {quote: "发布机构:菏泽市人民政府办公室"}\n      - {url: "http://www.heze.gov.cn/',
        '      - {quote: "发布机构:菏泽市人民政府办公室"}\n      - {url: "ftp://www.heze.gov.cn/',
        "  - id: heze-government-general-office",
        "url must be an http(s) address",
    ),
    "organization-duplicate": (
        ORGANIZATIONS,
        "  - id: heze-cpc-municipal-committee\n",
        "  - id: heze-municipal-government\n",
        '  - id: heze-municipal-government\n    label: {zh: "市委"',
        "duplicate id 'heze-municipal-government'",
    ),
    "organization-missing-element": (
        ORGANIZATIONS,
        "    sub_organization_of:\n      - id: heze-municipal-government\n",
        "    sub_organization_of:\n      - id: heze-nobody\n",
        "  - id: heze-government-general-office",
        "sub_organization_of names unknown body 'heze-nobody'",
    ),
}


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_damage_fails_the_build_naming_file_and_line(tmp_path: Path, case: str) -> None:
    relative, old, new, marker, message = DAMAGE[case]
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{case}: the text to damage is not in {relative}"
    damaged = text.replace(old, new, 1)
    path.write_text(damaged, encoding="utf-8")
    line = damaged[: damaged.index(marker)].count("\n") + 1
    out = tmp_path / "out"

    # A real process, so that whatever a library logs reaches stderr as a user would see it.
    result = subprocess.run(
        [sys.executable, "-m", "heze_ip_kg", "build", "--data", str(data), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 2, result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1
    assert errors[0].startswith(f"heze-ip-kg: error: {path}:{line}:"), errors[0]
    assert message in errors[0]
    assert not out.exists()


def test_a_duplicate_yaml_key_is_refused_not_overwritten(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / SHANDONG
    text = path.read_text(encoding="utf-8")
    old = "  - id: key-project-2\n    class: KeyProject\n"
    path.write_text(text.replace(old, old + "    class: Task\n"), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 3
    result = CliRunner().invoke(main, ["build", "--data", str(data), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert f"{path}:{line}:5: invalid YAML: duplicate key 'class'" in result.stderr


def test_every_decision_row_is_an_alignment(graph: Graph) -> None:
    rows = set()
    for path in sorted((DATA / "alignments").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.add(f"data/alignments/{path.name}#L{reader.line_num}")
    cited = {str(o) for o in graph.objects(None, DCTERMS.source) if isinstance(o, Literal)}
    alignments = {
        str(o)
        for s in graph.subjects(RDF.type, HIP.Alignment)
        for o in graph.objects(s, DCTERMS.source)
    }
    assert (
        len(rows) == 132
    )  # 88 before issue 15; 47 against the outline's full text, 3 of them replacing old rows
    assert rows == alignments
    assert rows <= cited


def test_every_parent_element_is_in_the_graph(graph: Graph) -> None:
    expected = set()
    for path in sorted((DATA / "parents").glob("*.yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        slug = document["id"]
        expected |= {
            (URIRef(f"{DEFAULT_BASE}{slug}/{e['id']}"), HIP[e["class"]])
            for e in document["elements"]
        }
    found = {(s, o) for s, o in graph.subject_objects(RDF.type) if (s, o) in expected}
    # 19 located in the outline's full text + 34 + 7 + 13 curated alone, as `build` reports them
    assert len(expected) == 73
    assert found == expected


def test_every_organization_and_alias_is_in_the_graph(graph: Graph) -> None:
    entries = yaml.safe_load((DATA / ORGANIZATIONS).read_text(encoding="utf-8"))["organizations"]
    for entry in entries:
        iri = URIRef(f"{DEFAULT_BASE}org/{entry['id']}")
        assert (iri, RDF.type, ORG.Organization) in graph
        aliases = {str(a) for a in graph.objects(iri, HIP.alias)}
        assert aliases == set(entry.get("aliases") or [])
    assert len(set(graph.subjects(RDF.type, ORG.Organization))) == len(entries)


def test_a_curated_file_fuzz_sample_has_no_crash_and_no_hang() -> None:
    summary = fuzz_data(40, seed=20221125)
    assert summary.failures == []
    assert summary.outcomes["crash"] == summary.outcomes["hang"] == 0
    assert summary.outcomes["rejected"] > 0
    assert summary.outcomes["built"] > 0
    assert summary.tried == 40
    touched = {key.split(":")[0].split("/")[0] for key in summary.by_mutator}
    assert {"parents", "alignments", "organizations.yaml"} <= touched
    assert all(re.fullmatch(r"[\w./-]+:[\w+]+:(built|rejected)", k) for k in summary.by_mutator)
