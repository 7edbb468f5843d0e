"""trace and coverage: chains up to the nation, the same from the CLI and the API, and the SVG."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from rdflib import Graph

from heze_ip_kg.cli.main import main
from heze_ip_kg.errors import InputError
from heze_ip_kg.trace.chains import (
    chain,
    coverage,
    implements_view,
    orphans,
    render_svg,
    resolve_element,
)
from heze_ip_kg.trace.chains import trace_graph as make_trace_graph
from tests.conftest import HEZE

ID = "https://w3id.org/heze-ip-kg/id/"
INDICATOR = f"{HEZE}/part-1/objective-3/indicator-table/indicator-1"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def dg(graph: Graph) -> nx.DiGraph:
    return make_trace_graph(graph)


def test_chain_of_the_high_value_patent_indicator(dg: nx.DiGraph) -> None:
    found = chain(dg, INDICATOR)
    assert found.level == "municipal"
    assert [p.iri[len(ID) :] for p in found.parents] == [
        "national-ip-outline-2021-2035/indicator-4",
        "national-ip-plan-14fyp/indicator-1",
        "shandong-ip-outline-2021-2035/indicator-1",
        "shandong-ip-plan-14fyp/indicator-1",
    ]
    shandong = found.parents[3]
    assert shandong.level == "provincial"
    assert {p.iri[len(ID) :] for p in shandong.parents} == {
        "national-ip-outline-2021-2035/indicator-4",
        "national-ip-plan-14fyp/indicator-1",
    }
    assert all(p.level == "national" for p in shandong.parents)


def test_a_project_chain_stops_where_the_encoded_parents_stop(dg: nx.DiGraph) -> None:
    found = chain(dg, f"{HEZE}/part-3/key-project-6")
    # The Shandong project (no national link encoded) and the outline's task （十三）, whose
    # text names the national 版权创新发展建设试点.
    assert [(p.label, p.level, p.parents) for p in found.parents] == [
        ("建立规范有序、充满活力的市场化运营机制", "national", ()),
        ("版权创新发展工程", "provincial", ()),
    ]


def test_resolve_by_path_label_and_notation(graph: Graph) -> None:
    assert (
        resolve_element(graph, "heze-ip-plan-14fyp/part-3/key-project-6", ID)
        == f"{HEZE}/part-3/key-project-6"
    )
    assert resolve_element(graph, "加强知识产权行政保护", ID) == f"{HEZE}/part-2/task-area-1/task-1"
    with pytest.raises(InputError, match="is ambiguous"):
        resolve_element(graph, "加强组织领导", ID)
    with pytest.raises(InputError, match="no element matches"):
        resolve_element(graph, "不存在的要素", ID)


def test_orphans_are_the_local_initiatives(dg: nx.DiGraph) -> None:
    assert [o[len(HEZE) + 1 :] for o in orphans(dg, HEZE)] == [
        "part-1/objective-3/indicator-table/indicator-5",
        "part-1/objective-3/indicator-table/indicator-6",
    ]


def test_trace_cli_equals_the_api(dg: nx.DiGraph) -> None:
    result = CliRunner().invoke(main, ["trace", "每万人口高价值发明专利拥有量", "--format", "json"])
    assert result.exit_code == 2  # the label is shared by five documents' indicators
    assert "is ambiguous" in result.stderr
    result = CliRunner().invoke(main, ["trace", INDICATOR, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    expected = json.loads(json.dumps(dataclasses.asdict(chain(dg, INDICATOR))))
    assert json.loads(result.stdout) == expected
    tree = CliRunner().invoke(main, ["trace", INDICATOR]).stdout.splitlines()
    assert tree[0].startswith("每万人口高价值发明专利拥有量  [市级 · ")
    assert len(tree) == 12


def test_coverage_cli_equals_the_api(graph: Graph) -> None:
    result = CliRunner().invoke(main, ["coverage", "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    table = coverage(graph)
    assert tuple(rows[0]) == table.vars
    assert [tuple(r) for r in rows[1:]] == [
        tuple("" if c is None else c for c in r) for r in table.rows
    ]
    shandong_projects = next(
        r for r in rows if r[0].endswith("shandong-ip-plan-14fyp") and r[1].endswith("KeyProject")
    )
    assert shandong_projects[2:] == ["6", "6", "6", "0", "0"]
    text = CliRunner().invoke(main, ["coverage"]).stdout
    assert (
        "shandong-ip-plan-14fyp         hip:Task         7         1        0        1           6"
        in text
    )


def _svg_labels(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_svg_pictures_show_chinese_labels(tmp_path: Path, dg: nx.DiGraph) -> None:
    chain_svg, whole_svg = tmp_path / "chain.svg", tmp_path / "whole.svg"
    assert CliRunner().invoke(main, ["trace", INDICATOR, "--svg", str(chain_svg)]).exit_code == 0
    assert CliRunner().invoke(main, ["coverage", "--svg", str(whole_svg)]).exit_code == 0
    labels = _svg_labels(chain_svg)
    assert labels.count("每万人口高价值发明专利拥有量") == 5
    assert "市级 · heze-ip-plan-14fyp" in labels
    whole = ET.parse(whole_svg).getroot()
    boxes = [g for g in whole.iter(f"{SVG}g")]
    assert len(boxes) == len(implements_view(dg).nodes)
    assert "实施版权创新发展工程" in _svg_labels(whole_svg)


def test_svg_escapes_labels(dg: nx.DiGraph) -> None:
    hostile = dg.copy()
    hostile.nodes[INDICATOR]["label"] = "<script>alert(1)</script>"
    picture = render_svg(hostile, [INDICATOR], "t & <b>")
    assert "<script>" not in picture
    assert "&lt;script&gt;" in picture
    ET.fromstring(picture.encode())
