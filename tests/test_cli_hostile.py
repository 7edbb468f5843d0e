"""The command line under hostile input (issue 14): each case is a real process.

Each class of bad input must end with its exit code (2 for bad input, 3 for an output the system
refused to write), exactly one line on stderr naming the place, no traceback, and nothing left
behind: no output file or folder, no temporary or staging file.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
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


# --- input size: files, devices, pipes, standard input ------------------------------------------

SIXTEEN_MIB = 16 * 1024 * 1024


def test_dev_zero_is_refused_at_once(tmp_path: Path) -> None:
    begun = time.monotonic()
    result = run("parse", "/dev/zero", "-o", tmp_path / "out.ttl")
    assert result.code == 2
    assert result.error() == "/dev/zero: larger than 16 MiB, the limit for an input file"
    assert time.monotonic() - begun < 30  # it read 4.9 GB in 8 s, then ran out of memory
    assert listing(tmp_path) == []


def test_an_endless_pipe_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "plan.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"yes 一、甲 > '{fifo}'"], stderr=subprocess.DEVNULL)
    try:
        result = run("parse", fifo, "-o", tmp_path / "out.ttl")
    finally:
        writer.kill()
        writer.wait()
    assert result.code == 2
    assert result.error() == f"{fifo}: larger than 16 MiB, the limit for an input file"
    assert listing(tmp_path) == ["plan.fifo"]


def test_standard_input_is_read_to_the_limit(tmp_path: Path) -> None:
    result = run("parse", "-", "-o", tmp_path / "out.ttl", stdin=b"x" * (SIXTEEN_MIB + 1))
    assert result.code == 2
    assert result.error() == "<stdin>: larger than 16 MiB, the limit for an input file"
    assert listing(tmp_path) == []
    plan = run("parse", "-", "--format", "json", stdin=SEED.read_bytes())
    assert plan.code == 0, plan.stderr
    assert b'"name": "<stdin>"' in plan.stdout


def test_a_source_over_the_limit_is_refused_by_build(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    source = data / "sources" / SEED.name
    source.write_bytes(SEED.read_bytes() + b"\n" * SIXTEEN_MIB)  # blank lines: only the size
    result = run("build", "--data", data, "-o", tmp_path / "dist")
    assert result.code == 2
    assert result.error() == f"{source}: larger than 16 MiB, the limit for an input file"
    assert not (tmp_path / "dist").exists()


def test_too_many_lines_name_the_first_line_past_the_limit(tmp_path: Path) -> None:
    plan = tmp_path / "plan.txt"
    plan.write_text("（一）甲\n" + "乙\n" * 60_000, encoding="utf-8")
    result = run("parse", plan, "-o", tmp_path / "out.ttl")
    assert result.code == 2
    assert result.error() == (
        f"{plan}:50001:1: more than 50,000 non-blank lines, the limit for a plan text"
    )
    assert listing(tmp_path) == ["plan.txt"]


# --- curated YAML nested thousands deep --------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["sources/sources.yaml", "organizations.yaml", "parents/national-ip-plan-14fyp.yaml"]
)
@pytest.mark.parametrize(
    ("nested", "place"),
    [
        ("[" * 3000 + "]" * 3000, ":1:33: "),
        ("".join("  " * i + "a:\n" for i in range(3000)), ":32:63: "),
    ],
    ids=["flow", "block"],
)
def test_yaml_nested_3000_deep_is_refused_at_its_place(
    tmp_path: Path, name: str, nested: str, place: str
) -> None:
    data = copy_data(tmp_path)
    (data / name).write_text(nested, encoding="utf-8")
    result = run("build", "--data", data, "-o", tmp_path / "dist")
    assert result.code == 2
    assert result.error() == f"{data / name}{place}invalid YAML: nested deeper than 32 levels"
    assert not (tmp_path / "dist").exists()


# --- slugs and bases: IRI path segments, file names of the site --------------------------------

SLUG_RULE = "must be lower-case ASCII letters, digits and hyphens (other characters %XX-encoded)"


@pytest.mark.parametrize(
    ("slug", "problem"),
    [
        ('"a b"', SLUG_RULE),  # a ValueError from the Turtle writer once
        ('"<x>"', SLUG_RULE),
        ('"../x"', SLUG_RULE),  # once built, into the IRI and the site's folders
        ('"a/b"', SLUG_RULE),
        ('""', SLUG_RULE),
        ('"org"', "is reserved for the IRIs heze-ip-kg mints under the base"),
    ],
)
def test_a_bad_slug_in_sources_yaml_names_its_line(tmp_path: Path, slug: str, problem: str) -> None:
    data = copy_data(tmp_path)
    sources = data / "sources" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("slug: heze-ip-plan-14fyp", f"slug: {slug}"), "utf-8")
    result = run("build", "--data", data, "-o", tmp_path / "dist")
    assert result.code == 2
    written = slug.strip('"')
    assert result.error().startswith(f"{sources}:6: sources[1]: slug {written!r} {problem}")
    assert not (tmp_path / "dist").exists()


def test_a_bad_element_id_in_a_parent_file_names_its_line(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    parent = data / "parents" / "shandong-ip-plan-14fyp.yaml"
    text = parent.read_text(encoding="utf-8")
    parent.write_text(text.replace("  - id: guiding-idea-1\n", '  - id: "a b"\n', 1), "utf-8")
    line = text[: text.index("  - id: guiding-idea-1")].count("\n") + 1
    result = run("build", "--data", data, "-o", tmp_path / "dist")
    assert result.code == 2
    assert result.error() == f"{parent}:{line}: elements[1]: id 'a b' {SLUG_RULE}"
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("slug", ["a b", "../x", "<x>", "x?y", "doc"])
def test_a_bad_slug_option_is_refused(tmp_path: Path, slug: str) -> None:
    result = run("parse", SEED, "--slug", slug, "-o", tmp_path / "out.ttl")
    assert result.code == 2
    assert result.error().startswith(f"--slug {slug!r}: ")
    assert listing(tmp_path) == []


def test_a_file_name_that_makes_a_reserved_slug_asks_for_one(tmp_path: Path) -> None:
    plan = tmp_path / "org.txt"
    shutil.copy(SEED, plan)
    result = run("parse", plan, "-o", tmp_path / "out.ttl")
    assert result.code == 2
    assert result.error().startswith(f"{plan}: the slug 'org' made from its name is reserved")
    assert result.error().endswith("; give --slug")
    assert listing(tmp_path) == ["org.txt"]


@pytest.mark.parametrize(
    ("base", "problem"),
    [
        ("https://example.org/a b/", "holds ' ', which an IRI cannot"),  # a ValueError once
        ("https://example.org/<x>/", "holds '<', which an IRI cannot"),
        ("https://example.org/id", "must end in '/'"),
        ("example.org/id/", "must be an absolute http:// or https:// IRI"),
        ("file:///tmp/", "must be an absolute http:// or https:// IRI"),
        ("https://example.org/id/?x=1/", "must not have a query or a fragment"),
        ("https://example.org/%zz/", "holds a '%' that is not a %XX escape"),
        ("https://example.org/a/../", "must not have '.' or '..' segments"),
    ],
)
@pytest.mark.parametrize("command", ["parse", "build"])
def test_a_bad_base_is_refused_before_anything_runs(
    tmp_path: Path, base: str, problem: str, command: str
) -> None:
    args = [SEED, "-o", tmp_path / "out.ttl"] if command == "parse" else ["-o", tmp_path / "d"]
    result = run(command, *args, "--base", base)
    assert result.code == 2
    assert result.error() == f"--base {base!r}: {problem}"
    assert listing(tmp_path) == []


@pytest.mark.parametrize(
    ("option", "value", "problem"),
    [
        ("--site-url", "https://example.org/a b/", "holds ' ', which an IRI cannot"),
        ("--site-url", "https://example.org/site", "must end in '/'"),  # pages joined to it
        ("--sparql-endpoint", "example.org/sparql", "must be an absolute http:// or https:// IRI"),
        ("--sparql-endpoint", "https://example.org/<sparql>", "holds '<', which an IRI cannot"),
    ],
)
def test_a_bad_publication_address_is_refused(
    tmp_path: Path, option: str, value: str, problem: str
) -> None:
    result = run("publish", "-o", tmp_path / "dist", option, value)  # a ValueError once
    assert result.code == 2
    assert result.error() == f"{option} {value!r}: {problem}"
    assert listing(tmp_path) == []


# --- curated regular expressions ------------------------------------------------------------------


def _with_pattern(data: Path, row: str) -> Path:
    """``data/role-patterns.tsv`` with ``row`` first after the header (line 6)."""
    path = data / "role-patterns.tsv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(i for i, line in enumerate(lines) if line.startswith("id\t"))
    assert header == 4
    lines.insert(header + 1, row + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_catastrophic_role_pattern_stops_at_its_time_limit(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    patterns = _with_pattern(data, "slow\tlead\t*\t{org}(?:[^。；]|[^。；])*X")
    begun = time.monotonic()
    result = run("build", "--data", data, "-o", tmp_path / "dist")
    assert result.code == 2
    assert result.error() == (
        f"{patterns}:6: pattern 'slow' ran past 1 s on one sentence (catastrophic backtracking?)"
    )
    assert time.monotonic() - begun < 30  # it ran for minutes
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize(
    "pattern",
    ["{org}(牵头", "{org}牵头\\", "{org}{2,1}"],
)
def test_a_broken_role_pattern_names_its_line(tmp_path: Path, pattern: str) -> None:
    data = copy_data(tmp_path)
    patterns = _with_pattern(data, f"broken\tlead\t*\t{pattern}")
    result = run("build", "--data", data, "-o", tmp_path / "dist")
    assert result.code == 2
    assert result.error().startswith(f"{patterns}:6: bad pattern: ")
    assert not (tmp_path / "dist").exists()


# --- outputs the system refuses: a full disk, a read-only one ------------------------------------


def _can_mount_privately() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    probe = ["unshare", "-m", "--propagation", "private", "mount", "-t", "tmpfs", "t", "/mnt"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


NEEDS_MOUNT = pytest.mark.skipif(
    not _can_mount_privately(),
    reason="needs root and a private mount namespace (unshare -m) for a small or read-only "
    "tmpfs; CI runs as root",
)


@dataclass(frozen=True)
class DiskRun:
    run: Run
    left: list[str]  # what is on the small disk afterwards (its mount ends with the namespace)
    before: str  # the output of ``setup``
    after: str  # the output of ``check``


def on_small_disk(
    tmp_path: Path,
    *args: str,
    size: str,
    setup: str = "",
    check: str = "",
    read_only: bool = False,
) -> DiskRun:
    """``heze-ip-kg ARGS`` with ``$DISK`` a tmpfs of ``size`` (read-only if asked) mounted in a
    private mount namespace: a real full disk, or a real read-only file system. ``setup`` runs
    before (``heze`` is the command there), ``check`` after."""
    disk, logs = tmp_path / "disk", tmp_path / "logs"
    disk.mkdir()
    logs.mkdir()
    script = f"""
        set -u
        DISK={shlex.quote(str(disk))}; cd {shlex.quote(str(ROOT))}
        heze() {{ {shlex.quote(sys.executable)} -m heze_ip_kg "$@"; }}
        mount -t tmpfs -o size={size} tmpfs "$DISK" || exit 90
        ({setup or ":"}) > '{logs}/before' 2>&1 || exit 91
        {"mount -o remount,ro $DISK || exit 92" if read_only else ""}
        heze {" ".join(args)} > '{logs}/stdout' 2> '{logs}/stderr'
        echo $? > '{logs}/code'
        (cd "$DISK" && find . -mindepth 1 | sort) > '{logs}/left'
        ({check or ":"}) > '{logs}/after' 2>&1
    """
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", script],
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, (done.returncode, done.stderr)
    result = Run(
        int((logs / "code").read_text()),
        (logs / "stdout").read_bytes(),
        (logs / "stderr").read_text(encoding="utf-8"),
    )
    left = [line[2:] for line in (logs / "left").read_text().splitlines()]
    return DiskRun(result, left, (logs / "before").read_text(), (logs / "after").read_text())


DIGEST = '(cd "$DISK" && find . -type f | sort | xargs sha256sum)'


@NEEDS_MOUNT
def test_build_on_a_full_disk_exits_3_and_leaves_nothing(tmp_path: Path) -> None:
    done = on_small_disk(tmp_path, "build", "-o", "$DISK/dist", size="64k")
    assert done.run.code == 3
    assert done.run.error() == f"cannot write {tmp_path}/disk/dist: No space left on device"
    assert done.left == []


@NEEDS_MOUNT
def test_build_on_a_disk_too_small_for_two_keeps_the_previous_output(tmp_path: Path) -> None:
    done = on_small_disk(
        tmp_path,
        "build",
        "-o",
        "$DISK/dist",
        size="5m",  # one build's dumps are 3.7 MB: the new one cannot be staged beside the old
        setup=f"heze build -o $DISK/dist 2>/dev/null && {DIGEST}",
        check=DIGEST,
    )
    assert done.run.code == 3
    assert done.run.error() == f"cannot write {tmp_path}/disk/dist: No space left on device"
    assert done.after == done.before  # the previous dumps, byte for byte
    assert done.left == sorted(
        ["dist", "dist/.heze-ip-kg"] + [f"dist/heze-ip-kg.{ext}" for ext in ("jsonld", "nt", "ttl")]
    )


@NEEDS_MOUNT
def test_publish_on_a_full_disk_exits_3_and_leaves_nothing(tmp_path: Path) -> None:
    # Some pages are written by forked workers: their error comes back through the pool.
    done = on_small_disk(tmp_path, "publish", "-o", "$DISK/dist", "--workers", "2", size="8m")
    assert done.run.code == 3
    assert done.run.error() == f"cannot write {tmp_path}/disk/dist: No space left on device"
    assert done.left == []


@NEEDS_MOUNT
def test_parse_on_a_full_disk_exits_3_and_leaves_nothing(tmp_path: Path) -> None:
    done = on_small_disk(tmp_path, "parse", str(SEED), "-o", "$DISK/plan.ttl", size="16k")
    assert done.run.code == 3
    assert done.run.error() == f"cannot write {tmp_path}/disk/plan.ttl: No space left on device"
    assert done.left == []  # nor the temporary file


@NEEDS_MOUNT
@pytest.mark.parametrize(
    "args",
    [("build", "-o", "$DISK/dist"), ("parse", str(SEED), "-o", "$DISK/plan.ttl")],
    ids=["build", "parse"],
)
def test_a_read_only_disk_exits_3_and_leaves_nothing(tmp_path: Path, args: tuple[str]) -> None:
    done = on_small_disk(tmp_path, *args, size="4m", read_only=True)
    assert done.run.code == 3
    name = Path(args[-1]).name
    assert done.run.error() == f"cannot write {tmp_path}/disk/{name}: Read-only file system"
    assert done.left == []


@NEEDS_MOUNT
def test_a_read_only_output_folder_keeps_the_previous_output(tmp_path: Path) -> None:
    done = on_small_disk(
        tmp_path,
        "build",
        "-o",
        "$DISK/out/dist",
        size="8m",
        # A read-only bind mount of the folder holding the output (root ignores mode bits).
        setup=f"heze build -o $DISK/out/dist 2>/dev/null && mount --bind $DISK/out $DISK/out"
        f" && mount -o remount,bind,ro $DISK/out && {DIGEST}",
        check=DIGEST,
    )
    assert done.run.code == 3
    assert done.run.error() == f"cannot write {tmp_path}/disk/out/dist: Read-only file system"
    assert done.after == done.before
    assert not [name for name in done.left if "staging" in name]


def test_parse_to_dev_full_exits_3(tmp_path: Path) -> None:
    result = run("parse", SEED, "-o", "/dev/full")  # a device is written to, never replaced
    assert result.code == 3
    assert result.error() == "cannot write /dev/full: No space left on device"


def test_standard_output_on_a_full_disk_exits_3() -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "heze_ip_kg", "parse", str(SEED)],
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            check=False,
        )
    result = Run(done.returncode, b"", done.stderr.decode())
    assert result.code == 3
    assert result.error() == "cannot write standard output: No space left on device"


# --- an output that is a symbolic link -----------------------------------------------------------


def _everything(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("command", ["build", "publish", "publish --cache"])
def test_an_output_folder_that_is_a_link_is_written_where_it_leads(
    tmp_path: Path, command: str
) -> None:
    (tmp_path / "here").mkdir()
    (tmp_path / "there").mkdir()
    link = tmp_path / "here" / "dist"
    link.symlink_to("../there/target")  # dangling: the first run makes the folder
    args = command.split()
    if "--cache" in args:  # the second run updates the folder in place (the cache elsewhere)
        args.append(str(tmp_path.with_name(tmp_path.name + "-cache")))
    for turn in range(2):  # a new folder, then a swap with the previous one (or an update)
        if turn and "--cache" in args:
            (link / "site" / "index.html").write_text("edited", encoding="utf-8")
        result = run(*args, "-o", link)
        assert result.code == 0, result.stderr
        assert link.is_symlink()
        assert os.readlink(link) == "../there/target"
        assert (tmp_path / "there" / "target" / "heze-ip-kg.ttl").is_file()
        everything = _everything(tmp_path)
        assert not [name for name in everything if "staging" in name], everything
        assert everything[:3] == ["here", "here/dist", "there"]
        assert all(name.startswith("there/target") for name in everything[3:])
    if "--cache" in args:  # the edited page was put right, in the folder the link leads to
        assert "<html" in (link / "site" / "index.html").read_text(encoding="utf-8")


def test_an_output_file_that_is_a_link_is_written_where_it_leads(tmp_path: Path) -> None:
    link = tmp_path / "plan.ttl"
    link.symlink_to(tmp_path / "real.ttl")
    for _ in range(2):
        result = run("parse", SEED, "-o", link)
        assert result.code == 0, result.stderr
        assert link.is_symlink()
        assert (tmp_path / "real.ttl").stat().st_size > 0
        assert listing(tmp_path) == ["plan.ttl", "real.ttl"]


def test_an_output_that_is_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    # Replaced through a temporary file it became a regular file (as root, -o /dev/null did).
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run("parse", SEED, "--format", "nt", "-o", fifo)
    received = reader.communicate(timeout=60)[0]
    assert result.code == 0, result.stderr
    assert fifo.is_fifo()
    assert received.startswith(b"<https://w3id.org/heze-ip-kg/id/000%5F5c974d2b1e7beda6")
    assert listing(tmp_path) == ["out.fifo"]
