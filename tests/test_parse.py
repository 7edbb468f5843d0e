"""The parser on the official text, its everyday variants, a kitchen-sink text and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from heze_ip_kg.errors import InputError
from heze_ip_kg.parse import parse_plan, read_plan
from heze_ip_kg.parse.model import ElementKind, Plan
from tests.conftest import DATA
from tests.make_variants import variants

K = ElementKind


def headings(plan: Plan, kind: ElementKind) -> list[str]:
    return [e.heading for e in plan.walk() if e.kind is kind]


def test_metadata_block(plan: Plan) -> None:
    values = {f.key: f.value for f in plan.metadata}
    assert values == {
        "索引号": "11371700004478191J/2022-20853",
        "分类": "政府办公室文件",
        "发布机构": "菏泽市人民政府办公室",
        "成文日期": "2022 年 10 月 31 日",
        "标题": "菏泽市人民政府办公室关于印发菏泽市“十四五”知识产权保护和运用规划的通知",
        "发布日期": "2022 年 10 月 31 日",
        "文号": "菏政办字〔2022〕52号",
        "内容概述": "菏泽市人民政府办公室关于印发菏泽市“十四五”知识产权保护和运用规划的通知",
        "效力状态": "有效",
    }
    # Both the table form and the list form are read, with exact value spans.
    assert len(plan.metadata) == 18
    for field in plan.metadata:
        assert field.span.slice(plan.source.text) == field.value


def test_notice(plan: Plan) -> None:
    notice = plan.notice
    assert notice is not None
    assert notice.title == "菏泽市人民政府办公室关于印发菏泽市“十四五”知识产权保护和运用规划的通知"
    assert notice.document_number == "菏政办字〔2022〕52号"
    assert notice.addressees == (
        "各县区人民政府(管委会)",
        "市政府各部门、各直属机构",
        "市属各企业",
        "各大中专院校",
    )
    assert notice.approval_meeting == "市政府第13次常务会议"
    assert notice.approval_date == dt.date(2022, 10, 31)
    assert notice.signature == "菏泽市人民政府办公室"
    assert notice.date == dt.date(2022, 10, 31)
    assert notice.publicly_released is True
    assert notice.promulgated_title is not None
    assert notice.promulgated_title.title == "菏泽市“十四五”知识产权保护和运用规划"


def test_title_is_taken_from_the_notice_because_the_text_lost_it(plan: Plan) -> None:
    assert plan.title == "菏泽市“十四五”知识产权保护和运用规划"
    assert plan.title_span is None
    assert plan.title_inferred_from == "notice"


def test_cited_parent_documents(plan: Plan) -> None:
    assert [c.title for c in plan.cited_titles] == [
        "山东省“十四五”知识产权保护和运用规划",
        "山东省知识产权强省建设纲要(2021-2035年)",
    ]
    for cited in plan.cited_titles:
        assert cited.span.slice(plan.source.text) == cited.title


def test_inferred_parts_are_named_from_their_content(plan: Plan) -> None:
    parts = [e for e in plan.elements if e.kind is K.PART]
    assert [(p.number, p.notation, p.heading, p.inferred) for p in parts] == [
        (1, "一、", "总体要求", True),
        (2, "二、", "重点任务", True),
        (3, "三、", "重点工程", True),
        (4, "四、", "保障措施", True),
    ]
    assert all(p.span is None and p.inference_note_zh and p.inference_note_en for p in parts)
    assert "（一）" in (parts[1].inference_note_en or "")


def test_exact_headings(plan: Plan) -> None:
    assert headings(plan, K.GUIDING_IDEA) == ["指导思想"]
    assert headings(plan, K.PRINCIPLE) == [
        "坚持市场导向",
        "坚持质量优先",
        "坚持统筹协调",
        "坚持开放合作",
    ]
    assert headings(plan, K.OBJECTIVE) == ["主要目标"]
    assert headings(plan, K.TASK_AREA) == [
        "加强知识产权保护",
        "提高知识产权创造质量",
        "增强知识产权运用能力",
        "提升知识产权服务水平",
        "夯实知识产权发展基础",
    ]
    assert headings(plan, K.TASK) == [
        "加强知识产权行政保护",
        "强化知识产权司法保护",
        "深化知识产权协同保护",
        "加强重点领域知识产权保护",
        "不断优化创新激励政策",
        "培育高价值知识产权",
        "加强知识产权质量监管",
        "促进知识产权转移转化",
        "优化知识产权金融服务",
        "完善知识产权公共服务体系",
        "促进知识产权服务业健康发展",
        "提升知识产权治理能力",
        "营造知识产权文化氛围",
        "强化知识产权人才培养",
    ]
    assert headings(plan, K.KEY_PROJECT) == [
        "实施知识产权保护提升工程",
        "实施重点产业专利导航试点工程",
        "实施专利密集型产业培育工程",
        "实施商标品牌建设工程",
        "实施地理标志保护运用工程",
        "实施版权创新发展工程",
    ]
    assert headings(plan, K.SAFEGUARD) == ["加强组织领导", "加强经费保障", "加强监测评估"]
    assert headings(plan, K.INDICATOR_TABLE) == ["菏泽市“十四五”知识产权发展主要指标"]


def test_tasks_per_area(plan: Plan) -> None:
    areas = [e for e in plan.walk() if e.kind is K.TASK_AREA]
    assert [len(a.children) for a in areas] == [4, 3, 2, 2, 3]
    assert [t.notation for t in areas[0].children] == ["1.", "2.", "3.", "4."]
    assert [a.notation for a in areas] == ["（一）", "（二）", "（三）", "（四）", "（五）"]


def test_indicator_rows_are_typed(plan: Plan) -> None:
    rows = [e.indicator for e in plan.walk() if e.kind is K.INDICATOR]
    assert [(r.name, r.unit, r.baseline, r.target, r.nature) for r in rows if r] == [
        ("每万人口高价值发明专利拥有量", "件", Decimal("0.87"), Decimal("1.75"), "预期性"),
        ("海外发明专利授权量", "件", Decimal("9"), Decimal("18"), "预期性"),
        ("知识产权质押融资金额", "亿元", Decimal("0.5"), Decimal("3"), "预期性"),
        ("知识产权保护社会满意度", "百分比", Decimal("80"), Decimal("85"), "预期性"),
        ("著作权作品登记数量", "件", Decimal("200"), Decimal("10000"), "预期性"),
        ("有效注册商标量", "件", Decimal("69000"), Decimal("120000"), "预期性"),
    ]
    assert {(r.baseline_year, r.target_year) for r in rows if r} == {(2020, 2025)}
    satisfaction = rows[3]
    assert satisfaction is not None
    assert (satisfaction.baseline_text, satisfaction.target_text) == ("80%", "85%")


def test_every_span_slices_to_the_element_text(plan: Plan) -> None:
    for element in plan.walk():
        if element.span is not None:
            assert element.span.slice(plan.source.text) == element.text


def test_leaf_spans_cover_the_body_exactly_once(plan: Plan) -> None:
    text = plan.source.text
    spans = sorted(e.span for e in plan.walk() if e.span is not None)
    body = plan.body_span
    assert body is not None
    assert text[body.start :].strip() == text[body.start : body.end].strip()  # body runs to the end
    assert text[body.start :].startswith("为深入贯彻")
    covered = [0] * len(text)
    for span in spans:
        for i in range(span.start, span.end):
            covered[i] += 1
    for i in range(body.start, body.end):
        if not text[i].isspace():
            assert covered[i] == 1, (i, text[i - 10 : i + 10])


@pytest.mark.parametrize("name", sorted(variants()))
def test_committed_variant_fixtures_are_current(name: str) -> None:
    assert (DATA / "variants" / name).read_bytes() == variants()[name]


@pytest.mark.parametrize("name", sorted(variants()))
def test_variants_parse_to_the_same_structure(plan: Plan, name: str) -> None:
    encoding = "gb18030" if "gb18030" in name else "utf-8"
    variant = read_plan(DATA / "variants" / name, encoding=encoding)

    def shape(p: Plan) -> list[tuple[str, int, str, str, object]]:
        return [(e.kind.value, e.number, e.notation, e.heading, e.indicator) for e in p.walk()]

    assert shape(variant) == shape(plan)
    assert variant.title == plan.title
    for element in variant.walk():
        if element.span is not None:
            assert element.span.slice(variant.source.text) == element.text


def test_restored_headings_are_read_not_inferred() -> None:
    variant = read_plan(DATA / "variants" / "restored-headings.txt")
    parts = [e for e in variant.elements if e.kind is K.PART]
    assert [(p.heading, p.inferred, p.text) for p in parts] == [
        ("总体要求", False, "一、总体要求"),
        ("重点任务", False, "二、重点任务"),
        ("重点工程", False, "三、重点工程"),
        ("保障措施", False, "四、保障措施"),
    ]
    assert variant.title_span is not None
    assert variant.title_inferred_from is None


def test_kitchen_sink_covers_every_construct() -> None:
    plan = read_plan(DATA / "kitchen_sink_plan.txt")
    assert plan.title == "示例市知识产权示例规划"
    assert plan.title_span is not None
    assert plan.notice is not None
    assert plan.notice.document_number == "示政办发〔2024〕3号"
    assert plan.notice.approval_meeting == "市政府第5次常务会议"
    assert [c.title for c in plan.cited_titles] == [
        "示例省知识产权规划",
        "知识产权强国建设纲要（2021—2035年）",
    ]
    kinds = {e.kind for e in plan.walk()}
    assert kinds == set(K)
    rows = [e.indicator for e in plan.walk() if e.indicator]
    assert [(r.unit, r.baseline, r.target, r.nature) for r in rows] == [
        ("百分比", Decimal("11.6"), Decimal("13"), "预期性"),
        ("百分比", None, Decimal("85"), "约束性"),
        ("万件", Decimal("12"), Decimal("20"), None),
    ]
    items = [(e.notation, e.heading) for e in plan.walk() if e.kind is K.ITEM]
    assert items == [
        ("（1）", "开展专项行动"),
        ("①", "打击商标侵权"),
        ("②", "打击专利侵权"),
        ("（2）", "加强执法协作"),
    ]
    assert all(not p.inferred for p in plan.elements)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("", 1, "empty file"),
        ("\n\n  \n", 1, "empty file"),
        ("这是一段没有编号的文字。\n第二段文字。", 1, "no numbered structure"),
        (
            "(一)目标。\n指标 | 2020年基期值 | 2025年预期值 | 属性 |\n甲(件) | 1 | 多 | 预期性 |",
            3,
            "'多' is not a number",
        ),
        ("(一)目标。\n名称 | 说明 |\n甲 | 乙 |", 2, "table header not recognised"),
    ],
    ids=["empty", "blank", "unstructured", "non-numeric", "unknown-table"],
)
def test_bad_input_names_the_line(text: str, line: int | None, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_plan(text, name="bad.txt")
    assert caught.value.file == "bad.txt"
    assert caught.value.line == line
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("text", "shape", "warnings"),
    [
        (
            "(一)目标。\n(三)任务。",
            [("（一）", 1), ("（三）", 3)],
            [(2, "numbering skips from （一） to (三) (（二） is missing): kept as written")],
        ),
        (
            "(一)目标。\n(二)任务。\n(二)工程。",
            [("（一）", 1), ("（二）", 2), ("（二）", 3)],
            [(3, "numbering out of sequence: (二) after （二）; read as item 3 of its list")],
        ),
        (
            "一、总体要求\n(三)目标。",
            [("一、", 1), ("（三）", 3)],
            [
                (
                    2,
                    "numbering begins at (三) here, neither at （一） nor running on from the "
                    "previous list: kept as written",
                )
            ],
        ),
    ],
    ids=["gap", "repeat", "bad-start"],
)
def test_irregular_numbering_is_recovered_with_a_warning_naming_the_line(
    text: str, shape: list[tuple[str, int]], warnings: list[tuple[int, str]]
) -> None:
    plan = parse_plan(text, name="irregular.txt")
    numbered = [(e.notation, e.number) for e in plan.walk() if e.notation]
    assert numbered[-len(shape) :] == shape
    assert [(w.line, w.message) for w in plan.warnings] == warnings


def test_binary_and_undecodable_input(tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"image\.png:1:1: not valid utf-8"):
        read_plan(binary)
    nul = tmp_path / "nul.txt"
    nul.write_bytes("(一)目标。\n甲\x00乙".encode())
    with pytest.raises(InputError, match=r"nul.txt:2:2: control character U\+0000"):
        read_plan(nul)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes("(一)目标。".encode("gb18030"))
    with pytest.raises(InputError, match="use --encoding"):
        read_plan(gbk)
    assert read_plan(gbk, encoding="gb18030").walk()[-1].heading == "目标"
