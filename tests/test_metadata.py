"""Dataset metadata as data (issue 16): ``metadata.yaml`` is what a publication says it is.

The project's file gives the Heze publication its title, licence, period and colours; a
synthetic corpus writes its own, and its publication carries its title, not Heze's; void.ttl's
URI space is the ``--base`` the data was built with; a bad file is one ``file:line`` error.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.cli.main import main
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus
from heze_ip_kg.curated.metadata import load_metadata
from heze_ip_kg.errors import InputError
from heze_ip_kg.publish.dataset import DATASET
from heze_ip_kg.resources import data_dir
from heze_ip_kg.vocab.namespaces import DCAT, DCTERMS, VOID, XSD
from tests.dcat_ap import dcat_ap_findings

SYNTHETIC_BASE = "https://example.org/synthetic/"
PERIOD = URIRef(DATASET + "#period")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("meta") / "corpus"
    write_corpus(generate_corpus(2, seed=5), folder)
    return folder


@pytest.fixture(scope="module")
def synthetic(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``publish`` of a two-city synthetic corpus under another base (the CLI, in-process)."""
    out = tmp_path_factory.mktemp("meta") / "dist"
    args = ["publish", "--data", str(corpus), "--base", SYNTHETIC_BASE, "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    return out


def _h1(page: Path) -> str:
    (heading,) = re.findall(r"<h1>(.*?)</h1>", page.read_text(encoding="utf-8"))
    return re.sub(r"<[^>]+>", "|", heading)


def test_the_project_publication_says_what_data_metadata_yaml_says(
    published: tuple[Path, Graph],
) -> None:
    site = published[0] / "site"
    void = Graph().parse(site / "dumps" / "void.ttl")
    dataset = URIRef(DATASET)
    titles = set(void.objects(dataset, DCTERMS.title))
    assert titles == {
        Literal("菏泽市“十四五”知识产权保护和运用规划知识图谱", lang="zh"),
        Literal(
            "Knowledge graph of the Heze 14th Five-Year Plan for Intellectual Property "
            "Protection and Utilisation",
            lang="en",
        ),
    }
    assert void.value(PERIOD, DCAT.startDate) == Literal("2021", datatype=XSD.gYear)
    assert void.value(PERIOD, DCAT.endDate) == Literal("2035", datatype=XSD.gYear)
    assert Literal("菏泽市", lang="zh") in set(void.objects(dataset, DCAT.keyword))
    assert _h1(site / "index.html").startswith("|菏泽市“十四五”知识产权保护和运用规划知识图谱|")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '"temporalCoverage":"2021/2035"' in home
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>' in (
        home
    )
    assert ">菏泽知识产权规划知识图谱<" in home  # the short title, in every page's header
    assert "菏泽 → 山东 → 国家：实现关系 · Heze → Shandong → nation" in (
        site / "pictures" / "trace.svg"
    ).read_text(encoding="utf-8")
    chart = (site / "pictures" / "indicators.svg").read_text(encoding="utf-8")
    assert "主要指标：菏泽、山东与国家的基期值和目标值" in chart
    assert "蓝：市级　绿：省级　橙：国家级" in chart
    assert ".level-provincial{fill:#3f8f4f}" in chart
    levels = (site / "static" / "levels.css").read_text(encoding="utf-8")
    assert ".level-municipal { background: #2f5f94; }" in levels
    assert ".chart rect.level-national { fill: #b5651d; }" in levels


def test_a_synthetic_corpus_publishes_its_own_title_not_hezes(synthetic: Path) -> None:
    site = synthetic / "site"
    void = Graph().parse(synthetic / "void.ttl")
    dataset = URIRef(DATASET)
    assert set(void.objects(dataset, DCTERMS.title)) == {
        Literal("合成规划语料知识图谱（非官方）", lang="zh"),
        Literal("Synthetic plan corpus (not official)", lang="en"),
    }
    assert void.value(PERIOD, DCAT.endDate) == Literal("2025", datatype=XSD.gYear)
    assert (
        _h1(site / "index.html")
        == "|合成规划语料知识图谱（非官方）||Synthetic plan corpus (not official)|"
    )
    for path in ("index.html", "pictures/trace.svg", "pictures/indicators.svg"):
        text = (site / path).read_text(encoding="utf-8")
        assert "菏泽" not in text, path
        assert "Heze" not in text, path
    assert "合成：市 → 省 → 国家：实现关系" in (site / "pictures" / "trace.svg").read_text(
        encoding="utf-8"
    )
    # The home page is about the corpus's main document: its outline and its indicator chart.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="id/synthetic-city-0001/part-1/' in home
    assert "合成：市、省与国家的主要指标基期值和目标值" in home
    # The catalogue runs on it too (the queries' own defaults name the Heze plan).
    queries = (site / "queries" / "index.html").read_text(encoding="utf-8")
    main = f"<code>{SYNTHETIC_BASE}synthetic-city-0001</code>"
    assert queries.count(f"<code>plan</code> = {main}") == 2
    assert queries.count(f"<code>child</code> = {main}") == 5


def test_void_uri_space_and_examples_follow_base(synthetic: Path) -> None:
    void = Graph().parse(synthetic / "void.ttl")
    dataset = URIRef(DATASET)
    assert void.value(dataset, VOID.uriSpace) == Literal(SYNTHETIC_BASE)
    assert set(void.objects(dataset, VOID.exampleResource)) == {
        URIRef(SYNTHETIC_BASE + "synthetic-city-0001"),
        URIRef(SYNTHETIC_BASE + "synthetic-city-0001/part-2/task-area-1/task-1"),
    }


def test_the_synthetic_void_conforms_to_dcat_ap_3(synthetic: Path) -> None:
    findings = dcat_ap_findings(Graph().parse(synthetic / "void.ttl"), "none")
    assert [f for f in findings if f.severity == "Violation"] == []


def test_coverage_defaults_to_the_main_document_and_titles_its_picture(
    corpus: Path, tmp_path: Path
) -> None:
    svg = tmp_path / "coverage.svg"
    args = ["coverage", "--data", str(corpus), "--format", "csv", "--svg", str(svg)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    rows = {(r[0].rsplit("/", 1)[1], r[1].rsplit("#", 1)[1]): r[2:] for r in _csv(result.stdout)}
    assert {parent for parent, _ in rows} == {"synthetic-province-01", "synthetic-nation"}
    declared, _, covered, *_ = rows["synthetic-province-01", "Task"]
    assert 0 < int(covered) <= int(declared)  # the first city takes up its province's tasks
    picture = svg.read_text(encoding="utf-8")
    assert (
        "<title>合成：市 → 省 → 国家：实现关系 · Synthetic: city → province → nation</title>"
        in (picture)
    )
    assert 'fill="#eaf6ea"' in picture  # a provincial box, in the colour metadata.yaml gives


def _csv(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.splitlines()[1:]]


def _copy(corpus: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    shutil.copytree(corpus, folder)
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message", "above"),
    [
        ("  end: 2025", "  end: 2019", "period: end 2019 is before start 2021", 0),
        ("    bar: '#3f8f4f'", "    bar: green", "bar must be a colour written #rrggbb", 0),
        ("main_document: synthetic-city-0001", "main_document: a b", "main_document 'a b'", 0),
        ("short_title:", "shorttitle:", "unknown key(s) shorttitle", 0),
        # A rule across levels names the second level's name, the line above its Chinese.
        ("      zh: 绿", "      zh: 蓝", "colour name '蓝' is municipal's too", 1),
    ],
    ids=["period", "colour", "slug", "unknown-key", "same-colour-name"],
)
def test_a_bad_metadata_file_is_one_error_naming_its_line(
    corpus: Path, tmp_path: Path, old: str, new: str, message: str, above: int
) -> None:
    folder = _copy(corpus, tmp_path)
    path = folder / "metadata.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_metadata(path)
    assert raised.value.file == str(path)
    assert message in raised.value.message
    assert raised.value.line == line - above
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["publish", "--data", str(folder), "-o", str(out)])
    assert result.exit_code == 2
    (error,) = result.stderr.splitlines()
    assert error.startswith(f"heze-ip-kg: error: {path}:")
    assert message in error
    assert not out.exists()  # refused before anything was built or written


def test_a_data_folder_without_metadata_is_refused(corpus: Path, tmp_path: Path) -> None:
    folder = _copy(corpus, tmp_path)
    (folder / "metadata.yaml").unlink()
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["publish", "--data", str(folder), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"heze-ip-kg: error: {folder / 'metadata.yaml'}: no such file: a data folder needs one "
        "to publish or draw (docs/metadata.md)\n"
    )
    assert not out.exists()


def test_the_project_file_and_the_generated_one_load(corpus: Path) -> None:
    project = load_metadata(data_dir() / "metadata.yaml")
    assert project.main_document == "heze-ip-plan-14fyp"
    assert (project.period.start, project.period.end) == (2021, 2035)
    assert [level for level, _ in project.levels()] == ["municipal", "provincial", "national"]
    synthetic = load_metadata(corpus / "metadata.yaml")
    assert synthetic.main_document == "synthetic-city-0001"
    assert synthetic.description.en.startswith("2 city, 1 provincial and 1 national synthetic")
    # The project's choices, not facts of the data, are copied: licence and colours.
    for key in ("licence", "publisher", "themes", "colours"):
        assert synthetic.model_dump()[key] == project.model_dump()[key], key
