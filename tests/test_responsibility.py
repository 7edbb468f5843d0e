"""Responsibility: bodies found where the text names them, roles as stated, chains for all."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.build.organizations import SourceText, organization_graph
from heze_ip_kg.cli.main import main
from heze_ip_kg.curated.organizations import load_organizations
from heze_ip_kg.curated.tables import load_role_patterns
from heze_ip_kg.errors import InputError
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.query.execute import load_query, run_query
from heze_ip_kg.vocab.namespaces import HIP, OA, RDF
from tests.conftest import HEZE, ROOT

ID = "https://w3id.org/heze-ip-kg/id/"
ROLE = ID + "concept/role/"
OUTLINE = "https://w3id.org/heze-ip-kg/id/national-ip-outline-2021-2035"
TASK = {
    "1.1": "part-2/task-area-1/task-1",
    "1.2": "part-2/task-area-1/task-2",
    "1.3": "part-2/task-area-1/task-3",
    "2.1": "part-2/task-area-2/task-1",
    "3.1": "part-2/task-area-3/task-1",
    "4.2": "part-2/task-area-4/task-2",
    "5.3": "part-2/task-area-5/task-3",
    "P1": "part-3/key-project-1",
    "S1": "part-4/safeguard-1",
    "S2": "part-4/safeguard-2",
}

# (element, body as written) — the bodies the issue lists, where the text names them.
EXPECTED_MENTIONS = [
    ("1.1", "海关"),
    ("1.2", "公安"),
    ("1.2", "检察机关"),
    ("1.2", "基层法院"),
    ("1.2", "知识产权法庭"),
    ("1.3", "行业协会"),
    ("4.2", "行业协会"),
    ("4.2", "商会"),
    ("4.2", "专利代理机构"),
    ("4.2", "知识产权服务机构"),
    ("2.1", "高校"),
    ("2.1", "科研院所"),
    ("3.1", "山东知识产权运营中心"),
    ("P1", "曹县(演出服装和林产品)知识产权快速维权中心"),
    ("P1", "知识产权人民调解组织"),
    ("P1", "维权援助组织"),
    ("S1", "市场监管部门"),
    ("S1", "市政府知识产权战略实施工作领导小组"),
    ("S1", "各县区"),
    ("S2", "市县两级财政"),
    ("5.3", "教育机构"),
]


def mentions(graph: Graph, element: str) -> dict[str, tuple[int, int]]:
    found = {}
    for mention in graph.subjects(HIP.mentionIn, URIRef(f"{HEZE}/{element}")):
        selector = graph.value(graph.value(mention, HIP.source), OA.hasSelector)
        start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
        assert isinstance(start, Literal)
        assert isinstance(end, Literal)
        found[str(graph.value(mention, HIP.surfaceForm))] = (int(start), int(end))
    return found


@pytest.mark.parametrize(
    ("where", "body"), EXPECTED_MENTIONS, ids=[f"{w}-{b}" for w, b in EXPECTED_MENTIONS]
)
def test_body_found_with_its_span(graph: Graph, seed_text: str, where: str, body: str) -> None:
    found = mentions(graph, TASK[where])
    assert body in found
    start, end = found[body]
    assert seed_text[start:end] == body


def test_no_false_mention_inside_a_database_name(graph: Graph) -> None:
    assert "高校" not in mentions(graph, TASK["3.1"])


def _plan_role(graph: Graph, role: str) -> tuple[str, str]:
    node = URIRef(
        f"{HEZE}/role/{role}/"
        + {
            "lead": "heze-market-regulation",
            "coordinating": "heze-ip-leading-group",
            "implementing": "heze-county-governments",
            "funding": "heze-finance",
        }[role]
    )
    assert (node, HIP.stated, Literal(True)) in graph
    assert (node, HIP.role, URIRef(ROLE + role)) in graph
    citation = graph.value(node, HIP.citation)
    selector = graph.value(graph.value(node, HIP.source), OA.hasSelector)
    start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
    assert isinstance(start, Literal)
    assert isinstance(end, Literal)
    return str(graph.value(citation, HIP.quote)), f"{int(start)}-{int(end)}"


@pytest.mark.parametrize(
    ("role", "sentence"),
    [
        ("lead", "市场监管部门要牵头做好规划组织实施工作,"),
        ("coordinating", "充分发挥市政府知识产权战略实施工作领导小组作用,"),
        ("implementing", "各县区要建立完善知识产权工作推进机制,"),
        ("funding", "加强市县两级财政预算与规划实施衔接协调,"),
    ],
)
def test_plan_level_roles_cite_their_sentence(
    graph: Graph, seed_text: str, role: str, sentence: str
) -> None:
    quote, span = _plan_role(graph, role)
    start, end = map(int, span.split("-"))
    assert seed_text[start:end] == quote
    assert sentence.rstrip(",") in quote


def test_all_twenty_measures_have_a_chain(graph: Graph) -> None:
    table = run_query(load_query("report-responsibility-chain"), graph)
    assert len(table.rows) == 20
    for row in table.as_dicts():
        assert row["lead"] == "市场监管部门"
        assert row["coordinator"] == "市政府知识产权战略实施工作领导小组"
        assert row["government"] == "菏泽市人民政府"
        assert row["leadUp1"] == ID + "org/shandong-amr"
        assert row["leadUp2"] == ID + "org/national-cnipa"
        assert row["coordinatorUp2"] == ID + "org/national-ip-joint-conference"
        assert row["leadStated"] == "false"  # no task text states a lead: all inherit it


def test_inherited_roles_point_to_the_plan_level(graph: Graph) -> None:
    lead = URIRef(f"{HEZE}/role/lead/heze-market-regulation")
    inherited = list(graph.subjects(HIP.inheritedFrom, lead))
    assert len(inherited) == 20
    for node in inherited:
        assert (node, HIP.stated, Literal(False)) in graph
        assert (node, HIP.source, None) not in graph


def test_inherited_only_are_exactly_the_measures_naming_no_body(graph: Graph) -> None:
    table = run_query(load_query("report-inherited-only"), graph)
    listed = {row[0] for row in table.rows}
    measures = {
        s
        for cls in (HIP.Task, HIP.KeyProject)
        for s in graph.subjects(RDF.type, cls)
        if str(s).startswith(HEZE)
    }
    silent = {str(m) for m in measures if (m, HIP.mentions, None) not in graph}
    assert listed == silent
    assert len(listed) == 11


def test_participating_roles_stated_by_their_sentences(graph: Graph) -> None:
    def role(element: str, org: str) -> bool:
        node = URIRef(f"{HEZE}/{TASK[element]}/role/participating/{org}")
        return (node, HIP.stated, Literal(True)) in graph

    assert role("1.3", "industry-associations")
    assert role("4.2", "industry-associations")
    assert role("4.2", "chambers-of-commerce")
    assert role("5.3", "education-institutions")
    assert role("P1", "ip-peoples-mediation-organisations")


def test_unresolved_candidates_are_listed_not_dropped(graph: Graph) -> None:
    rows = run_query(load_query("report-unresolved-mentions"), graph).as_dicts()
    heze = [(r["surface"], r["element"]) for r in rows if r["element"].startswith(HEZE + "/")]
    assert heze == [("知识产权专业机构", f"{HEZE}/{TASK['1.2']}")]
    # The national outline's text names bodies the gazetteer does not know yet (司法机关,
    # 行业组织, 科研机构 …): listed for review, none dropped.
    others = [r for r in rows if not r["element"].startswith(HEZE + "/")]
    assert len(others) == 29
    assert all("/national-ip-outline-2021-2035/" in r["element"] for r in others)
    assert ("司法机关", f"{OUTLINE}/task-area-2/task-10") in {
        (r["surface"], r["element"]) for r in others
    }


def test_responsibility_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["responsibility", "强化知识产权司法保护"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "市场监管部门" in lines[1]
    assert "org/national-ip-joint-conference" in lines[1]
    result = CliRunner().invoke(main, ["responsibility", "--format", "csv"])
    assert len(result.stdout.splitlines()) == 21
    result = CliRunner().invoke(main, ["responsibility", "加强组织领导"])
    assert result.exit_code == 2


def _organizations_with(tmp_path: Path, edit: str) -> Path:
    data = yaml.safe_load((ROOT / "data" / "organizations.yaml").read_text(encoding="utf-8"))
    orgs = data["organizations"]
    if edit == "quote":
        orgs[0]["sources"][0]["quote"] = "这句话不在原文里"
    elif edit == "unknown-link":
        orgs[1]["sub_organization_of"][0]["id"] = "heze-nobody"
    elif edit == "duplicate-alias":
        orgs[2]["aliases"] = ["市政府"]
    elif edit == "bad-level":
        orgs[3]["level"] = "galactic"
    path = tmp_path / "organizations.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _load_and_build(path: Path, seed_text: str) -> Graph:
    gazetteer = load_organizations(path)
    source = SourceText(URIRef(HEZE + "/source"), seed_text)
    return organization_graph(gazetteer, [source], ID)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("quote", "organizations[1]: quote not found in any source text"),
        ("unknown-link", "organizations[2]: sub_organization_of names unknown body 'heze-nobody'"),
        ("duplicate-alias", "alias '市政府' given to both heze-municipal-government and"),
        ("bad-level", "organizations[4]: level must be one of"),
    ],
)
def test_broken_organizations_file(tmp_path: Path, seed_text: str, edit: str, message: str) -> None:
    path = _organizations_with(tmp_path, edit)
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        _load_and_build(path, seed_text)
    assert str(path) in str(caught.value)


def test_bad_role_pattern_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "role-patterns.tsv"
    path.write_text("id\trole\tkinds\tpattern\nx\tlead\t*\t牵头\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"role-patterns\.tsv:2: pattern needs an \{org\}"):
        load_role_patterns(path)


def test_build_without_organisations_still_works(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "organizations.yaml").unlink()
    graph = build_all(load_project(data)).graph
    assert (None, RDF.type, HIP.RoleAssignment) not in graph


def test_an_edit_renames_only_what_it_changes(graph: Graph, tmp_path: Path) -> None:
    """No IRI is named by an offset: a character inserted in task 1.1 moves the spans of every
    mention after it but renames none of them, nor any span or citation; only the citation
    quoting the edited sentence is another citation (an IRI is public)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    seed = data / "sources" / "000_5c974d2b1e7beda6.txt"
    text = seed.read_text(encoding="utf-8")
    assert text.count("强化海关知识产权保护") == 1  # in task 1.1, before its mention of 海关
    seed.write_text(text.replace("强化海关", "更强化海关"), encoding="utf-8")
    edited = build_all(load_project(data)).graph

    def surfaces(g: Graph) -> dict[str, str]:
        return {str(m): str(g.value(m, HIP.surfaceForm)) for m in g.subjects(HIP.mentionIn)}

    assert surfaces(edited) == surfaces(graph)
    assert len(surfaces(graph)) > 20
    assert f"{HEZE}/{TASK['1.1']}/mention/1" in surfaces(graph)
    moved = [
        element
        for element in TASK.values()
        if {b: (s + 1, e + 1) for b, (s, e) in mentions(graph, element).items()}
        == mentions(edited, element)
    ]
    assert sorted(moved) == sorted(TASK.values())  # every span after the edit moved by one
    before, after = set(graph.subjects()), set(edited.subjects())
    assert len(before) == len(after)
    (gone,), (new,) = before - after, after - before
    assert "强化海关" in str(graph.value(gone, HIP.quote))
    assert "更强化海关" in str(edited.value(new, HIP.quote))
