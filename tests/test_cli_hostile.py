"""The command line under hostile input (issue 14): each case is a real process.

Each class of bad input must end with its exit code (2 for bad input, 3 for an output the system
refused to write), exactly one line on stderr naming the place, no traceback, and nothing left
behind: no output file or folder, no temporary or staging file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = DATA / "sources" / "000_5c974d2b1e7beda6.txt"
PREFIX = "heze-ip-kg: error: "


@dataclass(frozen=True)
class Run:
    code: int
    stdout: bytes
    stderr: str

    def error(self) -> str:
        """The one error line, without the ``heze-ip-kg: error:`` prefix."""
        assert "Traceback" not in self.stderr, self.stderr
        lines = self.stderr.splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith(PREFIX), lines[0]
        return lines[0][len(PREFIX) :]


def run(*args: str | Path, timeout: float = 120, stdin: bytes | None = None) -> Run:
    """``python -m heze_ip_kg ARGS`` in a process of its own."""
    done = subprocess.run(
        [sys.executable, "-m", "heze_ip_kg", *map(str, args)],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))


def listing(folder: Path) -> list[str]:
    """Every path under ``folder``, hidden ones included, relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# --- the parser: a heading repeated 100 times -------------------------------------------------


def test_a_heading_repeated_100_times_names_its_line(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("（一）指导思想\n" * 100, encoding="utf-8")
    result = run("parse", plan, "-o", tmp_path / "out.ttl")
    assert result.code == 2
    assert result.error().startswith(f"{plan}:100:1: the numbering restarts at （一） here")
    assert listing(tmp_path) == ["plan.txt"]


def test_a_heading_repeated_99_times_is_99_parts(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("（一）指导思想\n" * 99, encoding="utf-8")
    result = run("parse", plan, "--format", "json")
    assert result.code == 0, result.stderr
    assert result.stdout.count(b'"kind": "part"') == 99


def test_build_of_a_heading_repeated_100_times_names_the_source_line(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    (data / "sources" / SEED.name).write_text("（一）指导思想\n" * 100, encoding="utf-8")
    result = run("build", "--data", data, "-o", tmp_path / "dist")
    assert result.code == 2
    assert result.error().startswith(f"{data / 'sources' / SEED.name}:100:1: ")
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # A list that has reached its last number cannot go on (an IndexError once).
        ("一、甲\n" + "".join(f"{c}乙\n" for c in "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳") + "③丙\n", ":22:1: "),
    ],
)
def test_numbering_past_its_last_number_names_its_line(
    tmp_path: Path, text: str, place: str
) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text(text, encoding="utf-8")
    result = run("parse", plan)
    assert result.code == 2
    assert result.error().startswith(f"{plan}{place}numbering out of sequence: ③ where the list")


def test_a_malformed_chinese_numeral_is_plain_text(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("一、甲\n十十、乙\n一二十、丙\n", encoding="utf-8")  # a ValueError once
    result = run("parse", plan, "--format", "json")
    assert result.code == 0, result.stderr


def copy_data(tmp_path: Path) -> Path:
    """A copy of the project's data folder to damage."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))
