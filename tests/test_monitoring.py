"""Indicator monitoring: observations in, progress status out (docs/progress-method.md).

The method on hand-made series for every status and the edge cases; hand-made observations of
the six Heze indicators through the real ``progress`` command; the graph's RDF Data Cube; and
every kind of bad observation file refused in one line naming its file and line.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from heze_ip_kg.monitor.assessment import Assessment, Series, assess
from heze_ip_kg.pipeline import build_all, load_project
from heze_ip_kg.vocab.namespaces import HIP, QB, RDF, XSD

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/heze-ip-kg/id/"
HEZE = "heze-ip-plan-14fyp/part-1/objective-3/indicator-table/indicator-"


def series(
    baseline: tuple[str, int] | None,
    target: tuple[str, int] | None,
    *observations: tuple[int, str],
    direction: str | None = None,
) -> Series:
    def pair(value: tuple[str, int] | None) -> tuple[Decimal, int] | None:
        return None if value is None else (Decimal(value[0]), value[1])

    seen = tuple((year, Decimal(value)) for year, value in observations)
    return Series(URIRef("urn:x:i"), pair(baseline), pair(target), seen, direction)


# (case, series, status, ratio, share, method); every ratio and share worked out separately from
# the formulas in docs/progress-method.md (not taken from the code's output).
CASES = [
    # R = ((1.4/0.87)^(1/3) − 1) / ((1.75/0.87)^(1/5) − 1) = 0.1719 / 0.1500
    (
        "on track",
        series(("0.87", 2020), ("1.75", 2025), (2023, "1.4")),
        "on-track",
        "1.146",
        "0.602",
        "cagr",
    ),
    (
        "acceleration needed",
        series(("69000", 2020), ("120000", 2025), (2022, "80000")),
        "acceleration-needed",
        "0.656",
        "0.216",
        "cagr",
    ),
    (
        "limited progress",
        series(("0.5", 2020), ("3", 2025), (2024, "0.8")),
        "limited-progress",
        "0.289",
        "0.120",
        "cagr",
    ),
    (
        "deterioration",
        series(("80", 2020), ("85", 2025), (2023, "79")),
        "deterioration",
        "-0.343",
        "-0.200",
        "cagr",
    ),
    (
        "achieved before the target year",
        series(("9", 2020), ("18", 2025), (2024, "20")),
        "achieved",
        "1.486",
        "1.222",
        "cagr",
    ),
    (
        "achieved, then fell back",
        series(("9", 2020), ("18", 2025), (2023, "19"), (2024, "17")),
        "achieved",
        "1.159",
        "0.889",
        "cagr",
    ),
    (
        "not achieved by the target year",
        series(("200", 2020), ("10000", 2025), (2025, "5000")),
        "not-achieved",
        "0.761",
        "0.490",
        "cagr",
    ),
    ("no observation", series(("200", 2020), ("10000", 2025)), "no-data", None, None, None),
    (
        "only the baseline year observed",
        series(("200", 2020), ("10000", 2025), (2020, "200")),
        "no-data",
        None,
        None,
        None,
    ),
    ("no target", series(("200", 2020), None, (2023, "300")), "no-data", None, None, None),
    # A falling indicator: the direction from the target against the baseline, mirrored.
    (
        "falling, on track",
        series(("10", 2020), ("5", 2025), (2022, "7.5")),
        "on-track",
        "1.035",
        "0.500",
        "cagr",
    ),
    (
        "falling, moving away",
        series(("10", 2020), ("5", 2025), (2022, "11")),
        "deterioration",
        "-0.377",
        "-0.200",
        "cagr",
    ),
    (
        "falling, reached",
        series(("10", 2020), ("5", 2025), (2023, "4.9")),
        "achieved",
        "1.635",
        "1.020",
        "cagr",
    ),
    # A zero baseline has no growth rate: linear rates.
    (
        "zero baseline",
        series(("0", 2020), ("10", 2025), (2022, "4")),
        "on-track",
        "1.000",
        "0.400",
        "linear",
    ),
    # No baseline: the first observation stands in for it (a trend only).
    (
        "no baseline: trend",
        series(None, ("12", 2025), (2021, "7.5"), (2023, "11.8")),
        "on-track",
        "2.040",
        "0.956",
        "trend",
    ),
    # The target already met at the baseline (the data states the direction).
    (
        "met at baseline and still met",
        series(("90", 2020), ("85", 2025), (2022, "88"), direction="increase"),
        "achieved",
        None,
        None,
        "cagr",
    ),
    (
        "met at baseline, no longer",
        series(("90", 2020), ("85", 2025), (2022, "80"), direction="increase"),
        "deterioration",
        None,
        None,
        "cagr",
    ),
    # Two sources disagree on the latest year: the least favourable value counts.
    (
        "sources disagree",
        series(("0.87", 2020), ("1.75", 2025), (2023, "1.4"), (2023, "1.1")),
        "limited-progress",
        "0.542",
        "0.261",
        "cagr",
    ),
]


@pytest.mark.parametrize(
    ("series_", "status", "ratio", "share", "method"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_method_gives_each_status(
    series_: Series, status: str, ratio: str | None, share: str | None, method: str | None
) -> None:
    found: Assessment = assess(series_)
    assert found.status == status
    assert found.ratio == (None if ratio is None else Decimal(ratio))
    assert found.share == (None if share is None else Decimal(share))
    assert found.method == method


# --- the six Heze indicators through the command --------------------------------------------

HAND_MADE = [
    (1, 2023, "1.4", "on-track"),
    (2, 2024, "20", "achieved"),
    (3, 2024, "0.8", "limited-progress"),
    (4, 2023, "79", "deterioration"),
    (5, 2025, "5000", "not-achieved"),
    (6, 2022, "80000", "acceleration-needed"),
]


def data_with(tmp_path: Path, files: dict[str, str]) -> Path:
    """The project's data folder with ``files`` (relative path: text) written over it."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("observations"))
    for name, text in files.items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")
    return data


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heze_ip_kg", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows = "".join(
        f"{HEZE}{n},{year},{value},https://example.org/heze/{year},hand-made for the test\n"
        for n, year, value, _ in HAND_MADE
    )
    return data_with(
        tmp_path_factory.mktemp("monitoring"),
        {"observations/test.csv": "indicator,year,value,source,note\n" + rows},
    )


def test_progress_command_gives_each_heze_indicator_its_status(hand_made: Path) -> None:
    done = run("progress", "--data", str(hand_made), "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    for n, year, value, status in HAND_MADE:
        row = rows[BASE + HEZE + str(n)]
        assert (row["status"], row["latestYear"], row["latestValue"]) == (status, str(year), value)
    assert rows[BASE + HEZE + "1"]["ratio"] == "1.146"
    others = [r for iri, r in rows.items() if not iri.startswith(BASE + HEZE)]
    assert others
    assert {r["status"] for r in others} == {"no-data"}  # nothing observed for the parents


def test_observations_are_a_data_cube(hand_made: Path) -> None:
    result = build_all(load_project(hand_made))
    graph: Graph = result.graph
    observations = sorted(graph.subjects(RDF.type, QB.Observation), key=str)
    assert len(observations) == len(HAND_MADE) == len(result.observations)
    dataset = URIRef(BASE + "observations")
    structure = graph.value(dataset, QB.structure)
    assert (structure, RDF.type, QB.DataStructureDefinition) in graph
    dimensions = {graph.value(c, QB.dimension) for c in graph.objects(structure, QB.component)}
    assert {HIP.observedIndicator, HIP.referenceYear, HIP.reportedIn} <= dimensions
    first = URIRef(BASE + "observations/" + HEZE + "1/2023/")
    node = next(o for o in observations if str(o).startswith(str(first)))
    assert graph.value(node, HIP.observedValue) == Literal("1.4", datatype=XSD.decimal)
    assert graph.value(node, HIP.referenceYear) == Literal("2023", datatype=XSD.gYear)
    assert graph.value(node, HIP.measuredIn) == URIRef(BASE + "concept/unit/piece")
    assert (node, QB.dataSet, dataset) in graph
    progress = graph.value(URIRef(BASE + HEZE + "1"), HIP.progress)
    assert graph.value(progress, HIP.progressStatus) == URIRef(
        BASE + "concept/progress-status/on-track"
    )
    assert graph.value(progress, HIP.progressRatio) == Literal("1.146", datatype=XSD.decimal)


def test_the_graph_with_observations_conforms(hand_made: Path) -> None:
    done = run("validate", "--data", str(hand_made))
    assert done.returncode == 0, done.stdout + done.stderr


# --- bad observation files -------------------------------------------------------------------

GOOD = f"{HEZE}1,2023,1.4,https://example.org/a,\n"
BAD = [
    (
        "unknown indicator",
        "heze-ip-plan-14fyp/indicator-9,2023,1,https://example.org/a,\n",
        "no indicator 'heze-ip-plan-14fyp/indicator-9' in the graph",
    ),
    ("bad number", f"{HEZE}1,2023,1.4件,https://example.org/a,\n", "value '1.4件' is not a number"),
    ("bad year", f"{HEZE}1,23,1.4,https://example.org/a,\n", "year '23' is not a four-digit year"),
    ("no source", f"{HEZE}1,2023,1.4,,\n", "empty source"),
    ("source not a URL", f"{HEZE}1,2023,1.4,press release,\n", "source 'press release'"),
    (
        "two values, one source",
        GOOD + f"{HEZE}1,2023,1.5,https://example.org/a,\n",
        "a second value for this indicator, year and source (1.5 here, 1.4 at",
    ),
    ("short row", f"{HEZE}1,2023,1.4\n", "row has 3 cells; the header names 5"),
]


@pytest.mark.parametrize(
    ("row", "message"), [case[1:] for case in BAD], ids=[case[0] for case in BAD]
)
def test_a_bad_observation_is_one_line_naming_file_and_line(
    tmp_path: Path, row: str, message: str
) -> None:
    data = data_with(tmp_path, {"observations/x.csv": "indicator,year,value,source,note\n" + row})
    done = run("build", "--data", str(data), "-o", str(tmp_path / "out"))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    line = row.count("\n") + 1  # the last row's line (after the header)
    assert f"observations/x.csv:{line}: " in lines[0]
    assert message in lines[0]
    assert not (tmp_path / "out").exists()


def test_a_unit_other_than_the_indicators_is_refused(tmp_path: Path) -> None:
    header = "indicator,year,value,source,note,unit\n"
    good = data_with(tmp_path / "good", {"observations/x.csv": header + GOOD[:-1] + ",件\n"})
    assert run("build", "--data", str(good), "-o", str(tmp_path / "good-out")).returncode == 0
    bad = data_with(tmp_path / "bad", {"observations/x.csv": header + GOOD[:-1] + ",亿元\n"})
    done = run("build", "--data", str(bad), "-o", str(tmp_path / "bad-out"))
    assert done.returncode == 2
    assert "x.csv:2: unit '亿元' is not the indicator's unit" in done.stderr


def test_a_stated_direction_is_read_and_checked(tmp_path: Path) -> None:
    good = data_with(
        tmp_path / "good",
        {"indicator-directions.csv": f"indicator,direction,reason\n{HEZE}4,increase,test\n"},
    )
    assert run("build", "--data", str(good), "-o", str(tmp_path / "g")).returncode == 0
    bad = data_with(
        tmp_path / "bad",
        {"indicator-directions.csv": f"indicator,direction,reason\n{HEZE}4,upwards,test\n"},
    )
    done = run("build", "--data", str(bad), "-o", str(tmp_path / "b"))
    assert done.returncode == 2
    message = "direction must be one of increase, decrease, not 'upwards'"
    assert f"indicator-directions.csv:2: {message}" in done.stderr
