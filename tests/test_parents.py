"""The curated parent documents: every fact sourced, unknowns kept as data, bad files refused."""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.curated.parents import load_parent, load_parents
from heze_ip_kg.errors import InputError
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, RDF, RDFS
from tests.conftest import HEZE, ROOT

ID = "https://w3id.org/heze-ip-kg/id/"
PARENTS = ROOT / "data" / "parents"
RESEARCH = ROOT / "docs" / "research" / "parent-documents.md"


def doc(slug: str) -> URIRef:
    return URIRef(ID + slug)


def test_four_parent_documents_with_titles(graph: Graph) -> None:
    titles = {
        "shandong-ip-plan-14fyp": "山东省“十四五”知识产权保护和运用规划",
        "shandong-ip-outline-2021-2035": "山东省知识产权强省建设纲要(2021—2035年)",
        "national-ip-plan-14fyp": "“十四五”国家知识产权保护和运用规划",
        # From its full text; the sources' spelling stays an alternative title.
        "national-ip-outline-2021-2035": "知识产权强国建设纲要（2021－2035年）",
    }
    for slug, title in titles.items():
        assert (doc(slug), RDF.type, HIP.Plan) in graph
        assert list(graph.objects(doc(slug), DCTERMS.title)) == [Literal(title, lang="zh")]
    outline = doc("national-ip-outline-2021-2035")
    assert (
        outline,
        DCTERMS.alternative,
        Literal("知识产权强国建设纲要(2021—2035年)", lang="zh"),
    ) in graph


def test_based_on_as_the_sources_state_it(graph: Graph) -> None:
    assert set(graph.objects(URIRef(HEZE), ELI.based_on)) == {
        doc("shandong-ip-plan-14fyp"),
        doc("shandong-ip-outline-2021-2035"),
    }
    assert set(graph.objects(doc("national-ip-plan-14fyp"), ELI.based_on)) >= {
        doc("national-ip-outline-2021-2035")
    }
    shandong_basis = list(graph.objects(doc("shandong-ip-plan-14fyp"), ELI.based_on))
    assert len(shandong_basis) == 1
    assert "山东省国民经济和社会发展第十四个五年规划和2035年远景目标纲要" in {
        str(t) for t in graph.objects(shandong_basis[0], HIP.citedTitle)
    }


def test_every_curated_url_is_in_the_research_file() -> None:
    research = RESEARCH.read_text(encoding="utf-8")
    urls: set[str] = set()

    def collect(node: object) -> None:
        if isinstance(node, dict):
            urls.update(v for k, v in node.items() if k == "url")
            for v in node.values():
                collect(v)
        elif isinstance(node, list):
            for v in node:
                collect(v)

    for path in PARENTS.glob("*.yaml"):
        collect(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert urls
    missing = sorted(u for u in urls if u not in research)
    assert missing == []


def test_every_curated_parent_element_cites_a_url(graph: Graph) -> None:
    # The national outline's elements come from its full text (tests/test_outline.py).
    for slug in (
        "shandong-ip-plan-14fyp",
        "shandong-ip-outline-2021-2035",
        "national-ip-plan-14fyp",
    ):
        elements = {s for s in graph.subjects(DCTERMS.isPartOf, doc(slug))}
        assert elements
        for element in elements:
            citations = list(graph.objects(element, HIP.citation))
            assert citations, element
            for citation in citations:
                url = graph.value(citation, DCTERMS.source)
                assert str(url).startswith("http"), element
                assert graph.value(citation, HIP.reliability) is not None


def value(graph: Graph, subject: URIRef, prop: URIRef) -> object:
    found = graph.value(subject, prop)
    return found.toPython() if isinstance(found, Literal) else found


@pytest.mark.parametrize(
    ("element", "baseline", "target"),
    [
        ("national-ip-plan-14fyp/indicator-1", "6.3", "12"),
        ("national-ip-plan-14fyp/indicator-2", "40000", "90000"),
        ("national-ip-plan-14fyp/indicator-4", "3194.4", "3500"),
        ("national-ip-plan-14fyp/indicator-7", "80.05", "82"),
        ("national-ip-plan-14fyp/indicator-3", None, None),
        ("shandong-ip-plan-14fyp/indicator-1", None, "10"),
        ("shandong-ip-plan-14fyp/indicator-2", None, "400"),
        ("shandong-ip-outline-2021-2035/indicator-2", None, "12"),
        ("national-ip-outline-2021-2035/indicator-4", None, "12"),
    ],
)
def test_indicator_values_as_seen_and_nothing_more(
    graph: Graph, element: str, baseline: str | None, target: str | None
) -> None:
    iri = URIRef(ID + element)
    assert (iri, RDF.type, HIP.Indicator) in graph
    expected_base = Decimal(baseline) if baseline else None
    expected_target = Decimal(target) if target else None
    assert value(graph, iri, HIP.baselineValue) == expected_base
    assert value(graph, iri, HIP.targetValue) == expected_target


def test_known_unknowns_are_data(graph: Graph) -> None:
    def count(slug: str, cls: str) -> tuple[object, object]:
        node = URIRef(f"{ID}{slug}/count/{cls}")
        return value(graph, node, HIP.declaredCount), value(graph, node, HIP.encodedCount)

    assert count("shandong-ip-plan-14fyp", "Task") == (7, 1)
    assert count("shandong-ip-plan-14fyp", "KeyProject") == (6, 6)
    assert count("shandong-ip-plan-14fyp", "Principle") == (4, 3)
    assert count("national-ip-plan-14fyp", "KeyProject") == (15, 1)
    assert count("national-ip-plan-14fyp", "Indicator") == (8, 8)
    assert count("shandong-ip-outline-2021-2035", "TaskArea") == (6, 3)
    assert value(graph, doc("shandong-ip-plan-14fyp"), HIP.documentNumber) is None
    unknown = " ".join(
        str(o) for o in graph.objects(doc("shandong-ip-plan-14fyp"), HIP.unknownFact)
    )
    assert "文号" in unknown
    assert value(graph, doc("national-ip-plan-14fyp"), HIP.documentNumber) == "国发〔2021〕20号"


def test_six_shandong_projects_and_three_principles(graph: Graph) -> None:
    projects = sorted(
        str(graph.value(s, RDFS.label))
        for s in graph.subjects(RDF.type, HIP.KeyProject)
        if str(s).startswith(ID + "shandong-ip-plan-14fyp/")
    )
    assert len(projects) == 6
    principles = {
        str(o)
        for s in graph.subjects(RDF.type, HIP.Principle)
        if str(s).startswith(ID + "shandong-ip-plan-14fyp/")
        for o in graph.objects(s, RDFS.label)
        if o.language == "zh"
    }  # type: ignore[attr-defined]
    assert principles == {"坚持市场导向", "坚持质量优先", "坚持统筹协调"}


def _broken(tmp_path: Path, edit: str) -> Path:
    path = tmp_path / "shandong-ip-plan-14fyp.yaml"
    data = yaml.safe_load((PARENTS / path.name).read_text(encoding="utf-8"))
    if edit == "unknown-key":
        data["elements"][0]["lable"] = "x"
    elif edit == "no-sources":
        data["elements"][1]["sources"] = []
    elif edit == "bad-reliability":
        data["elements"][1]["sources"][0]["reliability"] = "blog"
    elif edit == "duplicate-id":
        data["elements"][2]["id"] = data["elements"][1]["id"]
    elif edit == "missing-parent":
        data["elements"][1]["parent"] = "task-area-9"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("unknown-key", "elements[1]: unknown key(s) lable"),
        ("no-sources", "elements[2]: 'sources' must be a non-empty list"),
        ("bad-reliability", "elements[2]: sources[1]: reliability must be one of"),
        ("duplicate-id", "elements[3]: duplicate id"),
        ("missing-parent", "elements[2]: parent 'task-area-9' is not an element"),
    ],
)
def test_broken_parent_file_names_file_and_element(tmp_path: Path, edit: str, message: str) -> None:
    path = _broken(tmp_path, edit)
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        load_parent(path)
    assert str(path) in str(caught.value)


def test_based_on_an_unknown_document_is_refused(tmp_path: Path) -> None:
    for path in PARENTS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "national-ip-outline-2021-2035.yaml").unlink()
    with pytest.raises(InputError, match="unknown document 'national-ip-outline-2021-2035'"):
        load_parents(tmp_path)
