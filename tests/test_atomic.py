"""All-or-nothing outputs: ``build``, ``publish`` and ``load`` killed at random points.

A killed run must leave the previous output whole — the folder byte for byte as the previous run
wrote it, or as the new run writes it, never a mix — and the named graph on a server either the
old graph or the new one. ``publish --cache`` updates a previous publication in place, a mix
only while it renames (``files.atomic.updated_in_place``): killed before, the folder is whole.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from rdflib import BNode, Graph

from heze_ip_kg.errors import InputError
from heze_ip_kg.files.atomic import MARKER, MARKER_TEXT, atomic_directory, updated_in_place
from heze_ip_kg.pipeline import build_dataset, load_project
from heze_ip_kg.query import remote
from heze_ip_kg.query.backends import EndpointBackend
from heze_ip_kg.query.execute import load_query
from heze_ip_kg.query.remote import load_graph
from tests.servers import Server, oxigraph_server

OTHER_BASE = "https://example.org/other/"
KILLS = 4


def digest(folder: Path) -> str:
    """A hash of every file's path and bytes under ``folder``."""
    total = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        total.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return total.hexdigest()


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "heze_ip_kg", *args]


# --- the folder swap itself ---------------------------------------------------------------


def test_a_run_replaces_the_folder_as_a_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with atomic_directory(out) as staging:
        (staging / "old.txt").write_text("old")
    with atomic_directory(out) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "new.txt"]  # no stale file
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left


@pytest.mark.parametrize("how", ["swap", "update in place, before its commit"])
def test_an_error_inside_leaves_the_previous_folder(tmp_path: Path, how: str) -> None:
    out = tmp_path / "out"
    with atomic_directory(out) as staging:
        (staging / "kept.txt").write_text("kept")
    before = digest(out)

    def interrupted() -> None:
        if how == "swap":
            with atomic_directory(out) as staging:
                (staging / "half.txt").write_text("half")
                raise RuntimeError("interrupted")
        with updated_in_place(out) as update:
            (update.staging / "kept.txt").write_text("half")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted()
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_folder_not_written_by_us_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("precious")
    with (
        pytest.raises(InputError, match="was not written by heze-ip-kg"),
        atomic_directory(tmp_path),
    ):
        pass
    assert (tmp_path / "mine.txt").read_text() == "precious"


def test_an_unmarked_output_of_an_earlier_version_is_taken_over(tmp_path: Path) -> None:
    (tmp_path / "heze-ip-kg.ttl").write_text("old dump")
    (tmp_path / "site").mkdir()
    with atomic_directory(tmp_path) as staging:
        (staging / "heze-ip-kg.ttl").write_text("new dump")
    assert (tmp_path / "heze-ip-kg.ttl").read_text() == "new dump"
    assert not (tmp_path / "site").exists()


def test_staging_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    stale = tmp_path / f".out-staging-{dead.stdout.strip()}-abc"
    stale.mkdir()
    with atomic_directory(tmp_path / "out") as staging:
        (staging / "x").write_text("x")
    assert not stale.exists()


# --- an update in place ---------------------------------------------------------------------


def _tree_of(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text() if p.is_file() else "/"
        for p in sorted(folder.rglob("*"))
    }


def _write_files(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)


def test_an_update_renames_the_staged_files_and_removes_what_is_neither_kept_nor_staged(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    with atomic_directory(out) as staging:
        _write_files(
            staging,
            {
                "kept.txt": "kept",
                "changed.txt": "old",
                "gone/deep/file.txt": "gone",
                "page": "a file where a folder now goes",
                "folder/inner.txt": "a folder where a file now goes",
            },
        )
    kept_inode = (out / "kept.txt").stat().st_ino
    with updated_in_place(out) as update:
        _write_files(
            update.staging,
            {
                "changed.txt": "new",
                "added/new.txt": "added",
                "page/index.html": "page",
                "folder": "now a file",
            },
        )
        update.kept.add("kept.txt")
        assert (out / "changed.txt").read_text() == "old"  # nothing changes before the commit
        update.commit()
    assert _tree_of(out) == {
        MARKER: MARKER_TEXT.decode(),
        "added": "/",
        "added/new.txt": "added",
        "changed.txt": "new",
        "folder": "now a file",
        "kept.txt": "kept",
        "page": "/",
        "page/index.html": "page",
    }
    assert (out / "kept.txt").stat().st_ino == kept_inode  # left where it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left


def test_an_update_of_a_folder_not_written_by_us_is_refused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not written by heze-ip-kg"), updated_in_place(home):
        pass
    assert (home / "notes.txt").read_text() == "mine"


# --- killed commands ------------------------------------------------------------------------


def kill_while_staging(command: list[str], out: Path, after: float) -> int:
    """Start ``command``; once its staging folder beside ``out`` appears (the run is writing the
    new output, the swap is still to come), wait ``after`` seconds and kill it.

    Timed from what the run does, not from the clock, so that a loaded machine changes nothing.
    """
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pattern = f".{out.name}-staging-{process.pid}-*"
    while process.poll() is None and not any(out.parent.glob(pattern)):
        time.sleep(0.005)
    time.sleep(after)
    process.send_signal(signal.SIGKILL)
    return process.wait()


def killed_runs_leave_old_or_new(out: Path, old: list[str], new: list[str]) -> None:
    """Run ``old`` into ``out``, ``new`` into a reference folder, then kill ``new`` runs: the
    first as soon as it starts writing its staging folder, the others a random moment later
    (before the swap or after it)."""
    assert subprocess.run([*old, "-o", str(out)], capture_output=True).returncode == 0
    reference = out.with_name("reference")
    assert subprocess.run([*new, "-o", str(reference)], capture_output=True).returncode == 0
    old_digest, new_digest = digest(out), digest(reference)
    assert old_digest != new_digest
    rng = random.Random(20221)
    delays = [0.0, *sorted(rng.uniform(0.0, 3.0) for _ in range(KILLS - 1))]
    outcomes = []
    for delay in delays:
        kill_while_staging([*new, "-o", str(out)], out, delay)
        found = digest(out)
        assert found in (old_digest, new_digest), f"mixed output after a kill at +{delay:.1f} s"
        outcomes.append("new" if found == new_digest else "old")
        if found == new_digest:  # put the old one back for the next kill
            assert subprocess.run([*old, "-o", str(out)], capture_output=True).returncode == 0
    assert outcomes[0] == "old"  # killed while writing its staging folder: before the swap
    # The next complete run clears what the killed ones left beside the folder.
    assert subprocess.run([*new, "-o", str(out)], capture_output=True).returncode == 0
    assert digest(out) == new_digest
    assert sorted(p.name for p in out.parent.iterdir()) == sorted([out.name, "reference"])


def test_killed_build_leaves_the_previous_dumps_whole(tmp_path: Path) -> None:
    killed_runs_leave_old_or_new(
        tmp_path / "dist", cli("build", "--base", OTHER_BASE), cli("build")
    )


def test_killed_publish_leaves_the_previous_publication_whole(tmp_path: Path) -> None:
    killed_runs_leave_old_or_new(
        tmp_path / "dist",
        cli("publish", "--site-url", "https://old.example.org/"),
        cli("publish"),
    )


def test_killed_update_in_place_before_its_renames_leaves_the_previous_publication(
    tmp_path: Path,
) -> None:
    """``publish --cache`` updates a previous publication in place: killed while staging (it
    renames nothing before every changed file is staged), the folder is the previous one."""
    out, cache = tmp_path / "dist", tmp_path / "cache"
    old = cli("publish", "--site-url", "https://old.example.org/", "--cache", str(cache))
    new = cli("publish", "--cache", str(cache))
    assert subprocess.run([*old, "-o", str(out)], capture_output=True).returncode == 0
    old_digest = digest(out)
    assert kill_while_staging([*new, "-o", str(out)], out, 0.0) == -signal.SIGKILL
    assert digest(out) == old_digest
    assert subprocess.run([*new, "-o", str(out)], capture_output=True).returncode == 0
    reference = tmp_path / "reference"
    assert (
        subprocess.run([*cli("publish"), "-o", str(reference)], capture_output=True).returncode == 0
    )
    assert digest(out) == digest(reference) != old_digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "dist", "reference"]


# --- a killed load ----------------------------------------------------------------------------

TARGET = "https://w3id.org/heze-ip-kg/id/test-target"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-atomic")) as server:
        yield server


def graph_state(server: Server, old: Graph, new: Graph) -> str:
    backend = EndpointBackend(server.query)
    size = int(backend.select(load_query("report-graph-size"), {"graph": TARGET}).rows[0][0] or 0)
    if size == len(old):
        return "old"
    if size == len(new):
        return "new"
    return f"mixed ({size} triples)"


def _load(graph: Graph, server: Server, how: str) -> None:
    if how == "staging":  # SPARQL Update into a staging graph, then MOVE
        load_graph(graph, TARGET, update_endpoint=server.update, chunk_size=100)
    else:  # Oxigraph's Graph Store: one SPARQL Update of what changed
        load_graph(graph, TARGET, store_endpoint=server.store)


def _previous(how: str) -> Graph:
    """The graph on the server before the load: the two loads must differ in size."""
    if how == "staging":
        old = build_dataset(load_project(base=OTHER_BASE))
        old.remove((None, None, next(iter(old.objects()))))
        return old
    old = build_dataset(load_project())  # an earlier release: 300 triples fewer
    plain = [t for t in old if not any(isinstance(term, BNode) for term in t)]
    for triple in plain[:300]:
        old.remove(triple)
    return old


@pytest.mark.parametrize("how", ["staging", "patch"])
def test_killed_load_leaves_the_previous_graph_whole(oxigraph: Server, how: str) -> None:
    new = build_dataset(load_project())
    old = _previous(how)
    assert len(old) != len(new)
    _load(old, oxigraph, how)
    calls: list[str] = []
    real = remote._send

    def spy(url: str, method: str, *args: object) -> None:
        calls.append(url.rsplit("/", 1)[-1])
        real(url, method, *args)  # type: ignore[arg-type]

    started = time.monotonic()
    with mock.patch.object(remote, "_send", spy):
        _load(new, oxigraph, how)
    duration = time.monotonic() - started
    assert how == "staging" or calls == ["update"]  # the patch, not a PUT
    _load(old, oxigraph, how)
    rng = random.Random(7)
    fork = multiprocessing.get_context("fork")
    for delay in sorted(rng.uniform(0.1, 0.9) * duration for _ in range(KILLS)):
        child = fork.Process(target=_load, args=(new, oxigraph, how))
        child.start()
        time.sleep(delay)
        os.kill(child.pid or 0, signal.SIGKILL)
        child.join()
        # A request the server had whole when the client died still runs to its end (the last
        # one may replace the graph): let it finish before looking, and before the next load.
        time.sleep(duration)
        state = graph_state(oxigraph, old, new)
        assert state in ("old", "new"), f"kill at {delay:.2f} s"
        if state == "new":
            _load(old, oxigraph, how)
    _load(new, oxigraph, how)
    assert graph_state(oxigraph, old, new) == "new"
