"""The national outline from its full text: parsed as printed and in the layouts other copies use,
built at the IRIs it had, its curated file laid over it, and what happens when the two disagree."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.check.validate import validate_graph
from heze_ip_kg.cli.main import main
from heze_ip_kg.curated.parents import load_parent
from heze_ip_kg.errors import InputError
from heze_ip_kg.parse import read_plan
from heze_ip_kg.parse.model import ElementKind, Plan
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, OA, RDF, RDFS
from tests.conftest import DATA, ROOT
from tests.make_variants import outline_variants

K = ElementKind
TEXT = ROOT / "data" / "sources" / "national-ip-outline-2021-2035.txt"
CURATED = ROOT / "data" / "parents" / "national-ip-outline-2021-2035.yaml"
DOC = "https://w3id.org/heze-ip-kg/id/national-ip-outline-2021-2035"
SHARED = ROOT.parent / "shared" / "parents" / TEXT.name
COUNTS = {
    K.PREAMBLE: 1,
    K.PART: 3,
    K.GUIDING_IDEA: 1,
    K.SECTION: 2,
    K.PRINCIPLE: 4,
    K.OBJECTIVE: 2,
    K.INDICATOR: 4,
    K.TASK_AREA: 6,
    K.TASK: 18,
    K.SAFEGUARD: 3,
}
TASK_AREAS = [
    ("三、", "建设面向社会主义现代化的知识产权制度", ["（四）", "（五）", "（六）", "（七）"]),
    ("四、", "建设支撑国际一流营商环境的知识产权保护体系", ["（八）", "（九）", "（十）"]),
    ("五、", "建设激励创新发展的知识产权市场运行机制", ["（十一）", "（十二）", "（十三）"]),
    ("六、", "建设便民利民的知识产权公共服务体系", ["（十四）", "（十五）", "（十六）"]),
    ("七、", "建设促进知识产权高质量发展的人文社会环境", ["（十七）", "（十八）", "（十九）"]),
    ("八、", "深度参与全球知识产权治理", ["（二十）", "（二十一）"]),
]
TARGETS = [
    ("专利密集型产业增加值占GDP比重", Decimal("13"), "百分比", "13%"),
    ("版权产业增加值占GDP比重", Decimal("7.5"), "百分比", "7.5%"),
    ("知识产权使用费年进出口总额", Decimal("3500"), "亿元", "3500亿元"),
    ("每万人口高价值发明专利拥有量", Decimal("12"), "件", "12件"),
]


@pytest.fixture(scope="module")
def outline() -> Plan:
    return read_plan(TEXT)


def of(plan: Plan, kind: ElementKind) -> list:  # type: ignore[type-arg]
    return [e for e in plan.walk() if e.kind is kind]


def structure(plan: Plan) -> list[tuple[str, str, object]]:
    """What a layout change must not change: kinds, headings and indicator values, in order."""
    return [(e.kind.value, e.heading, e.indicator) for e in plan.walk()]


# SHA-256 of ../shared/parents/national-ip-outline-2021-2035.txt as supplied (2026-12-01), so a
# checkout without ../shared beside it still checks the copy.
SHARED_SHA256 = "340eab5b1a19f5373a41fdb2483755eeea0861d2f45aac490c5b2d10b77505e5"


def test_the_copy_in_data_sources_is_the_shared_file_unchanged() -> None:
    assert hashlib.sha256(TEXT.read_bytes()).hexdigest() == SHARED_SHA256
    if SHARED.is_file():
        assert TEXT.read_bytes() == SHARED.read_bytes()


def test_the_outline_parses_to_its_structure(outline: Plan) -> None:
    assert Counter(e.kind for e in outline.walk()) == COUNTS
    assert outline.warnings == ()
    areas = of(outline, K.TASK_AREA)
    assert [(a.notation, a.heading, [t.notation for t in a.children]) for a in areas] == TASK_AREAS
    tasks = of(outline, K.TASK)
    assert [t.number for t in tasks] == list(range(4, 22))  # numbered on across the chapters
    assert tasks[0].heading == "构建门类齐全、结构严密、内外协调的法律体系"
    assert [p.heading for p in of(outline, K.PRINCIPLE)] == [
        "法治保障，严格保护",
        "改革驱动，质量引领",
        "聚焦重点，统筹协调",
        "科学治理，合作共赢",
    ]
    assert {p.notation for p in of(outline, K.PRINCIPLE)} == {"——"}
    assert [s.heading for s in of(outline, K.SAFEGUARD)] == [
        "加强组织领导",
        "加强条件保障",
        "加强考核评估",
    ]
    parts = [(p.notation, p.heading, p.kind) for p in outline.elements[1:]]
    assert parts[0] == ("一、", "战略背景", K.PART)
    assert parts[1] == ("二、", "总体要求", K.PART)
    assert parts[-1] == ("九、", "组织保障", K.PART)


def test_goals_and_targets_in_prose(outline: Plan) -> None:
    goals = of(outline, K.OBJECTIVE)
    assert [g.heading for g in goals] == [
        "到2025年，知识产权强国建设取得明显成效",
        "到2035年，我国知识产权综合竞争力跻身世界前列",
    ]
    assert goals[0].text.endswith("（上述指标均为预期性指标）。")
    assert goals[1].text.endswith("中国特色、世界水平的知识产权强国基本建成。")
    indicators = [e.indicator for e in goals[0].children]
    assert [(i.name, i.target, i.unit, i.target_text) for i in indicators if i] == TARGETS
    assert {(i.target_year, i.nature, i.baseline) for i in indicators if i} == {
        (2025, "预期性", None)
    }
    for target in goals[0].children:
        assert target.span is not None
        assert outline.source.text[target.span.start : target.span.end] == target.text
        assert target.text.startswith(target.heading)
        assert "达到" in target.text


def test_the_title_comes_from_the_headline_and_the_news_is_left_out(outline: Plan) -> None:
    text = outline.source.text
    assert outline.title == "知识产权强国建设纲要（2021－2035年）"
    assert outline.title_span is not None
    assert text[outline.title_span.start : outline.title_span.end] == outline.title
    assert outline.title_inferred_from == "headline"
    assert outline.cited_titles == ()  # it names itself, but does not cite itself
    publication = outline.publication
    assert publication is not None
    assert publication.headline == "中共中央 国务院印发《知识产权强国建设纲要（2021－2035年）》"
    assert [text[s.start : s.end][:4] for s in publication.news] == ["近日，中", "《知识产"]
    assert publication.credit == "新华社"
    assert not publication.abridged
    assert outline.metadata_value("发布时间") == "2021-09-23"
    preamble = outline.elements[0]
    assert preamble.kind is K.PREAMBLE
    assert preamble.text.startswith("为统筹推进知识产权强国建设")
    assert preamble.text.endswith("制定本纲要。")
    last = of(outline, K.SAFEGUARD)[-1]
    assert last.text.endswith("将知识产权强国建设工作纳入督查考核范围。")


@pytest.mark.parametrize("name", sorted(outline_variants()))
def test_committed_outline_variants_are_current(name: str) -> None:
    assert (DATA / "variants" / name).read_bytes() == outline_variants()[name]


@pytest.mark.parametrize("name", sorted(outline_variants()))
def test_outline_variants_parse_to_the_same_structure(outline: Plan, name: str) -> None:
    encoding = "gb18030" if "gb18030" in name else "utf-8"
    variant = read_plan(DATA / "variants" / name, encoding=encoding)
    assert structure(variant) == structure(outline)
    assert variant.title == outline.title
    assert variant.warnings == ()
    for element in variant.walk():
        if element.span is not None:
            assert variant.source.text[element.span.start : element.span.end] == element.text


def test_the_variants_differ_where_they_should() -> None:
    run_in = read_plan(DATA / "variants" / "outline-run-in.txt")
    task = of(run_in, K.TASK)[0]
    assert task.text.startswith("（四）构建门类齐全、结构严密、内外协调的法律体系。开展")
    chapters = read_plan(DATA / "variants" / "outline-chapters.txt")
    assert [a.notation for a in of(chapters, K.TASK_AREA)][:2] == ["第三章", "第四章"]
    assert [t.notation for t in of(chapters, K.TASK)][:2] == ["第四节", "第五节"]
    restarting = read_plan(DATA / "variants" / "outline-restarting.txt")
    assert [t.notation for t in of(restarting, K.TASK)][:5] == [
        "（一）",
        "（二）",
        "（三）",
        "（四）",
        "（一）",
    ]
    crlf = (DATA / "variants" / "outline-gb18030-crlf.txt").read_bytes()
    assert b"\r\n" in crlf
    assert "纲要".encode("gb18030") in crlf


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("outline-run-in.txt", "utf-8"),
        ("outline-gb18030-crlf.txt", "gb18030"),
        ("outline-chapters.txt", "utf-8"),
    ],
)
def test_parse_command_on_the_outline_and_its_variants(name: str, encoding: str) -> None:
    runner = CliRunner()
    base = runner.invoke(main, ["parse", str(TEXT), "--format", "json"])
    assert base.exit_code == 0, base.stderr
    variant = runner.invoke(
        main, ["parse", str(DATA / "variants" / name), "--format", "json", "--encoding", encoding]
    )
    assert variant.exit_code == 0, variant.stderr
    assert variant.stderr == ""  # no warning: nothing irregular

    def kinds(payload: str) -> Counter[str]:
        found: Counter[str] = Counter()

        def walk(element: dict) -> None:  # type: ignore[type-arg]
            found[element["kind"]] += 1
            for child in element["children"]:
                walk(child)

        for element in json.loads(payload)["elements"]:
            walk(element)
        return found

    assert (
        kinds(variant.stdout)
        == kinds(base.stdout)
        == Counter({k.value: n for k, n in COUNTS.items()})
    )


# --- built into the graph -----------------------------------------------------------------------


def test_make_run_builds_the_outline_with_spans_that_slice_the_file(graph: Graph) -> None:
    text = TEXT.read_text(encoding="utf-8")
    source = URIRef(DOC + "/source")
    assert str(graph.value(source, HIP.fileName)) == TEXT.name
    assert str(graph.value(source, HIP.headline)).startswith("中共中央 国务院印发《")
    assert str(graph.value(source, DCTERMS.issued)) == "2021-09-23"
    assert str(graph.value(source, DCTERMS.publisher)) == "新华社"
    checked = 0
    for element, body in graph.subject_objects(HIP.text):
        if not str(element).startswith(DOC + "/"):
            continue
        target = graph.value(element, HIP.source)
        assert graph.value(target, OA.hasSource) == source
        selector = graph.value(target, OA.hasSelector)
        start = int(graph.value(selector, OA.start))  # type: ignore[arg-type]
        end = int(graph.value(selector, OA.end))  # type: ignore[arg-type]
        assert text[start:end] == str(body)
        checked += 1
    assert checked == sum(COUNTS.values())


@pytest.mark.parametrize(
    ("iri", "cls", "label"),
    [
        ("principle-3", HIP.Principle, "聚焦重点，统筹协调"),
        ("objective-1", HIP.Objective, "到2025年，知识产权强国建设取得明显成效"),
        ("objective-5", HIP.Objective, "到2035年，我国知识产权综合竞争力跻身世界前列"),
        ("indicator-4", HIP.Indicator, "每万人口高价值发明专利拥有量"),
        ("task-area-4", HIP.TaskArea, "建设便民利民的知识产权公共服务体系"),
        ("task-area-2/task-10", HIP.Task, "健全统一领导、衔接顺畅、快速高效的协同保护格局"),
        ("safeguard-2", HIP.Safeguard, "加强条件保障"),
        ("part-2/guiding-idea-1", HIP.GuidingIdea, "指导思想"),
    ],
)
def test_elements_keep_the_iris_they_had(graph: Graph, iri: str, cls: URIRef, label: str) -> None:
    subject = URIRef(f"{DOC}/{iri}")
    assert (subject, RDF.type, cls) in graph
    assert (subject, RDFS.label, Literal(label, lang="zh")) in graph
    assert (subject, HIP.inDocument, URIRef(DOC)) in graph


def test_the_curated_reports_are_citations_on_the_text_elements(graph: Graph) -> None:
    indicator = URIRef(DOC + "/indicator-1")
    assert graph.value(indicator, HIP.targetValue).toPython() == Decimal("13")  # type: ignore[union-attr]
    assert str(graph.value(indicator, HIP.targetYear)) == "2025"
    about = {
        (str(graph.value(c, HIP.aboutProperty)), str(graph.value(c, DCTERMS.source)))
        for c in graph.objects(indicator, HIP.citation)
    }
    assert (
        str(HIP.targetValue),
        "http://macaumonthly.net/news/guonei/2021-09-23/425881.html",
    ) in about
    assert URIRef(DOC + "/objective-2") not in set(graph.subjects())  # merged into the 2025 goal
    doc = URIRef(DOC)
    assert str(graph.value(doc, HIP.documentNumber)) == "中发〔2021〕32号"
    assert str(graph.value(doc, DCTERMS.title)) == "知识产权强国建设纲要（2021－2035年）"


def test_element_counts_show_everything_encoded(graph: Graph) -> None:
    counts = {
        str(graph.value(node, HIP.countedClass)).rsplit("#", 1)[1]: (
            graph.value(node, HIP.declaredCount).toPython(),  # type: ignore[union-attr]
            graph.value(node, HIP.encodedCount).toPython(),  # type: ignore[union-attr]
        )
        for node in graph.objects(URIRef(DOC), HIP.elementCount)
    }
    assert counts == {
        "GuidingIdea": (1, 1),
        "Principle": (4, 4),
        "Objective": (2, 2),
        "Indicator": (4, 4),
        "TaskArea": (6, 6),
        "Task": (18, 18),
        "KeyProject": (0, 0),
        "Safeguard": (3, 3),
    }
    report = validate_graph(graph)
    assert report.conforms
    assert not [r for r in report.results if str(r.focus).startswith(DOC)]


# --- the curated file against the text -----------------------------------------------------------


def _data_with(tmp_path: Path, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "parents" / CURATED.name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_a_report_that_disagrees_with_the_text_is_said_and_the_text_wins(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "      value: 13\n", "      value: 14\n")
    result = build_all(load_project(data))
    curated = data / "parents" / CURATED.name
    line = _line_of(curated, "id: indicator-1")
    assert result.warnings == (
        f"{curated}:{line}: elements[7] indicator-1: reports target 14, the text 13",
    )
    indicator = URIRef(DOC + "/indicator-1")
    assert str(result.graph.value(indicator, HIP.targetValue)) == "13"
    notes = [
        str(result.graph.value(c, RDFS.comment))
        for c in result.graph.objects(indicator, HIP.citation)
        if result.graph.value(c, HIP.aboutProperty) == HIP.targetValue
    ]
    assert notes
    assert all("target 14, the text 13" in n for n in notes)
    out = CliRunner().invoke(main, ["build", "--data", str(data), "-o", str(tmp_path / "dist")])
    assert out.exit_code == 0, out.stderr
    assert f"heze-ip-kg: warning: {curated}:{line}: elements[7] indicator-1: reports" in out.stderr


def test_a_quote_not_in_the_text_leaves_the_element_out_and_says_so(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "quote: 法治保障，严格保护", "quote: 法治保障，从严保护")
    result = build_all(load_project(data))
    assert len(result.warnings) == 1
    assert result.warnings[0].endswith(
        "principle-1: '法治保障，从严保护' is in no Principle of the text; left out"
    )
    assert (URIRef(DOC + "/principle-1"), RDF.type, HIP.Principle) not in result.graph
    # The text's principle is still there, at the IRI minted for it.
    assert (URIRef(DOC + "/part-2/section-2/principle-1"), RDF.type, HIP.Principle) in result.graph


def test_a_decision_on_an_element_left_out_names_its_line(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "quote: 加强条件保障", "quote: 加强经费保障")
    sheet = data / "alignments" / "heze-ip-plan-14fyp.csv"
    line = _line_of(sheet, "national-ip-outline-2021-2035/safeguard-2,")
    with pytest.raises(
        InputError, match="unknown element 'national-ip-outline-2021-2035/safeguard-2'"
    ) as caught:
        build_all(load_project(data))
    assert (caught.value.file, caught.value.line) == (str(sheet), line)


def test_a_full_text_not_listed_in_sources_is_an_error_naming_the_line(tmp_path: Path) -> None:
    data = _data_with(tmp_path, "full_text: national-ip-outline-2021-2035.txt", "full_text: x.txt")
    with pytest.raises(
        InputError, match=r"national-ip-outline-2021-2035\.yaml:\d+: full_text 'x\.txt'"
    ):
        build_all(load_project(data))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    quote: 加强组织领导\n",
            "    label: {zh: 加强组织领导, en: x}\n",
            "label: the full text says this",
        ),
        ("    quote: 加强组织领导\n", "    quote: []\n", "'quote' must be a phrase of the text"),
        (
            "based_on: []\n",
            "based_on: []\ncounts: [{class: Task, declared: 18}]\n",
            "counts come from the full text",
        ),
    ],
    ids=["label", "empty-quote", "counts"],
)
def test_a_full_text_file_may_not_say_what_the_text_says(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    data = _data_with(tmp_path, old, new)
    with pytest.raises(InputError, match=message) as caught:
        load_parent(data / "parents" / CURATED.name)
    assert str(data / "parents" / CURATED.name) in str(caught.value)
