"""The query catalogue: headers, safe parameters, and an expected result for every query."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from heze_ip_kg.errors import HezeIpKgError, InputError
from heze_ip_kg.query.backends import OxigraphBackend
from heze_ip_kg.query.execute import Table, list_queries, load_query, run_query
from heze_ip_kg.vocab.namespaces import HIP, RDF
from tests.conftest import ROOT

EXPECTED = Path(__file__).resolve().parent / "queries"
NAMES = sorted(p.stem for p in (ROOT / "queries").glob("*.rq"))


def to_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.vars)
    writer.writerows(sorted(["" if c is None else c for c in row] for row in table.rows))
    return out.getvalue()


def as_named_graph(graph: Graph, iri: str) -> Dataset:
    """``graph`` as the named graph ``iri`` of a dataset (for queries that use GRAPH)."""
    dataset = Dataset()
    named = dataset.graph(URIRef(iri))
    for triple in graph:
        named.add(triple)
    return dataset


@pytest.mark.parametrize("name", NAMES)
def test_query_returns_its_expected_rows(graph: Graph, name: str, update_snapshots: bool) -> None:
    query = load_query(name)
    if "GRAPH ?" in query.text:  # a query about named graphs: the graph as the default param's
        graph = as_named_graph(graph, query.params[0].default or "")
    table = run_query(query, graph)
    expected = EXPECTED / f"{name}.expected.csv"
    if update_snapshots:
        expected.write_text(to_csv(table), encoding="utf-8")
    assert expected.is_file(), f"no expected result for {name}: run pytest --update-snapshots"
    assert to_csv(table) == expected.read_text(encoding="utf-8")
    if name.startswith("check-"):
        assert table.rows == (), "a check query must return no rows on the built graph"
    else:
        assert table.rows, "an expected result must not be empty"


CHECKS = sorted(n for n in NAMES if n.startswith("check-"))


@pytest.mark.parametrize("name", CHECKS)
def test_check_query_fails_on_its_fixture(name: str) -> None:
    fixture = EXPECTED / f"{name}.invalid.ttl"
    assert fixture.is_file(), f"every check query needs a failing fixture: {fixture.name}"
    graph = Graph().parse(fixture)
    table = run_query(load_query(name), graph)
    assert table.rows
    # The fast path runs the same checks on Oxigraph: the same rows there.
    assert sorted(OxigraphBackend(graph).select(load_query(name)).rows) == sorted(table.rows)


def test_no_query_without_a_test_and_no_orphan_expectation() -> None:
    assert sorted(p.name.removesuffix(".expected.csv") for p in EXPECTED.glob("*.csv")) == NAMES
    fixtures = sorted(p.name.removesuffix(".invalid.ttl") for p in EXPECTED.glob("*.invalid.ttl"))
    assert fixtures == sorted(n for n in NAMES if n.startswith("check-"))


@pytest.mark.parametrize("name", NAMES)
def test_header_is_complete(name: str) -> None:
    query = load_query(name)
    assert query.title
    assert query.description_en
    assert any("\u4e00" <= c <= "\u9fff" for c in query.description_zh)
    assert name.startswith(query.kind + "-")


def test_list_queries_covers_the_folder() -> None:
    assert [q.name for q in list_queries()] == NAMES


def test_parameters_are_bound_as_terms_not_pasted(graph: Graph) -> None:
    query = load_query("report-local-initiatives")
    hostile = "https://w3id.org/heze-ip-kg/id/heze-ip-plan-14fyp> } UNION { ?s ?p ?o"
    with pytest.raises(InputError, match="child must be an IRI"):
        run_query(query, graph, {"child": hostile})
    other = run_query(
        query, graph, {"child": "https://w3id.org/heze-ip-kg/id/national-ip-plan-14fyp"}
    )
    assert other.rows == ()


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("no-such-query", {}, "unknown query 'no-such-query'"),
        ("report-coverage", {"kid": "x"}, "unknown parameter(s) kid"),
        ("../etc/passwd", {}, "unknown query"),
    ],
)
def test_query_errors_are_one_line(
    graph: Graph, name: str, params: dict[str, str], message: str
) -> None:
    with pytest.raises(HezeIpKgError) as caught:
        run_query(load_query(name), graph, params)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_table_as_dicts(graph: Graph) -> None:
    table = run_query(load_query("report-local-initiatives"), graph)
    first = table.as_dicts()[0]
    assert list(first) == ["element", "class", "label", "reason"]
    assert first["label"] == "著作权作品登记数量"


def test_table_as_dataframe(graph: Graph) -> None:
    frame = run_query(load_query("report-indicators"), graph).to_dataframe()
    assert list(frame["label"])[:2] == ["每万人口高价值发明专利拥有量", "海外发明专利授权量"]
    assert frame.shape == (6, 10)


def test_missing_parameter_is_a_one_line_error(graph: Graph) -> None:
    from heze_ip_kg.query.execute import Param, Query

    query = Query(
        "needs-x",
        "t",
        "d",
        "d",
        "report",
        (Param("x", "iri", None, "an element"),),
        "SELECT ?x WHERE { ?x ?p ?o }",
    )
    with pytest.raises(InputError, match=r"missing parameter 'x' \(an element\)"):
        run_query(query, graph)


def test_coverage_of_all_children_holds_each_childs_coverage(graph: Graph) -> None:
    """The all-children form gives, for the Heze plan, exactly report-coverage's rows."""
    every = run_query(load_query("report-coverage-all"), graph)
    heze = "https://w3id.org/heze-ip-kg/id/heze-ip-plan-14fyp"
    mine = sorted(row[1:] for row in every.rows if row[0] == heze)
    alone = run_query(load_query("report-coverage"), graph, {"child": heze})
    assert mine == sorted(row[:-1] for row in alone.rows)  # report-coverage adds notEncoded
    assert len({row[0] for row in every.rows}) >= 3  # other children too


def test_chains_of_all_cities_hold_each_starts_chain(graph: Graph) -> None:
    """The all-cities form gives, for each Heze indicator, exactly trace-chain's rows."""
    every = run_query(load_query("trace-chain-all"), graph)
    starts = sorted({row[0] for row in every.rows})
    heze = "https://w3id.org/heze-ip-kg/id/heze-ip-plan-14fyp"
    assert {row[1] for row in every.rows} == {heze}  # the project's only municipal plan
    implementing = {
        str(s)
        for s in graph.subjects(RDF.type, HIP.Indicator)
        if (s, HIP.inDocument, URIRef(heze)) in graph and graph.value(s, HIP.implements)
    }
    assert starts == sorted(implementing)
    assert len(starts) == 4  # of its 6 indicators, 2 are its own
    for start in starts:
        alone = run_query(load_query("trace-chain"), graph, {"start": start or ""})
        assert sorted(row[2:] for row in every.rows if row[0] == start) == sorted(alone.rows)


def test_indicator_comparison_of_all_children_holds_each_childs(graph: Graph) -> None:
    """The all-children form gives, for each child document, report-indicator-comparison's rows."""
    every = run_query(load_query("report-indicator-comparison-all"), graph)
    children = sorted({row[0] or "" for row in every.rows})
    assert len(children) >= 3  # Heze and the provinces' documents
    for child in children:
        alone = run_query(load_query("report-indicator-comparison"), graph, {"child": child})
        assert sorted(row[1:] for row in every.rows if row[0] == child) == sorted(alone.rows)
