"""The parser on the genre as written: small texts of each form, and property tests that a text's
structure survives changes of layout that do not change its meaning."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from heze_ip_kg.cli.main import main
from heze_ip_kg.parse import parse_bytes, parse_plan
from heze_ip_kg.parse.model import Element, ElementKind, Plan
from heze_ip_kg.parse.numbering import to_chinese
from tests.conftest import SEED

K = ElementKind
# `heze-ip-kg parse` of the Heze plan as N-Triples, byte for byte as before issue 15 but for
# the numbers typed by value (issue 17: whole numbers and offsets as xsd:integer) and the nodes
# that were blank named under their owners (issue 16: the same 854 lines, blank labels → IRIs),
# and the two cited titles' citations named by their place, not their offsets (issue 20: the
# same lines with the two citation IRIs renamed).
HEZE_PARSE_SHA256 = "eb28cf41053c4261d176822e17d9e0e702ca7687c286ee680b858068db7e65a4"


def of(plan: Plan, kind: ElementKind) -> list[Element]:
    return [e for e in plan.walk() if e.kind is kind]


def spans_slice(plan: Plan) -> bool:
    text = plan.source.text
    return all(e.span is None or text[e.span.start : e.span.end] == e.text for e in plan.walk())


def test_the_heze_plan_parses_to_exactly_the_graph_it_had() -> None:
    result = CliRunner().invoke(main, ["parse", str(SEED), "--format", "nt"])
    assert result.exit_code == 0, result.stderr
    assert hashlib.sha256(result.stdout_bytes).hexdigest() == HEZE_PARSE_SHA256


CONTINUOUS = """为推进知识产权工作，制定本纲要。
一、总体要求
（一）指导思想。以高质量发展为主题。
（二）工作原则
——严格保护。依法保护知识产权。
——开放合作。深化国际合作。
二、健全保护体系
（三）健全司法保护体制。加强审判机构建设。
（四）健全行政保护体系。加强行政执法。
三、完善运用机制
（五）完善运营机制。发展知识产权金融。
四、组织保障
（六）加强组织领导。发挥部际联席会议作用。
"""


def test_section_numbers_that_run_on_across_chapters() -> None:
    plan = parse_plan(CONTINUOUS)
    assert plan.warnings == ()
    areas = of(plan, K.TASK_AREA)
    assert [(a.notation, a.heading, [t.number for t in a.children]) for a in areas] == [
        ("二、", "健全保护体系", [3, 4]),
        ("三、", "完善运用机制", [5]),
    ]
    assert [p.heading for p in of(plan, K.PRINCIPLE)] == ["严格保护", "开放合作"]
    assert [(s.notation, s.heading) for s in of(plan, K.SAFEGUARD)] == [("（六）", "加强组织领导")]
    restarting = parse_plan(
        CONTINUOUS.replace("（三）", "（一）")
        .replace("（四）", "（二）")
        .replace("（五）", "（一）")
        .replace("（六）", "（一）")
    )
    assert [(e.kind, e.heading) for e in restarting.walk()] == [
        (e.kind, e.heading) for e in plan.walk()
    ]
    assert [t.number for t in of(restarting, K.TASK)] == [1, 2, 1]


CHAPTERS = """为推进知识产权工作，制定本规划。
第一章 总体要求
第一节 指导思想
坚持以高质量发展为主题。
第二节 发展目标
到2025年，全省有效发明专利达到5000件，知识产权质押融资登记金额突破400亿元。
第二章 加强知识产权保护
第三节 强化司法保护
一、加强审判。推进审判机构建设。
二、加强检察。推进检察监督。
第四节 强化行政保护
（一）加强执法。开展专项行动。
第三章 保障措施
第五节 加强组织领导
"""


def test_chapters_and_sections_with_the_usual_numbering_inside() -> None:
    plan = parse_plan(CHAPTERS)
    assert plan.warnings == ()
    assert [(p.notation, p.heading, p.kind) for p in plan.elements[1:]] == [
        ("第一章", "总体要求", K.PART),
        ("第二章", "加强知识产权保护", K.TASK_AREA),
        ("第三章", "保障措施", K.PART),
    ]
    tasks = of(plan, K.TASK)
    assert [(t.notation, t.heading, t.level) for t in tasks] == [
        ("第三节", "强化司法保护", 2),
        ("第四节", "强化行政保护", 2),
    ]
    # 一、 is a top-level numbering elsewhere; under 第三节 it is an item three levels down.
    assert [(i.notation, i.heading, i.level) for i in tasks[0].children] == [
        ("一、", "加强审判", 3),
        ("二、", "加强检察", 3),
    ]
    assert [(i.notation, i.level) for i in tasks[1].children] == [("（一）", 3)]
    (goal,) = of(plan, K.OBJECTIVE)
    assert goal.heading == "发展目标"
    targets = [
        (i.indicator.name, i.indicator.target, i.indicator.unit)
        for i in goal.children
        if i.indicator
    ]
    assert targets == [
        ("全省有效发明专利", Decimal("5000"), "件"),
        ("知识产权质押融资登记金额", Decimal("400"), "亿元"),
    ]
    assert [s.heading for s in of(plan, K.SAFEGUARD)] == ["加强组织领导"]


def test_principles_as_dash_bullets_or_numbered_items() -> None:
    head = "一、总体要求\n（一）基本原则。\n"
    bullets = parse_plan(head + "——坚持市场导向。发挥市场作用。\n——坚持质量优先。提高质量。\n")
    numbered = parse_plan(head + "1.坚持市场导向。发挥市场作用。\n2.坚持质量优先。提高质量。\n")
    for plan in (bullets, numbered):
        assert [p.heading for p in of(plan, K.PRINCIPLE)] == ["坚持市场导向", "坚持质量优先"]
    assert [p.notation for p in of(bullets, K.PRINCIPLE)] == ["——", "——"]
    assert [p.notation for p in of(numbered, K.PRINCIPLE)] == ["1.", "2."]
    # A bullet's second paragraph stays with it.
    continued = parse_plan(head + "——坚持市场导向。发挥市场作用。\n优化配置。\n")
    assert of(continued, K.PRINCIPLE)[0].text.endswith("发挥市场作用。\n优化配置。")


def test_a_bullet_beside_numbered_items_gets_a_number_of_its_own() -> None:
    # A bullet goes under the nearest numbered heading: here under （一）, beside 1. and 2.
    plan = parse_plan(
        "一、重点任务\n（一）加强保护。\n——开展专项行动。\n1.加强执法。\n2.加强协作。\n"
    )
    tasks = of(plan, K.TASK)
    assert [(t.notation, t.number, t.heading) for t in tasks] == [
        ("——", 3, "开展专项行动"),
        ("1.", 1, "加强执法"),
        ("2.", 2, "加强协作"),
    ]
    assert [(w.line, w.message) for w in plan.warnings] == [
        (3, "—— would be a second task-1 here: numbered 3")
    ]
    under = parse_plan("一、重点任务\n（一）加强保护。\n1.加强执法。\n——开展专项行动。\n")
    assert [(i.kind, i.notation) for i in of(under, K.TASK)[0].children] == [(K.ITEM, "——")]


def test_goals_and_targets_in_prose_with_their_nature() -> None:
    plan = parse_plan(
        "一、总体要求\n（三）发展目标。到2025年，全省每万人口高价值发明专利拥有量达到10件，"
        "版权产业增加值占GDP比重达到6.5%（约束性），知识产权质押融资登记金额突破400亿元"
        "（上述其他指标均为预期性指标）。\n到2035年，知识产权强省基本建成。\n"
    )
    section = next(e for e in plan.walk() if e.heading == "发展目标")
    assert section.kind is K.SECTION
    assert section.text == "（三）发展目标。"  # the first goal runs on from the heading line
    goals = of(plan, K.OBJECTIVE)
    assert [g.heading for g in goals] == [
        "到2025年，全省每万人口高价值发明专利拥有量达到10件",
        "到2035年，知识产权强省基本建成",
    ]
    rows = [
        (v.name, v.target, v.unit, v.target_year, v.nature, v.target_text)
        for v in (i.indicator for i in goals[0].children)
        if v
    ]
    assert rows == [
        ("全省每万人口高价值发明专利拥有量", Decimal("10"), "件", 2025, "预期性", "10件"),
        ("版权产业增加值占GDP比重", Decimal("6.5"), "百分比", 2025, "约束性", "6.5%"),
        ("知识产权质押融资登记金额", Decimal("400"), "亿元", 2025, "预期性", "400亿元"),
    ]
    assert spans_slice(plan)
    stated = parse_plan(
        "一、总体要求\n（三）发展目标\n到2025年，专利达到10件（上述指标均为预期性指标）。\n"
    )
    (goal,) = of(stated, K.OBJECTIVE)
    assert goal.heading == "发展目标"  # one goal: the section is the objective
    assert [i.indicator.nature for i in goal.children if i.indicator] == ["预期性"]


NEWS = """国务院印发《示例知识产权规划》
来源：新华社 发布时间：2022-01-05 10:00
新华社北京1月5日电 近日，国务院印发《示例知识产权规划》，要求认真贯彻执行。
（本文有删减）
为推进知识产权工作，依据《示例知识产权规划》和《上级纲要》，制定本规划。
一、总体要求
（一）指导思想。以高质量发展为主题。（新华社）
"""


def test_news_front_matter_and_credits_are_not_the_document() -> None:
    plan = parse_plan(NEWS)
    assert plan.title == "示例知识产权规划"
    assert plan.title_inferred_from == "headline"
    assert [c.title for c in plan.cited_titles] == ["上级纲要"]  # never itself
    assert {f.key: f.value for f in plan.metadata} == {
        "来源": "新华社",
        "发布时间": "2022-01-05 10:00",
    }
    publication = plan.publication
    assert publication is not None
    assert (publication.headline, publication.credit, publication.abridged) == (
        "国务院印发《示例知识产权规划》",
        "新华社",
        True,
    )
    assert len(publication.news) == 1
    assert plan.elements[0].text.startswith("为推进知识产权工作")
    assert of(plan, K.GUIDING_IDEA)[0].text == "（一）指导思想。以高质量发展为主题。"


def test_a_notice_without_document_number_or_addressees() -> None:
    plan = parse_plan(
        "示例市人民政府关于印发示例市知识产权规划的通知\n"
        "《示例市知识产权规划》已经市政府同意，现印发给你们，请认真贯彻执行。\n"
        "示例市人民政府\n2022年3月1日\n示例市知识产权规划\n一、总体要求\n（一）指导思想。坚持创新。\n"
    )
    assert plan.notice is not None
    assert (plan.notice.document_number, plan.notice.addressees) == (None, ())
    assert plan.notice.signature == "示例市人民政府"
    assert plan.title == "示例市知识产权规划"
    assert plan.title_span is not None


def test_gb18030_and_crlf_give_the_same_structure() -> None:
    plain = parse_plan(CONTINUOUS)
    legacy = parse_bytes(
        CONTINUOUS.replace("\n", "\r\n").encode("gb18030"), name="x.txt", encoding="gb18030"
    )
    assert [(e.kind, e.heading, e.notation) for e in legacy.walk()] == [
        (e.kind, e.heading, e.notation) for e in plain.walk()
    ]
    assert spans_slice(legacy)
    assert "\r" not in "".join(e.text for e in legacy.walk() if e.kind is K.TASK)


# --- property: layout does not change structure ----------------------------------------------

_HEADS = ("健全保护体系", "完善运用机制", "优化公共服务", "营造文化环境", "参与全球治理")
_TASKS = (
    "加强司法保护",
    "加强行政保护",
    "推进专利导航",
    "发展知识产权金融",
    "培养专业人才",
    "建设服务平台",
)
_PRINCIPLES = ("严格保护", "质量引领", "统筹协调", "合作共赢")
_TARGETS = (
    ("有效发明专利拥有量", "5000", "件"),
    ("版权产业增加值占GDP比重", "7.5", "%"),
    ("知识产权使用费年进出口总额", "3500", "亿元"),
)


@dataclass(frozen=True)
class Outline:
    """The meaning of a small outline: what a layout may not change."""

    principles: tuple[str, ...]
    targets: tuple[tuple[str, str, str], ...]
    areas: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Layout:
    """How it is printed."""

    chapters: bool  # 第X章 / 第X节 rather than 一、 / （一）
    restart: bool  # sections numbered from （一） in each chapter
    half_width: bool  # (一) rather than （一）
    run_in: bool  # a heading ending in 。 runs into its paragraph
    blank_lines: bool
    indent: bool  # ideographic spaces before each paragraph
    crlf: bool
    bom: bool
    numbered_principles: bool


outlines = st.builds(
    Outline,
    st.lists(st.sampled_from(_PRINCIPLES), min_size=1, max_size=4, unique=True).map(tuple),
    st.lists(st.sampled_from(_TARGETS), max_size=3, unique=True).map(tuple),
    st.lists(
        st.tuples(
            st.sampled_from(_HEADS),
            st.lists(st.sampled_from(_TASKS), min_size=1, max_size=3, unique=True).map(tuple),
        ),
        min_size=1,
        max_size=4,
        unique_by=lambda a: a[0],
    ).map(tuple),
)
layouts = st.builds(Layout, *(st.booleans() for _ in range(9)))


def render(outline: Outline, layout: Layout) -> bytes:
    """The outline printed in ``layout``, as the bytes of a file."""
    paragraphs: list[str] = ["为推进知识产权工作，制定本纲要。"]
    section = 0

    def chapter(n: int, heading: str) -> None:
        nonlocal section
        if layout.restart:
            section = 0
        paragraphs.append(
            f"第{to_chinese(n)}章 {heading}" if layout.chapters else f"{to_chinese(n)}、{heading}"
        )

    def numbered(heading: str, body: str | None) -> None:
        nonlocal section
        section += 1
        if layout.chapters:
            mark = f"第{to_chinese(section)}节 "
        else:
            mark = f"({to_chinese(section)})" if layout.half_width else f"（{to_chinese(section)}）"
        if body is None:
            paragraphs.append(mark + heading)
        elif layout.run_in:
            paragraphs.append(f"{mark}{heading}。{body}")
        else:
            paragraphs.extend((f"{mark}{heading}。", body))

    chapter(1, "总体要求")
    numbered("指导思想", "以高质量发展为主题。")
    numbered("工作原则", None)
    for i, principle in enumerate(outline.principles, start=1):
        mark = f"{i}." if layout.numbered_principles else "——"
        paragraphs.append(f"{mark}{principle}。{principle}是基本要求。")
    targets = "".join(f"，{name}达到{value}{unit}" for name, value, unit in outline.targets)
    goal = f"到2025年，知识产权强国建设取得明显成效{targets}。"
    if layout.run_in:
        numbered("发展目标", goal)
    else:
        numbered("发展目标", None)
        paragraphs.append(goal)
    paragraphs.append("到2035年，知识产权强国基本建成。")
    for n, (heading, tasks) in enumerate(outline.areas, start=2):
        chapter(n, heading)
        for task in tasks:
            numbered(task, f"{task}是重点工作。")
    chapter(len(outline.areas) + 2, "组织保障")
    numbered("加强组织领导", "发挥领导小组作用。")
    if layout.indent:
        paragraphs = ["\u3000\u3000" + p for p in paragraphs]
    newline = "\r\n" if layout.crlf else "\n"
    text = (newline * 2 if layout.blank_lines else newline).join(paragraphs) + newline
    return ("\ufeff" if layout.bom else "").encode() + text.encode("utf-8")


def meaning(plan: Plan) -> list[tuple[str, str, object]]:
    return [
        (
            e.kind.value,
            e.heading,
            e.indicator and (e.indicator.name, e.indicator.target, e.indicator.unit),
        )
        for e in plan.walk()
    ]


CANONICAL = Layout(False, False, False, False, False, False, False, False, False)


@settings(max_examples=60, deadline=None)
@given(outlines, layouts)
def test_structure_survives_layout(outline: Outline, layout: Layout) -> None:
    plan = parse_bytes(render(outline, layout), name="generated.txt")
    reference = parse_bytes(render(outline, CANONICAL), name="generated.txt")
    assert plan.warnings == ()
    assert meaning(plan) == meaning(reference)
    assert spans_slice(plan)
    assert len(of(plan, K.TASK_AREA)) == len(outline.areas)
    assert [t.heading for t in of(plan, K.TASK)] == [t for _, ts in outline.areas for t in ts]
    assert [p.heading for p in of(plan, K.PRINCIPLE)] == list(outline.principles)
    assert [i.heading for i in of(plan, K.INDICATOR)] == [name for name, _, _ in outline.targets]
    assert len(of(plan, K.OBJECTIVE)) == 2
