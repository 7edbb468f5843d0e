"""Incremental publishing: after one plan changes, the publication equals a full one, byte for byte.

A synthetic corpus of five city plans (with their province and the nation) is published with a
cache; the runs after it report, through ``PublishRun``, which stages ran and how many files
were written or kept — counts, not timings.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner

from heze_ip_kg import pipeline
from heze_ip_kg.cli.main import main
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus
from heze_ip_kg.errors import OutputError
from heze_ip_kg.files import keyed, rendered
from heze_ip_kg.files.atomic import MARKER
from heze_ip_kg.progress import Stages
from heze_ip_kg.publish import incremental as publish_incremental
from heze_ip_kg.publish.describe import page_path
from heze_ip_kg.publish.incremental import PublishRun, build_key, publish_project
from heze_ip_kg.publish.stamp import Stamp
from heze_ip_kg.resources import data_dir as project_data
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE

STAMP = Stamp("0.0.0+test", "2026-01-01", "SOURCE_DATE_EPOCH")
FULL = ("build", "validate", "publish")
CHANGED = "synthetic-city-0003.txt"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _publish(data: Path, out: Path, cache: Path | None, stages: Stages | None = None) -> PublishRun:
    return publish_project(
        out, data=data, fast=True, workers=2, cache=cache, stamp=STAMP, stages=stages
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    write_corpus(generate_corpus(5, seed=2), data)
    return data


def _change_plan(data: Path) -> None:
    """Edit one sentence of one city plan (a change of text, offsets and triples)."""
    path = data / "sources" / CHANGED
    text = path.read_text(encoding="utf-8")
    assert "进一步" in text
    path.write_text(text.replace("进一步", "更进一步", 1), encoding="utf-8")


def test_incremental_publish_equals_full_publish(corpus: Path, tmp_path: Path) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    first = _publish(corpus, dist, cache)
    assert first.stages == FULL
    assert first.summary.kept == 0
    assert first.summary.written > 1000
    assert first.summary.rendered == len(first.summary.digests or {}) > 500  # every page
    assert first.summary.built == first.summary.rendered  # every page's model built
    assert first.summary.reads is not None
    assert sorted(first.summary.reads.pages) == sorted(first.summary.digests or {})
    before = _files(dist)

    again = _publish(corpus, dist, cache)
    assert again.stages == ()  # same inputs, untouched output: no stage runs
    assert (again.summary.pages, again.summary.triples) == (
        first.summary.pages,
        first.summary.triples,
    )
    assert again.conforms == first.conforms
    assert _files(dist) == before

    _change_plan(corpus)
    incremental = _publish(corpus, dist, cache)
    assert incremental.stages == FULL
    assert incremental.key != first.key
    # Only what depends on the changed plan is written; the rest is kept from the last run.
    assert 0 < incremental.summary.written < incremental.summary.kept
    assert incremental.summary.written + incremental.summary.kept == first.summary.written
    # And only the pages whose model changed are rendered: those of the edited plan's elements
    # and of what shows them (its organisations, the parents' elements it carries out).
    assert 0 < incremental.summary.rendered < first.summary.rendered // 10
    # Nor is any other page's model built: none of what it read changed (``page_reads``).
    assert incremental.summary.rendered <= incremental.summary.built < first.summary.built // 10
    # The dumps' pieces whose subjects did not change are copied from the previous dumps.
    assert first.summary.dumps is not None
    assert incremental.summary.dumps is not None
    for ext, layout in incremental.summary.dumps.items():
        assert first.summary.dumps[ext].copied == 0
        assert 0 < layout.copied < len(layout.pieces), ext
    changed = _files(dist)
    assert changed != before
    assert changed[f"site/sources/{CHANGED}"] == (corpus / "sources" / CHANGED).read_bytes()

    fresh = _publish(corpus, tmp_path / "fresh", None)
    assert fresh.summary.kept == 0
    expected = _files(tmp_path / "fresh")
    assert sorted(changed) == sorted(expected)  # the same file list
    different = [name for name in expected if changed[name] != expected[name]]
    assert different == []


def test_site_pages_with_unchanged_models_are_not_rendered(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    first = _publish(corpus, dist, cache)
    rendered_here: list[str] = []
    render = jinja2.Template.render

    def counted(self: jinja2.Template, *args: object, **kwargs: object) -> str:
        page = kwargs.get("page")
        if page is not None and self.name != "resource.html":  # pages written by this process
            rendered_here.append(getattr(page, "path", ""))
        return render(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counted)
    again = _publish(corpus, dist, cache, Stages())
    assert again.stages == ()  # nothing rendered: the run is skipped
    _change_plan(corpus)
    changed = _publish(corpus, dist, cache)
    site = first.summary.site_digests or {}
    assert sorted(site) == sorted(changed.summary.site_digests or {})
    assert {"index.html", "search.html", "ontology/index.html"} <= set(site)
    # No other page shows the edit: none is rendered. (The catalogue's pages are rendered in
    # every run, by the page writers when they write the dumps: ``staging``.)
    assert "query.html" not in site
    assert rendered_here == []


def _rename_parent_task(data: Path) -> None:
    """Rename a task of the province's plan: its label shows on the city pages that carry it
    out, in their trace, so pages of other documents read it (through remembered labels)."""
    path = data / "sources" / "synthetic-province-01.txt"
    text = path.read_text(encoding="utf-8")
    assert text.count("1.完善海外维权援助。") == 1
    path.write_text(text.replace("1.完善海外维权援助。", "1.完善海外知识产权维权援助。"), "utf-8")


def _rename_body(data: Path) -> None:
    """Rename a body every plan names: its label shows on the pages of every document."""
    path = data / "organizations.yaml"
    text = path.read_text(encoding="utf-8")
    old, new = "zh: 市场监管部门（合成）", "zh: 市场监督管理部门（合成）"
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), "utf-8")


@pytest.mark.parametrize("change", [_rename_parent_task, _rename_body])
def test_a_change_shown_on_other_documents_pages_builds_them_again(
    corpus: Path, tmp_path: Path, change: Callable[[Path], None]
) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    first = _publish(corpus, dist, cache)
    change(corpus)
    again = _publish(corpus, dist, cache)
    assert 0 < again.summary.rendered <= again.summary.built < first.summary.built
    _publish(corpus, tmp_path / "fresh", None)
    assert _files(dist) == _files(tmp_path / "fresh")  # no page left showing the old name


def test_a_touched_output_or_new_code_is_not_taken_as_current(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    first = _publish(corpus, dist, cache)
    index = dist / "site" / "index.html"
    original = index.read_bytes()
    index.write_bytes(original + b"<!-- edited by hand -->")

    repaired = _publish(corpus, dist, cache)
    assert repaired.stages == FULL  # the output no longer matches what the cache recorded
    assert repaired.summary.written == 1  # the edited page, rewritten; nothing else
    assert index.read_bytes() == original
    assert _publish(corpus, dist, cache).stages == ()

    monkeypatch.setattr(keyed, "code_digest", lambda: "another version of the code")
    monkeypatch.setattr(publish_incremental, "code_digest", keyed.code_digest)
    recoded = _publish(corpus, dist, cache)
    assert recoded.stages == FULL
    assert recoded.key != first.key
    assert recoded.summary.written == 0  # the same output, all of it kept
    # Other code may render the same model otherwise: every page is rendered again.
    assert recoded.summary.rendered == first.summary.rendered


def test_a_page_is_rendered_again_when_its_file_was_touched(corpus: Path, tmp_path: Path) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    first = _publish(corpus, dist, cache)
    digests = first.summary.digests or {}
    document = f"{DEFAULT_BASE}synthetic-city-0002"
    assert document in digests
    page = dist / "site" / (page_path(document, DEFAULT_BASE) or "")
    original = page.read_bytes()
    page.write_bytes(original.replace(b"</html>", b"<!-- edited by hand --></html>"))

    repaired = _publish(corpus, dist, cache)
    assert repaired.stages == FULL
    # Its model did not change, but its file is not the one recorded: rendered and rewritten.
    # Every other page is linked by its unchanged model (in other worker processes than the
    # ones that recorded the digests: a digest depends on the model, not on the process).
    assert (repaired.summary.rendered, repaired.summary.written) == (1, 1)
    assert page.read_bytes() == original
    assert repaired.summary.digests == digests


def test_without_a_record_every_page_is_rendered(corpus: Path, tmp_path: Path) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    first = _publish(corpus, dist, cache)
    (dist / "site" / "index.html").write_bytes(b"edited")  # so that the run is not skipped
    for record in (cache / keyed.PAGES).iterdir():
        record.write_bytes(b"{not json")
    assert rendered.rendered_pages(cache, dist, "any") is None
    again = _publish(corpus, dist, cache)
    assert again.summary.rendered == first.summary.rendered
    assert again.summary.written == 1  # the edited home page; every other file kept by bytes


def test_a_run_reports_the_seconds_of_each_part(corpus: Path, tmp_path: Path) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    full, skipped = Stages(), Stages()
    _publish(corpus, dist, cache, full)
    _publish(corpus, dist, cache, skipped)
    build = ["parse", "build", "responsibility", "align", "monitor"]
    # "reads": what each page model read, for the next run (``page_reads``)
    publish = ["prepare", "release", "write", "list", "swap", "reads"]
    assert list(full.seconds) == ["key", *build, "load store", "validate", *publish, "record"]
    assert all(seconds >= 0 for seconds in full.seconds.values())
    assert list(skipped.seconds) == ["key"]  # found in the cache: nothing else runs
    (dist / "site" / "index.html").write_bytes(b"edited")  # so that the next run is not skipped
    _publish(corpus, dist, cache, updated := Stages())
    # Into a folder holding a publication, with the cache: an update in place.
    # The recorded reads are compared before writing; the commit lists the folder too.
    publish = ["prepare", "release", "reads", "write", "commit"]
    assert list(updated.seconds) == ["key", *build, "load store", "validate", *publish, "record"]


def test_cli_publish_reports_an_unchanged_run(corpus: Path, tmp_path: Path) -> None:
    args = ["publish", "--fast", "--data", str(corpus), "-o", str(tmp_path / "dist")]
    args += ["--cache", str(tmp_path / "cache")]
    runner = CliRunner()
    first = runner.invoke(main, args, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert first.exit_code == 0, first.output
    assert "0 unchanged" in first.stderr
    rendered_pages = re.search(
        r"; (\d+) of (\d+) resource pages rendered \((\d+) built\)", first.stderr
    )
    assert rendered_pages is not None
    # The first run builds and renders every page.
    assert rendered_pages[1] == rendered_pages[2] == rendered_pages[3]
    second = runner.invoke(main, args, env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert second.exit_code == 0, second.output
    assert "unchanged since the recorded run with the same inputs" in second.stderr
    assert list((tmp_path / "cache" / keyed.ENTRIES).glob("*.json"))


def test_graph_commands_read_the_recorded_dump_as_from(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    _publish(corpus, dist, cache)
    dump = dist / "heze-ip-kg.nt"
    assert keyed.find_dump(cache, build_key(corpus, DEFAULT_BASE)) == dump.resolve()
    runner = CliRunner()
    query = ["query", "report-indicators", "--format", "csv", "--data", str(corpus)]
    query += ["--param", f"plan={DEFAULT_BASE}synthetic-city-0001"]
    given = runner.invoke(main, [*query, "--from", str(dump)])
    assert given.exit_code == 0, given.output
    assert given.stdout.count("\n") > 2  # the header and rows

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("built from the sources although the cache names a dump")

    monkeypatch.setattr(pipeline, "build_all", no_build)
    cached = runner.invoke(main, [*query, "--cache", str(cache)])
    assert cached.exit_code == 0, cached.output
    assert cached.stdout == given.stdout  # the same rows, read from the same file

    _change_plan(corpus)  # another build key: nothing recorded for it, so the command builds
    assert keyed.find_dump(cache, build_key(corpus, DEFAULT_BASE)) is None
    rebuilt = runner.invoke(main, [*query, "--cache", str(cache)])
    assert rebuilt.exit_code != 0
    assert "built from the sources" in str(rebuilt.exception)


def test_a_manifest_lists_every_file_with_its_stat(tmp_path: Path) -> None:
    import os

    from heze_ip_kg.files.atomic import MARKER
    from heze_ip_kg.files.keyed import manifest

    (tmp_path / "site" / "a").mkdir(parents=True)
    (tmp_path / "site" / "a" / "page.html").write_bytes(b"<p>x</p>")
    (tmp_path / "dump.nt").write_bytes(b"")
    (tmp_path / MARKER).write_bytes(b"publish")
    (tmp_path / "cached.pyc").write_bytes(b"\0")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "other.txt").write_bytes(b"not listed")
    (tmp_path / "site" / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "site" / "page-link.html").symlink_to(tmp_path / "site" / "a" / "page.html")
    found = manifest(tmp_path / "site")
    assert sorted(found) == ["a/page.html", "page-link.html"]  # a linked folder is not walked
    st = os.stat(tmp_path / "site" / "a" / "page.html")
    assert found["a/page.html"] == [st.st_size, st.st_mtime_ns, st.st_ino]
    assert found["page-link.html"] == found["a/page.html"]  # a linked file: its target's stat
    assert sorted(manifest(tmp_path)) == [
        "dump.nt",
        "elsewhere/other.txt",
        "site/a/page.html",
        "site/page-link.html",
    ]  # no marker, no .pyc


def test_the_cache_keeps_the_entries_of_the_runs_that_hold_a_folder(
    corpus: Path, tmp_path: Path
) -> None:
    dist, other, cache = tmp_path / "dist", tmp_path / "other", tmp_path / "cache"

    def entries() -> dict[str, list[str]]:
        return {
            folder: sorted(p.stem for p in (cache / folder).glob("*.json"))
            for folder in (keyed.ENTRIES, keyed.PAGES)
        }

    first = _publish(corpus, dist, cache)
    _publish(corpus, other, cache)  # the same inputs: one key, held by two folders
    assert entries() == {keyed.ENTRIES: [first.key], keyed.PAGES: [first.key]}
    _change_plan(corpus)
    second = _publish(corpus, dist, cache)
    # The first run's entries stay: the other folder still holds its output.
    assert entries() == {
        folder: sorted([first.key, second.key]) for folder in (keyed.ENTRIES, keyed.PAGES)
    }
    _change_plan(corpus)
    third = _publish(corpus, dist, cache)
    # The second run's output is gone from every folder, and so are its entries.
    assert entries() == {
        folder: sorted([first.key, third.key]) for folder in (keyed.ENTRIES, keyed.PAGES)
    }
    assert keyed.output_key(cache, dist) == third.key
    assert keyed.output_key(cache, other) == first.key
    assert _publish(corpus, dist, cache).stages == ()  # the kept entry still skips a run


def test_an_observation_changed_renders_only_what_shows_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(project_data(), data)
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    first = _publish(data, dist, cache)
    observations = data / "observations" / "public.csv"
    text = observations.read_text(encoding="utf-8")
    row = "national-ip-plan-14fyp/indicator-1,2022,9.4,"
    assert text.count(row) == 1
    observations.write_text(text.replace(row, row.replace(",9.4,", ",9.5,")), encoding="utf-8")

    changed = _publish(data, dist, cache)
    assert changed.stages == FULL
    # The indicator's page and CSV, its observation and progress, the cards of the indicators
    # that carry it out: a few pages, not the plans'.
    assert 0 < changed.summary.rendered < first.summary.rendered // 20
    assert changed.summary.rendered <= changed.summary.built < first.summary.built // 20
    csv = (
        dist
        / "site"
        / (
            page_path(f"{DEFAULT_BASE}national-ip-plan-14fyp/indicator-1", DEFAULT_BASE, "csv")
            or ""
        )
    )
    assert "9.5" in csv.read_text(encoding="utf-8")

    _publish(data, tmp_path / "fresh", None)
    assert _files(dist) == _files(tmp_path / "fresh")


def test_an_update_in_place_replaces_files_and_never_writes_into_them(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist, cache, backup = tmp_path / "dist", tmp_path / "cache", tmp_path / "backup"
    first = _publish(corpus, dist, cache)
    before = _files(dist)
    # Links to the very files (inodes) of the first publication: a write through into them,
    # rather than a new file renamed over, would show here after the run.
    for path in before:
        (backup / path).parent.mkdir(parents=True, exist_ok=True)
        os.link(dist / path, backup / path)
    times = {path: (backup / path).stat().st_mtime_ns for path in before}
    # Files the new publication lacks go: one added by hand, in a folder of its own.
    (dist / "site" / "by-hand").mkdir()
    (dist / "site" / "by-hand" / "note.html").write_text("not ours")
    (dist / "site" / "empty-by-hand").mkdir()
    _change_plan(corpus)
    real_link, links = os.link, []

    def noted_link(source: object, target: object) -> None:
        links.append(target)
        real_link(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "link", noted_link)
    changed = _publish(corpus, dist, cache)
    monkeypatch.undo()
    # Nothing kept is linked into a new folder: the only links are a changed dump's, into the
    # site's dumps folder (two per format: the file and its gzip).
    assert 0 < len(links) <= 6
    assert all("/site/dumps/" in str(target) for target in links)
    assert _files(backup) == before
    assert {path: (backup / path).stat().st_mtime_ns for path in before} == times
    after = _files(dist)
    same = [p for p in before if after.get(p) == before[p] and p != MARKER]
    assert len(same) == changed.summary.kept == first.summary.written - changed.summary.written
    # An unchanged file is the very file the first run wrote; a changed one is a new file.
    assert all(os.path.samefile(dist / path, backup / path) for path in same)
    assert not any(
        os.path.samefile(dist / p, backup / p) for p in set(after) & set(before) - {*same, MARKER}
    )
    assert not (dist / "site" / "by-hand").exists()
    assert not (dist / "site" / "empty-by-hand").exists()
    # What the cache records of the folder, from the commit's own walk, is what a walk finds.
    entry = json.loads((cache / keyed.ENTRIES / f"{changed.key}.json").read_bytes())
    assert entry["manifest"] == keyed.manifest(dist)
    _publish(corpus, tmp_path / "fresh", None)
    assert after == _files(tmp_path / "fresh")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "backup",
        "cache",
        "data",
        "dist",
        "fresh",
    ]  # no staging folder left


def test_a_commit_cut_short_is_put_right_by_the_next_run(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist, cache = tmp_path / "dist", tmp_path / "cache"
    _publish(corpus, dist, cache)
    before = _files(dist)
    _change_plan(corpus)
    _publish(corpus, tmp_path / "fresh", None)
    expected = _files(tmp_path / "fresh")
    real_replace, calls = os.replace, [0]

    def failing_replace(source: object, target: object) -> None:
        calls[0] += 1
        if calls[0] > 5:  # halfway through the renames: the folder holds some of each run
            raise OSError(28, "No space left on device", str(target))
        real_replace(source, target)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OutputError):
        _publish(corpus, dist, cache)
    monkeypatch.undo()
    mixed = _files(dist)
    assert mixed not in (before, expected)  # some files of each run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data", "dist", "fresh"]
    # The record still names the first run, whose files no longer all match: the next run
    # renders those again and puts the folder right.
    repaired = _publish(corpus, dist, cache)
    assert repaired.stages == FULL
    assert _files(dist) == expected
