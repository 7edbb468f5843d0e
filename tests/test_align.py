"""The aligner and the reviewed decisions: every Heze measure decided, the aligner measured."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from heze_ip_kg.align.proposals import normalise, propose_alignments, shared_phrases
from heze_ip_kg.cli.main import main
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus
from heze_ip_kg.curated.alignments import load_decisions
from heze_ip_kg.errors import InputError
from heze_ip_kg.pipeline import BuildResult, build_all, build_documents, load_project
from heze_ip_kg.vocab.namespaces import HIP, RDF, RDFS, enclosing_document
from tests.conftest import HEZE, ROOT

ID = "https://w3id.org/heze-ip-kg/id/"
OUTLINE = ID + "national-ip-outline-2021-2035"
REVIEWED_CLASSES = ("Principle", "Indicator", "Task", "KeyProject", "Safeguard")
HEZE_CLASSES = ("GuidingIdea", "Objective", "TaskArea", *REVIEWED_CLASSES)
# Measured on the reviewed decisions; README.md quotes these figures. "new": the decisions
# against the national outline's full text (issue 15); "old": those against the other parents,
# which are still curated snippets.
MEASURED = {
    "new": (0.923, 0.387, 24, 26, 62),
    "old": (0.917, 0.702, 33, 36, 47),
}
NEAR_VERBATIM_PAIRS = 47


@pytest.fixture(scope="module")
def result() -> BuildResult:
    return build_all(load_project())


def heze_elements(graph: Graph, cls: str) -> list[URIRef]:
    return sorted(
        s
        for s in graph.subjects(RDF.type, HIP[cls])
        if isinstance(s, URIRef) and str(s).startswith(HEZE + "/")
    )


@pytest.mark.parametrize("cls", REVIEWED_CLASSES)
def test_every_heze_measure_has_a_reviewed_decision(result: BuildResult, cls: str) -> None:
    graph = result.graph
    confirmed = {d.child for d in result.decisions if d.status == "confirmed"}
    for element in heze_elements(graph, cls):
        assert element in confirmed, element
        parents = list(graph.objects(element, HIP.implements))
        local = (element, RDF.type, HIP.LocalInitiative) in graph
        assert bool(parents) != local, element
        if local:
            assert graph.value(element, HIP.localInitiativeReason) is not None
    for decision in result.decisions:
        if decision.status == "confirmed" and decision.relation == "implements":
            assert decision.evidence, decision


def test_every_heze_element_is_decided_against_the_full_outline(result: BuildResult) -> None:
    decided = {
        d.child
        for d in result.decisions
        if d.parent is not None and str(d.parent).startswith(OUTLINE + "/")
    }
    elements = [e for cls in HEZE_CLASSES for e in heze_elements(result.graph, cls)]
    assert len(elements) == 40
    assert [e for e in elements if e not in decided] == []
    # Projects carry out the outline's tasks (its projects are named inside them).
    assert (
        URIRef(f"{HEZE}/part-3/key-project-2"),
        HIP.implements,
        URIRef(f"{OUTLINE}/task-area-3/task-12"),
    ) in result.graph


def test_principles_and_projects_link_to_the_shandong_plan(result: BuildResult) -> None:
    graph = result.graph
    for n in (1, 2, 3):
        child = URIRef(f"{HEZE}/part-1/section-2/principle-{n}")
        assert (child, HIP.implements, URIRef(f"{ID}shandong-ip-plan-14fyp/principle-{n}")) in graph
    for n in range(1, 7):
        child = URIRef(f"{HEZE}/part-3/key-project-{n}")
        assert (
            child,
            HIP.implements,
            URIRef(f"{ID}shandong-ip-plan-14fyp/key-project-{n}"),
        ) in graph


def test_high_value_patent_indicator_reaches_province_and_nation(result: BuildResult) -> None:
    graph = result.graph
    heze = URIRef(f"{HEZE}/part-1/objective-3/indicator-table/indicator-1")
    linked = set(graph.objects(heze, HIP.implements))
    shandong = URIRef(ID + "shandong-ip-plan-14fyp/indicator-1")
    nation = URIRef(ID + "national-ip-plan-14fyp/indicator-1")
    assert {shandong, nation} <= linked
    assert str(graph.value(shandong, HIP.targetValue)) == "10"
    assert (
        str(graph.value(nation, HIP.baselineValue)),
        str(graph.value(nation, HIP.targetValue)),
    ) == ("6.3", "12")
    assert graph.query(
        f"ASK {{ <{heze}> <{HIP.implements}>+ <{ID}national-ip-outline-2021-2035/indicator-4> }}"
    ).askAnswer


def test_local_initiatives(result: BuildResult) -> None:
    local = sorted(
        str(s)[len(HEZE) + 1 :] for s in result.graph.subjects(RDF.type, HIP.LocalInitiative)
    )
    # The 2025 goal and IP finance were local initiatives until the outline's full text showed
    # their national counterparts.
    assert local == [
        "part-1/objective-3/indicator-table/indicator-5",
        "part-1/objective-3/indicator-table/indicator-6",
    ]


def test_only_confirmed_decisions_become_implements(result: BuildResult) -> None:
    graph = result.graph
    implemented = set(graph.subject_objects(HIP.implements))
    confirmed = {
        (d.child, d.parent)
        for d in result.decisions
        if d.status == "confirmed" and d.parent is not None
    }
    assert implemented == confirmed
    rejected = [d for d in result.decisions if d.status == "rejected"]
    assert rejected
    for decision in rejected:
        assert (decision.child, HIP.implements, decision.parent) not in graph
    statuses = {
        str(graph.value(a, HIP.reviewStatus)).rsplit("/", 1)[-1]
        for a in graph.subjects(RDF.type, HIP.Alignment)
    }
    assert statuses == {"confirmed", "rejected"}


def _document(result: BuildResult, iri: URIRef) -> str:
    documents = {str(d): str(d) for d in result.graph.subjects(RDF.type, HIP.Plan)}
    found = enclosing_document(str(iri), documents)
    assert found is not None, iri
    return found


def _near_verbatim(result: BuildResult) -> Iterator[tuple[URIRef, URIRef]]:
    graph = result.graph

    def label(iri: URIRef) -> str:
        return next(str(o) for o in graph.objects(iri, RDFS.label) if o.language == "zh")  # type: ignore[attr-defined]

    for d in result.decisions:
        if d.status == "confirmed" and d.parent is not None:
            a, b = sorted((normalise(label(d.child)), normalise(label(d.parent))), key=len)
            if a == b or (len(a) >= 4 and a in b):
                yield d.child, d.parent


def test_aligner_ranks_near_verbatim_counterparts_first(result: BuildResult) -> None:
    pairs = list(_near_verbatim(result))
    assert len(pairs) == NEAR_VERBATIM_PAIRS
    for child, parent in pairs:
        document = _document(result, parent)
        ranked = sorted(
            (
                p
                for p in result.proposals
                if p.child == child and _document(result, p.parent) == document
            ),
            key=lambda p: -p.score,
        )
        assert ranked, (child, parent)
        right = {
            d.parent
            for d in result.decisions
            if d.child == child
            and d.status == "confirmed"
            and d.parent is not None
            and _document(result, d.parent) == document
        }
        assert ranked[0].parent in right, (child, parent, ranked[0])


@pytest.mark.parametrize("which", sorted(MEASURED))
def test_aligner_precision_and_recall(result: BuildResult, which: str) -> None:
    def counted(parent: URIRef) -> bool:
        return (_document(result, parent) == OUTLINE) == (which == "new")

    best: dict[tuple[URIRef, str], tuple[float, URIRef]] = {}
    for p in result.proposals:
        if not counted(p.parent):
            continue
        key = (p.child, _document(result, p.parent))
        if key not in best or float(p.score) > best[key][0]:
            best[key] = (float(p.score), p.parent)
    top = {(child, parent) for (child, _), (_, parent) in best.items()}
    confirmed = {
        (d.child, d.parent)
        for d in result.decisions
        if d.status == "confirmed" and d.parent is not None and counted(d.parent)
    }
    hits = len(top & confirmed)
    precision, recall = hits / len(top), hits / len(confirmed)
    print(
        f"aligner top-1 ({which}): precision {precision:.3f}, recall {recall:.3f} "
        f"({hits} of {len(top)} proposals, {len(confirmed)} confirmed links)"
    )
    expected = MEASURED[which]
    assert (round(precision, 3), round(recall, 3), hits, len(top), len(confirmed)) == expected
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"precision {expected[0]:.3f}, recall {expected[1]:.3f}" in readme


def test_shared_phrases_prefer_long_distinctive_matches() -> None:
    assert shared_phrases("实施地理标志保护运用工程", "地理标志保护运用工程") == [
        "地理标志保护运用"
    ]
    assert normalise("加强知识产权行政保护。") == "行政保护"


def _every_end(a: str, b: str, minimum: int = 2) -> list[str]:
    """The first implementation of shared_phrases (every end tried, longest first): the oracle."""
    x, y = normalise(a), normalise(b)
    found: set[str] = set()
    for i in range(len(x)):
        for j in range(len(x), i + minimum - 1, -1):
            if x[i:j] in y:
                if not any(x[i:j] in f for f in found):
                    found.add(x[i:j])
                break
    return sorted(found, key=lambda p: (-len(p), p))


# Few distinct characters, so the texts share many phrases of every length.
_TEXT = st.text(alphabet="专利导航保护标志，。知识产权", max_size=40)


@given(_TEXT, _TEXT)
def test_shared_phrases_match_trying_every_end(a: str, b: str) -> None:
    assert shared_phrases(a, b) == _every_end(a, b)
    assert shared_phrases(a, b, minimum=3) == _every_end(a, b, minimum=3)


def _alignments_with(tmp_path: Path, row: str) -> Path:
    folder = tmp_path / "alignments"
    folder.mkdir()
    source = ROOT / "data" / "alignments" / "heze-ip-plan-14fyp.csv"
    (folder / source.name).write_text(
        source.read_text(encoding="utf-8") + row + "\n", encoding="utf-8"
    )
    return folder


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "heze-ip-plan-14fyp/part-9/task-1,national-ip-plan-14fyp/task-1,implements,confirmed,x,y",
            "unknown element 'heze-ip-plan-14fyp/part-9/task-1'",
        ),
        (
            "heze-ip-plan-14fyp/part-3/key-project-1,shandong-ip-plan-14fyp/key-project-1,"
            "implements,confirmed,x,again",
            "duplicate decision (first at heze-ip-plan-14fyp.csv:",
        ),
        (
            "heze-ip-plan-14fyp/part-3/key-project-1,national-ip-plan-14fyp/key-project-1,"
            "implements,maybe,x,y",
            "status must be one of confirmed, rejected",
        ),
        (
            "heze-ip-plan-14fyp/part-3/key-project-1,national-ip-plan-14fyp/key-project-1,"
            "implements,confirmed,x,",
            "every decision needs a reviewer's note",
        ),
        (
            "heze-ip-plan-14fyp/part-3/key-project-1,national-ip-plan-14fyp/key-project-1",
            "row has 2",
        ),
    ],
    ids=["unknown-iri", "duplicate", "bad-status", "no-note", "short-row"],
)
def test_broken_decision_rows_name_file_and_line(
    result: BuildResult, tmp_path: Path, row: str, message: str
) -> None:
    folder = _alignments_with(tmp_path, row)
    known = {s for s in result.graph.subjects() if isinstance(s, URIRef)}
    lines = (folder / "heze-ip-plan-14fyp.csv").read_text(encoding="utf-8").count("\n")
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        load_decisions(folder, ID, known)
    assert caught.value.file is not None
    assert caught.value.file.endswith("heze-ip-plan-14fyp.csv")
    assert caught.value.line == lines


PARENT_TEXT = """为推进知识产权工作，制定本规划。
(一)基本原则。
1.坚持市场导向。充分发挥市场在资源配置中的决定性作用。
2.坚持开放合作。加强内外联动。
(一)实施知识产权保护提升工程。完善知识产权高标准保护工作机制。
(二)实施商标品牌建设工程。鼓励企业培育商标品牌。
"""


def test_a_parent_text_that_arrives_later_is_parsed_and_proposed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "sources" / "shandong-full-text.txt").write_text(PARENT_TEXT, encoding="utf-8")
    with (data / "sources" / "sources.yaml").open("a", encoding="utf-8") as handle:
        handle.write(
            "  - file: shandong-full-text.txt\n    slug: shandong-ip-plan-14fyp-text\n"
            "    level: provincial\n"
        )
    result = build_all(load_project(data))
    new = [p for p in result.unreviewed if "shandong-ip-plan-14fyp-text/" in str(p.parent)]
    pairs = {(str(p.child)[len(HEZE) + 1 :], str(p.parent).split("-text/")[1]) for p in new}
    assert ("part-1/section-2/principle-1", "part-1/section-1/principle-1") in pairs
    assert ("part-3/key-project-1", "part-2/key-project-1") in pairs
    assert ("part-3/key-project-4", "part-2/key-project-2") in pairs
    out = CliRunner().invoke(main, ["build", "--data", str(data), "-o", str(tmp_path / "dist")])
    assert out.exit_code == 0, out.stderr
    assert f"{len(result.unreviewed)} proposals still to review" in out.stderr


def test_proposals_do_not_depend_on_the_workers(tmp_path: Path) -> None:
    # Forked workers rank runs of children; the proposals and their order stay the same.
    data = tmp_path / "data"
    write_corpus(generate_corpus(4, seed=3), data)
    graph = build_documents(load_project(data))[0]
    alone = propose_alignments(graph, workers=1)
    assert len(alone) > 200
    assert propose_alignments(graph, workers=2) == alone
    assert propose_alignments(graph, workers=3) == alone
