"""The dumps written in pieces: cut by subject, gzipped as members, copied when unchanged."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.publish import dump_pieces
from heze_ip_kg.publish.dump_pieces import DumpLayout, cut, previous_dump, write_dump
from heze_ip_kg.rdfio.dump_blocks import DumpBlocks, serialize_index
from heze_ip_kg.rdfio.index import TripleIndex
from heze_ip_kg.vocab.namespaces import RDFS

EX = "https://example.org/id/"
FORMATS = ("nt", "ttl", "jsonld")


def _graph(subjects: int, changed: int | None = None, extra: bool = False) -> Graph:
    graph = Graph()
    for i in range(subjects):
        label = f"元素 {i}" + (" (改)" if i == changed else "")
        graph.add((URIRef(f"{EX}e{i:05d}"), RDFS.label, Literal(label, lang="zh")))
        graph.add((URIRef(f"{EX}e{i:05d}"), RDFS.seeAlso, URIRef(f"{EX}e{(i + 1):05d}")))
    if extra:
        graph.add((URIRef(f"{EX}e00000x"), RDFS.comment, Literal("new")))
    return graph


def _digest(index: TripleIndex):  # type: ignore[no-untyped-def]
    def digest(subject: Node) -> str:
        return hashlib.sha256(repr(index.forward[subject]).encode()).hexdigest()

    return digest


def _files(folder: Path) -> dict[str, list[int]]:
    return {
        p.name: [p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino] for p in folder.iterdir()
    }


def test_cuts_depend_on_the_subjects_alone() -> None:
    subjects = [URIRef(f"{EX}e{i:05d}") for i in range(3000)]
    pieces = cut(subjects)
    assert len(pieces) > 2
    assert [s for piece in pieces for s in piece] == subjects
    # A subject added moves no cut but its own: every other piece is still there.
    added = sorted([*subjects, URIRef(f"{EX}e00100x")])
    after = cut(added)
    assert len([p for p in after if list(p) not in [list(q) for q in pieces]]) == 1


@pytest.mark.parametrize("ext", FORMATS)
def test_a_dump_in_pieces_is_the_whole_dump(tmp_path: Path, ext: str) -> None:
    index = TripleIndex(_graph(2500))
    layout = write_dump(index, "d", ext, tmp_path, _digest(index))
    plain = (tmp_path / f"d.{ext}").read_bytes()
    assert plain == serialize_index(index, ext)
    # gzip reads the members as one stream; each member holds one piece.
    unpacked = subprocess.run(["gzip", "-dc", str(tmp_path / f"d.{ext}.gz")], capture_output=True)
    assert unpacked.returncode == 0
    assert unpacked.stdout == plain
    assert len(layout.pieces) == len(cut(DumpBlocks(index, ext).subjects())) > 2
    assert layout.sizes() == (len(plain), (tmp_path / f"d.{ext}.gz").stat().st_size)
    assert DumpLayout.from_json(json.loads(json.dumps(layout.to_json()))) == layout


@pytest.mark.parametrize("ext", FORMATS)
@pytest.mark.parametrize("change", ["label", "subject added"])
def test_unchanged_pieces_are_copied(tmp_path: Path, ext: str, change: str) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    first = TripleIndex(_graph(2500))
    recorded = write_dump(first, "d", ext, before, _digest(first))
    edited = _graph(2500, changed=1234 if change == "label" else None, extra=change != "label")
    index = TripleIndex(edited)
    found = previous_dump(before, f"d.{ext}", recorded.to_json(), _files(before))
    assert found is not None
    layout = write_dump(index, "d", ext, after, _digest(index), found)
    fresh = tmp_path / "fresh"
    write_dump(index, "d", ext, fresh)  # no digests: every piece written
    for name in (f"d.{ext}", f"d.{ext}.gz"):
        assert (after / name).read_bytes() == (fresh / name).read_bytes()
    assert layout.copied == len(layout.pieces) - 1  # only the piece that changed is written


def test_blocks_are_written_only_for_pieces_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = TripleIndex(_graph(2500))
    recorded = write_dump(first, "d", "ttl", tmp_path / "a", _digest(first))
    index = TripleIndex(_graph(2500, changed=7))
    written: list[Node] = []
    block = DumpBlocks.block
    monkeypatch.setattr(DumpBlocks, "block", lambda self, s: written.append(s) or block(self, s))
    found = previous_dump(tmp_path / "a", "d.ttl", recorded.to_json(), _files(tmp_path / "a"))
    layout = write_dump(index, "d", "ttl", tmp_path / "b", _digest(index), found)
    piece = next(p for p in cut(DumpBlocks(index, "ttl").subjects()) if URIRef(f"{EX}e00007") in p)
    assert written == list(piece)
    assert layout.copied == len(layout.pieces) - 1


def test_a_previous_dump_is_used_only_as_recorded(tmp_path: Path) -> None:
    index = TripleIndex(_graph(600))
    recorded = write_dump(index, "d", "nt", tmp_path, _digest(index)).to_json()
    files = _files(tmp_path)
    assert previous_dump(tmp_path, "d.nt", recorded, files) is not None
    assert previous_dump(tmp_path, "d.nt", {"head": [0]}, files) is None  # not a layout
    assert previous_dump(tmp_path, "d.nt", None, files) is None
    shorter = {**recorded, "tail": [1, 0]}  # sizes that are not the files'
    assert previous_dump(tmp_path, "d.nt", shorter, files) is None
    os.utime(tmp_path / "d.nt.gz", ns=(0, 0))  # touched since the recorded run
    assert previous_dump(tmp_path, "d.nt", recorded, files) is None


def test_an_empty_dump_is_still_a_gzip(tmp_path: Path) -> None:
    for ext in FORMATS:
        layout = write_dump(TripleIndex(Graph()), "d", ext, tmp_path)
        assert not layout.pieces
        unpacked = subprocess.run(
            ["gzip", "-dc", str(tmp_path / f"d.{ext}.gz")], check=True, capture_output=True
        )
        assert unpacked.stdout == (tmp_path / f"d.{ext}").read_bytes()


def test_copying_reads_every_byte_it_was_asked_for(tmp_path: Path) -> None:
    source, target = tmp_path / "s", tmp_path / "t"
    source.write_bytes(bytes(range(256)) * 5000)
    with source.open("rb", buffering=0) as s, target.open("wb", buffering=0) as t:
        dump_pieces._copy(s, t, 1000, 300_000)
        with pytest.raises(OSError, match="shorter than its recorded layout"):
            dump_pieces._copy(s, t, 1_279_000, 2000)
    assert target.read_bytes()[:300_000] == source.read_bytes()[1000:301_000]
