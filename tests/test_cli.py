"""The command line: exit codes, outputs, one-line errors, nothing partial written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from heze_ip_kg.cli.main import main
from heze_ip_kg.vocab.namespaces import HIP, RDF
from tests.conftest import DATA, SEED
from tests.isomorphism import same_graph

TABLE_WITH_WORD = (
    "(一)目标。\n指标 | 2020年基期值 | 2025年预期值 | 属性 |\n甲(件) | 1 | 二 | 预期性 |"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_build_writes_the_three_dumps(runner: CliRunner, tmp_path: Path, graph: Graph) -> None:
    result = runner.invoke(main, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".heze-ip-kg",  # the marker: this folder is replaced as a whole by the next run
        "heze-ip-kg.jsonld",
        "heze-ip-kg.nt",
        "heze-ip-kg.ttl",
    ]
    assert "14 Task" in result.stderr
    assert "6 KeyProject" in result.stderr
    assert result.stdout == ""
    built = Graph().parse(tmp_path / "heze-ip-kg.ttl")
    assert same_graph(built, graph)


def test_parse_any_plan_to_turtle_on_stdout(runner: CliRunner) -> None:
    result = runner.invoke(main, ["parse", str(DATA / "kitchen_sink_plan.txt"), "--slug", "demo"])
    assert result.exit_code == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(list(graph.subjects(RDF.type, HIP.KeyProject))) == 2
    assert len(list(graph.subjects(RDF.type, HIP.Indicator))) == 3


def test_parse_tree_as_json(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "tree.json"
    result = runner.invoke(main, ["parse", str(SEED), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    tree = json.loads(out.read_text(encoding="utf-8"))
    assert tree["title"] == "菏泽市“十四五”知识产权保护和运用规划"
    assert tree["notice"]["document_number"] == "菏政办字〔2022〕52号"
    indicator = tree["elements"][1]["children"][2]["children"][0]["children"][0]
    assert indicator["indicator"]["baseline"] == "0.87"


def test_parse_gb18030_with_encoding(runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        [
            "parse",
            str(DATA / "variants" / "gb18030.txt"),
            "--encoding",
            "gb18030",
            "--format",
            "nt",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert "强化知识产权司法保护" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty.txt:1:1: empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "empty.txt:1:1: not valid utf-8"),
        ("只有文字。\n没有编号。".encode(), "empty.txt:1:1: no numbered structure"),
        (
            TABLE_WITH_WORD.encode(),
            "empty.txt:3:12: indicator value '二' is not a number",
        ),
    ],
    ids=["empty", "binary", "unstructured", "non-numeric"],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, content: bytes, expected: str
) -> None:
    source = tmp_path / "empty.txt"
    source.write_bytes(content)
    out = tmp_path / "out" / "plan.ttl"
    result = runner.invoke(main, ["parse", str(source), "-o", str(out)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("heze-ip-kg: error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert not out.exists()


def test_missing_file_and_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "nope.txt: cannot read" in result.stderr
    result = runner.invoke(main, ["parse", str(SEED), "--format", "xml"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["frobnicate"])
    assert result.exit_code == 2


def test_build_with_broken_data_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "sources").mkdir(parents=True)
    (data / "labels").mkdir()
    for name in ("en.tsv", "units.tsv"):
        (data / "labels" / name).write_text(
            (SEED.parent.parent / "labels" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    (data / "sources" / "sources.yaml").write_text(
        "sources:\n  - file: a.txt\n    slg: x\n", encoding="utf-8"
    )
    out = tmp_path / "dist"
    result = runner.invoke(main, ["build", "--data", str(data), "-o", str(out)])
    assert result.exit_code == 2
    assert "sources.yaml:2: sources[1]: unknown key(s) slg" in result.stderr
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("command", [[], ["build"], ["parse"]])
def test_every_command_has_help(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert len(result.stdout) > 100
