"""The graph built from the official text: elements, values, provenance, determinism, variants."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import unicodedata
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef

from heze_ip_kg.build.plan import DocumentSettings, build_graph
from heze_ip_kg.parse import read_plan
from heze_ip_kg.pipeline import load_project
from heze_ip_kg.rdfio.dumps import serialize
from heze_ip_kg.vocab.namespaces import DCTERMS, ELI, HIP, OA, RDF, RDFS, SKOS, XSD
from heze_ip_kg.vocab.owned import is_owned
from tests.conftest import DATA, HEZE, ROOT, SEED
from tests.isomorphism import same_graph
from tests.make_variants import variants

ELEMENT_CLASSES = (
    "Part",
    "GuidingIdea",
    "Principle",
    "Objective",
    "Indicator",
    "TaskArea",
    "Task",
    "KeyProject",
    "Safeguard",
)


def iri(path: str) -> URIRef:
    return URIRef(f"{HEZE}/{path}" if path else HEZE)


def value(graph: Graph, subject: URIRef, prop: URIRef, lang: str | None = None) -> object:
    values = [
        o
        for o in graph.objects(subject, prop)
        if lang is None or getattr(o, "language", None) == lang
    ]
    assert len(values) == 1, (subject, prop, values)
    return values[0].toPython() if isinstance(values[0], Literal) else values[0]


def test_exact_element_counts(graph: Graph) -> None:
    heze = {s for s in graph.subjects(RDF.type, None) if str(s).startswith(HEZE + "/")}
    counts = Counter(str(o).rsplit("#", 1)[-1] for s in heze for o in graph.objects(s, RDF.type))
    assert {c: counts[c] for c in ELEMENT_CLASSES} == {
        "Part": 4,
        "GuidingIdea": 1,
        "Principle": 4,
        "Objective": 1,
        "Indicator": 6,
        "TaskArea": 5,
        "Task": 14,
        "KeyProject": 6,
        "Safeguard": 3,
    }
    assert (iri(""), RDF.type, HIP.Plan) in graph
    assert (iri("notice"), RDF.type, HIP.Notice) in graph
    assert (iri("notice"), HIP.promulgates, iri("")) in graph


def test_every_element_has_labels_text_notation_order_and_parent(graph: Graph) -> None:
    for cls in ELEMENT_CLASSES:
        for element in graph.subjects(RDF.type, HIP[cls]):
            if not str(element).startswith(HEZE + "/"):
                continue
            langs = sorted(o.language for o in graph.objects(element, RDFS.label))  # type: ignore[attr-defined]
            assert langs == ["en", "zh"], element
            en = value(graph, element, RDFS.label, "en")
            assert "no curated translation" not in str(en), element
            assert value(graph, element, HIP.order)
            assert value(graph, element, DCTERMS.isPartOf)
            if cls != "Indicator":
                assert value(graph, element, SKOS.notation)
            if cls != "Part":
                assert value(graph, element, HIP.text, "zh")


def test_hierarchical_iris_and_labels(graph: Graph) -> None:
    task = iri("part-2/task-area-1/task-2")
    assert value(graph, task, RDFS.label, "zh") == "强化知识产权司法保护"
    assert (
        value(graph, task, RDFS.label, "en")
        == "Reinforce judicial protection of intellectual property"
    )
    assert value(graph, task, SKOS.notation) == "2."
    assert value(graph, task, DCTERMS.isPartOf) == iri("part-2/task-area-1")
    assert value(graph, iri("part-2/task-area-1"), DCTERMS.isPartOf) == iri("part-2")
    assert value(graph, iri("part-2"), DCTERMS.isPartOf) == iri("")
    assert value(graph, iri("part-1/section-2/principle-4"), RDFS.label, "zh") == "坚持开放合作"
    assert value(graph, iri("part-3/key-project-6"), RDFS.label, "zh") == "实施版权创新发展工程"
    assert value(graph, iri("part-4/safeguard-1"), RDFS.label, "zh") == "加强组织领导"
    assert value(graph, iri("part-1/guiding-idea-1"), RDFS.label, "zh") == "指导思想"
    assert value(graph, iri("part-1/objective-3"), RDFS.label, "zh") == "主要目标"


def test_inferred_parts_say_so(graph: Graph) -> None:
    for n, (zh, en) in enumerate(
        [
            ("总体要求", "General requirements"),
            ("重点任务", "Key tasks"),
            ("重点工程", "Key projects"),
            ("保障措施", "Safeguards"),
        ],
        1,
    ):
        part = iri(f"part-{n}")
        assert value(graph, part, RDFS.label, "zh") == zh
        assert value(graph, part, RDFS.label, "en") == en
        assert value(graph, part, HIP.inferred) is True
        assert "numbering restarts" in str(value(graph, part, HIP.inferenceNote, "en"))
        assert "原文缺少此部分标题" in str(value(graph, part, HIP.inferenceNote, "zh"))


INDICATORS = [
    ("每万人口高价值发明专利拥有量", "0.87", "1.75", "piece"),
    ("海外发明专利授权量", "9", "18", "piece"),
    ("知识产权质押融资金额", "0.5", "3", "hundred-million-yuan"),
    ("知识产权保护社会满意度", "80", "85", "percent"),
    ("著作权作品登记数量", "200", "10000", "piece"),
    ("有效注册商标量", "69000", "120000", "piece"),
]


@pytest.mark.parametrize(
    ("n", "row"), list(enumerate(INDICATORS, 1)), ids=[r[0] for r in INDICATORS]
)
def test_indicator_values(graph: Graph, n: int, row: tuple[str, str, str, str]) -> None:
    name, baseline, target, unit = row
    ind = iri(f"part-1/objective-3/indicator-table/indicator-{n}")
    assert (ind, RDF.type, HIP.Indicator) in graph
    assert value(graph, ind, RDFS.label, "zh") == name
    assert value(graph, ind, HIP.baselineValue) == Decimal(baseline)
    assert value(graph, ind, HIP.targetValue) == Decimal(target)
    for prop, text in ((HIP.baselineValue, baseline), (HIP.targetValue, target)):
        # Typed by value, as SPARQL stores give numbers back: whole numbers xsd:integer.
        literal = next(graph.objects(ind, prop))
        assert (str(literal), literal.datatype) == (  # type: ignore[attr-defined]
            text,
            XSD.decimal if "." in text else XSD.integer,
        )
    assert next(graph.objects(ind, HIP.baselineYear)) == Literal("2020", datatype=XSD.gYear)
    assert next(graph.objects(ind, HIP.targetYear)) == Literal("2025", datatype=XSD.gYear)
    assert value(graph, ind, HIP.unit) == URIRef(
        f"https://w3id.org/heze-ip-kg/id/concept/unit/{unit}"
    )
    assert value(graph, ind, HIP.nature) == URIRef(
        "https://w3id.org/heze-ip-kg/id/concept/nature/expected"
    )


def test_each_concept_has_one_preferred_label_per_language(graph: Graph) -> None:
    labels = Counter(
        (s, o.language) for s, o in graph.subject_objects(SKOS.prefLabel) if isinstance(o, Literal)
    )
    assert [key for key, n in labels.items() if n > 1] == []  # SKOS integrity condition S14
    percent = URIRef("https://w3id.org/heze-ip-kg/id/concept/unit/percent")
    assert graph.value(percent, SKOS.prefLabel) in (
        Literal("百分比", lang="zh"),
        Literal("percent", lang="en"),
    )
    assert set(graph.objects(percent, SKOS.altLabel)) == {Literal("%", lang="zh")}


def test_notice_metadata(graph: Graph) -> None:
    notice = iri("notice")
    assert value(graph, notice, HIP.documentNumber) == "菏政办字〔2022〕52号"
    assert value(graph, notice, HIP.indexNumber) == "11371700004478191J/2022-20853"
    assert value(graph, notice, HIP.issuerName) == "菏泽市人民政府办公室"
    assert value(graph, notice, HIP.category) == "政府办公室文件"
    assert value(graph, notice, HIP.validityStatus) == "有效"
    assert str(value(graph, notice, ELI.date_document)) == "2022-10-31"
    assert str(value(graph, notice, ELI.date_publication)) == "2022-10-31"
    assert value(graph, notice, HIP.approvedAt) == "市政府第13次常务会议"
    assert str(value(graph, notice, HIP.approvalDate)) == "2022-10-31"
    assert value(graph, notice, HIP.publiclyReleased) is True
    assert len(list(graph.objects(notice, HIP.addressee))) == 4


def test_plan_cites_both_shandong_documents(graph: Graph) -> None:
    parents = sorted(str(o) for o in graph.objects(iri(""), ELI.based_on))
    assert len(parents) == 2
    cited = sorted(str(t) for p in parents for t in graph.objects(URIRef(p), HIP.citedTitle))
    assert cited == [
        "山东省“十四五”知识产权保护和运用规划",
        "山东省知识产权强省建设纲要(2021-2035年)",
    ]
    assert value(graph, iri(""), DCTERMS.title, "zh") == "菏泽市“十四五”知识产权保护和运用规划"
    assert "taken from the notice" in str(value(graph, iri(""), HIP.inferenceNote, "en"))


def _spans(graph: Graph) -> dict[URIRef, tuple[int, int]]:
    """The spans into the Heze plan's source (the outline's are in tests/test_outline.py)."""
    found = {}
    for subject, target in graph.subject_objects(HIP.source):
        if next(graph.objects(target, OA.hasSource)) != iri("source"):
            continue
        selector = next(graph.objects(target, OA.hasSelector))
        start = next(graph.objects(selector, OA.start)).toPython()  # type: ignore[attr-defined]
        end = next(graph.objects(selector, OA.end)).toPython()  # type: ignore[attr-defined]
        assert is_owned(target, subject)  # named under its owner
        assert selector == URIRef(f"{target}/selector")
        assert (target, RDF.type, OA.SpecificResource) in graph
        assert (selector, RDF.type, OA.TextPositionSelector) in graph
        found[subject] = (start, end)
    return found


def test_source_offsets_slice_to_the_text(graph: Graph, seed_text: str) -> None:
    spans = _spans(graph)
    texts = 0
    for subject, (start, end) in spans.items():
        for text in graph.objects(subject, HIP.text):
            assert seed_text[start:end] == str(text)
            texts += 1
    assert texts == 1 + 4 + 1 + 1 + 1 + 1 + 6 + 5 + 14 + 6 + 3  # preamble … safeguards
    source = iri("source")
    assert value(graph, source, HIP.fileName) == "000_5c974d2b1e7beda6.txt"
    assert value(graph, source, HIP.sha256) == (
        "5d35fd7095c2248dcd6c5b4c3e17d924aa134d9202c5a000e7956e8204fe88af"
    )


def test_element_spans_partition_the_body(graph: Graph, seed_text: str) -> None:
    spans = sorted(
        span
        for subject, span in _spans(graph).items()
        if isinstance(subject, URIRef) and (subject, HIP.text, None) in graph
    )
    start, end = spans[0][0], spans[-1][1]
    assert seed_text[start:].startswith("为深入贯彻")
    assert seed_text[:end].endswith("及时总结推广典型经验做法。")
    for (_, a_end), (b_start, _) in itertools.pairwise(spans):
        assert a_end <= b_start
        assert not seed_text[a_end:b_start].strip()


def test_dumps_are_byte_identical_across_processes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "heze_ip_kg", "build", "-o", str(out)],
            check=True,
            env=env,
            cwd=ROOT,
            capture_output=True,
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert sorted(outputs[0]) == [
        ".heze-ip-kg",
        "heze-ip-kg.jsonld",
        "heze-ip-kg.nt",
        "heze-ip-kg.ttl",
    ]
    assert outputs[0] == outputs[1]


def test_the_build_dumps_have_no_blank_nodes(tmp_path: Path) -> None:
    """Every node has an IRI (``vocab.owned``): spans, selectors and citations included."""
    subprocess.run(
        [sys.executable, "-m", "heze_ip_kg", "build", "-o", str(tmp_path)],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    for name, fmt in [("nt", "nt"), ("ttl", "turtle"), ("jsonld", "json-ld")]:
        dump = Graph().parse(tmp_path / f"heze-ip-kg.{name}", format=fmt)
        assert len(dump) > 9000, name
        assert not {t for triple in dump for t in triple if isinstance(t, BNode)}, name
        selectors = set(dump.subjects(RDF.type, OA.TextPositionSelector))
        assert len(selectors) == len(set(dump.objects(None, HIP.source))) > 200, name
    assert b"_:" not in (tmp_path / "heze-ip-kg.nt").read_bytes()


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_dumps_round_trip(graph: Graph, fmt: str, rdflib_format: str) -> None:
    again = Graph().parse(data=serialize(graph, fmt), format=rdflib_format)
    assert same_graph(graph, again)


def test_same_graph_notices_a_change_inside_a_selector(graph: Graph) -> None:
    changed = Graph()
    changed += graph
    selector = next(changed.subjects(RDF.type, OA.TextPositionSelector))
    start = changed.value(selector, OA.start)
    changed.set((selector, OA.start, Literal(int(start) + 1, datatype=XSD.nonNegativeInteger)))
    assert not same_graph(graph, changed)
    assert same_graph(graph, Graph().parse(data=serialize(graph, "nt"), format="nt"))


def _projection(graph: Graph) -> set[tuple[str, str, str]]:
    """What must not change across reformatting: elements, labels, numbering, values, metadata."""
    skip = {HIP.source, HIP.inferred, HIP.inferenceNote, HIP.sha256, HIP.encoding, HIP.citation}
    parts = set(graph.subjects(RDF.type, HIP.Part))

    def norm(term: object) -> str:
        return "".join(unicodedata.normalize("NFKC", str(term)).split())

    return {
        (str(s), str(p), norm(o))
        for s, p, o in graph
        if isinstance(s, URIRef)
        and "#" not in s  # a node an element owns (a span, a citation): offsets differ by design
        and p not in skip
        and not (s in parts and p == HIP.text)
        and not str(s).endswith("/source")  # the file itself differs by design
    }


@pytest.mark.parametrize("name", sorted(variants()))
def test_variants_give_the_same_graph(graph: Graph, name: str) -> None:
    encoding = "gb18030" if "gb18030" in name else "utf-8"
    project = load_project()
    settings = DocumentSettings("heze-ip-plan-14fyp", "municipal", project.sources[0].settings.url)
    original = build_graph(read_plan(SEED), settings, project.vocabulary)
    variant = build_graph(
        read_plan(DATA / "variants" / name, encoding=encoding), settings, project.vocabulary
    )
    a, b = _projection(original), _projection(variant)
    if "restored" in name:  # the restored title line is read, so the plan's inference note goes
        b = {t for t in b if t[1] != str(HIP.inferenceNote)}
    assert a == b
