"""The dumps written in pieces, so that a run copies from the previous publication's dumps the
pieces whose subjects hold what they held.

A dump is a head, a block per subject in a fixed order, and a tail (``rdfio.dump_blocks``). The
subjects are cut into runs, *pieces*, after each subject whose name's CRC-32 has its low bits
zero: where a cut falls depends on the subjects alone, not on their positions, so a subject
added or removed moves no cut but its own. Each piece is gzipped as a member of its own in the
``.gz`` file (RFC 1952, 2.2: a gzip file is a series of members, which readers decompress as one
stream), and so are the head and the tail.

A piece's key is a digest of its subjects and of the digest of each one's pairs
(``page_reads.CurrentValues.pairs_digest``), with the format and whether it comes first (the
others start with a separator). A run with a cache records each dump's layout: the lengths of
the head, of each piece (with its key and the prefixes its blocks use) and of the tail, in the
file and in its gzip. The next run into the folder copies each piece whose key it finds from the
previous dump and its gzip, if those are still the files the recorded run wrote (the caller
checks them against its manifest), and writes the others; the head is written again from the
prefixes of all pieces. A full publish cuts and gzips the same pieces, so the bytes are the same
either way (``tests/test_incremental.py`` compares them).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from rdflib.term import Node

from heze_ip_kg.files.keyed import still_recorded
from heze_ip_kg.rdfio.dump_blocks import DumpBlocks
from heze_ip_kg.rdfio.index import TripleIndex

CUT_BITS = 0x1FF  # a subject whose CRC-32 has these bits zero ends a piece: 512 on average
BLOCKS_AT_ONCE = 4096  # blocks serialised at a time within a piece: never a whole dump's text
LEVEL = 6  # zlib's default: twice as fast as 9 on the dumps, a few per cent larger

PairsDigest = Callable[[Node], str | None]  # a subject's pairs' digest; None: not comparable


@dataclass(frozen=True)
class Piece:
    """One run of subjects in a dump: its key ("" when it cannot be compared across runs),
    its lengths in the file and in its gzip, and the prefixes its blocks use."""

    key: str
    plain: int
    packed: int
    prefixes: tuple[str, ...]


@dataclass(frozen=True)
class DumpLayout:
    """Where everything is in one dump and its gzip: (plain, packed) lengths of the head and
    the tail, and the pieces between them in order."""

    head: tuple[int, int]
    pieces: tuple[Piece, ...]
    tail: tuple[int, int]
    copied: int = field(default=0, compare=False)  # pieces this run copied (not recorded)

    def sizes(self) -> tuple[int, int]:
        """The lengths of the whole file and of its gzip."""
        plain = self.head[0] + sum(p.plain for p in self.pieces) + self.tail[0]
        packed = self.head[1] + sum(p.packed for p in self.pieces) + self.tail[1]
        return plain, packed

    def to_json(self) -> dict[str, object]:
        pieces = [[p.key, p.plain, p.packed, list(p.prefixes)] for p in self.pieces]
        return {"head": list(self.head), "pieces": pieces, "tail": list(self.tail)}

    @classmethod
    def from_json(cls, data: object) -> DumpLayout | None:
        """The layout, or None if ``data`` is not one this version wrote."""
        try:
            if not isinstance(data, dict) or not isinstance(data["pieces"], list):
                raise ValueError
            pieces = [_piece(entry) for entry in data["pieces"]]
            return cls(_lengths(data["head"]), tuple(pieces), _lengths(data["tail"]))
        except (KeyError, ValueError):
            return None


def _piece(entry: object) -> Piece:
    if not isinstance(entry, list) or len(entry) != 4:
        raise ValueError
    key, plain, packed, prefixes = entry
    if not isinstance(key, str) or not isinstance(prefixes, list):
        raise ValueError
    if not all(isinstance(p, str) for p in prefixes):
        raise ValueError
    return Piece(key, *_lengths([plain, packed]), tuple(prefixes))


def _lengths(value: object) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError
    plain, packed = value
    if type(plain) is not int or type(packed) is not int or min(plain, packed) < 0:
        raise ValueError
    return plain, packed


@dataclass(frozen=True)
class PreviousDump:
    """A dump of the previous publication, its gzip, and the layout recorded for them."""

    plain: Path
    packed: Path
    layout: DumpLayout

    def locations(self) -> dict[str, tuple[int, int, Piece]]:
        """Each comparable piece by key, with its offsets in the file and in its gzip."""
        found: dict[str, tuple[int, int, Piece]] = {}
        plain, packed = self.layout.head
        for piece in self.layout.pieces:
            if piece.key:
                found[piece.key] = (plain, packed, piece)
            plain, packed = plain + piece.plain, packed + piece.packed
        return found


def previous_dump(
    folder: Path, file: str, layout: object, files: Mapping[str, list[int]]
) -> PreviousDump | None:
    """The dump ``file`` in ``folder`` and its gzip, if they are still the files of a recorded
    run's manifest ``files`` (size, modification time, inode) and its recorded ``layout`` (JSON)
    has their sizes; else None (every piece is then written)."""
    found = DumpLayout.from_json(layout)
    if found is None:
        return None
    names = (file, f"{file}.gz")
    if not all(still_recorded(folder / name, name, files) for name in names):
        return None
    if found.sizes() != tuple(files[name][0] for name in names):
        return None
    return PreviousDump(folder / file, folder / f"{file}.gz", found)


def cut(subjects: Sequence[Node]) -> list[Sequence[Node]]:
    """``subjects`` in pieces, each ending after a subject whose name's CRC-32 has
    ``CUT_BITS`` zero (the last piece ending where the subjects do)."""
    pieces, start = [], 0
    for end, subject in enumerate(subjects, 1):
        if zlib.crc32(str(subject).encode("utf-8")) & CUT_BITS == 0:
            pieces.append(subjects[start:end])
            start = end
    if start < len(subjects):
        pieces.append(subjects[start:])
    return pieces


def piece_key(fmt: str, first: bool, subjects: Sequence[Node], digest: PairsDigest) -> str:
    """The key of a piece of ``subjects``: "" if a subject's pairs have no digest."""
    hashed = hashlib.blake2b(f"{fmt}\x1f{first}".encode(), digest_size=16)
    for subject in subjects:
        found = digest(subject)
        if found is None:
            return ""
        hashed.update(f"\x1f{subject}\x1e{found}".encode())
    return hashed.hexdigest()


def write_dump(
    index: TripleIndex,
    name: str,
    ext: str,
    folder: Path,
    digest: PairsDigest | None = None,
    previous: PreviousDump | None = None,
) -> DumpLayout:
    """Write ``name.ext`` and ``name.ext.gz`` in ``folder``; return their layout.

    With ``digest`` the pieces have keys, and those found in ``previous`` are copied from it.
    """
    blocks = DumpBlocks(index, ext)
    subjects = blocks.subjects()
    pieces = cut(subjects)
    keys = [piece_key(ext, i == 0, p, digest) if digest else "" for i, p in enumerate(pieces)]
    found = previous.locations() if previous is not None else {}
    prefixes = [
        found[key][2].prefixes if key in found else tuple(sorted(blocks.prefixes(piece)))
        for key, piece in zip(keys, pieces, strict=True)
    ]
    head = blocks.head({p for used in prefixes for p in used}, bool(subjects)).encode("utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Piece] = []
    copied = 0
    with (
        (folder / f"{name}.{ext}").open("wb", buffering=0) as plain,
        (folder / f"{name}.{ext}.gz").open("wb", buffering=0) as packed,
        contextlib.ExitStack() as stack,
    ):
        sources = None
        if previous is not None and any(key in found for key in keys):
            sources = (
                stack.enter_context(previous.plain.open("rb", buffering=0)),
                stack.enter_context(previous.packed.open("rb", buffering=0)),
            )
        head_lengths = _write_member(plain, packed, iter([head]) if head else iter(()))
        for number, (key, piece, used) in enumerate(zip(keys, pieces, prefixes, strict=True)):
            if sources is not None and key in found:
                at_plain, at_packed, old = found[key]
                _copy(sources[0], plain, at_plain, old.plain)
                _copy(sources[1], packed, at_packed, old.packed)
                written.append(old)
                copied += 1
                continue
            lengths = _write_member(plain, packed, _texts(blocks, piece, number == 0))
            written.append(Piece(key, *lengths, used))
        tail = blocks.tail(bool(subjects)).encode("utf-8")
        tail_lengths = _write_member(plain, packed, iter([tail]) if tail else iter(()))
        if not head_lengths[1] and not written and not tail_lengths[1]:
            tail_lengths = (0, _write_member(plain, packed, iter([b""]))[1])  # a valid gzip
    return DumpLayout(head_lengths, tuple(written), tail_lengths, copied)


def _texts(blocks: DumpBlocks, piece: Sequence[Node], first: bool) -> Iterator[bytes]:
    for start in range(0, len(piece), BLOCKS_AT_ONCE):
        run = piece[start : start + BLOCKS_AT_ONCE]
        yield blocks.text(run, first and start == 0).encode("utf-8")


def _write_member(plain: BinaryIO, packed: BinaryIO, texts: Iterator[bytes]) -> tuple[int, int]:
    """Write ``texts`` to ``plain`` and, as one gzip member, to ``packed`` (none if ``texts``
    is empty); return the lengths written to each."""
    compressor = None
    lengths = [0, 0]
    for text in texts:
        if compressor is None:  # no time stamp, no file name: the bytes are reproducible
            compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)
        _write_all(plain, text)
        lengths[0] += len(text)
        out = compressor.compress(text)
        _write_all(packed, out)
        lengths[1] += len(out)
    if compressor is not None:
        out = compressor.flush()
        _write_all(packed, out)
        lengths[1] += len(out)
    return lengths[0], lengths[1]


def _write_all(file: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[file.write(view) or 0 :]


def _copy(source: BinaryIO, target: BinaryIO, offset: int, length: int) -> None:
    """Copy ``length`` bytes at ``offset`` of ``source`` to the end of ``target``: in the
    kernel where it can, else through a buffer."""
    while length:
        try:
            done = os.copy_file_range(source.fileno(), target.fileno(), length, offset)
        except OSError:  # another file system, or a kernel without it
            done = 0
        if not done:
            data = os.pread(source.fileno(), min(length, 1 << 20), offset)
            if not data:
                raise OSError(f"{source.name}: shorter than its recorded layout")
            _write_all(target, data)
            done = len(data)
        offset, length = offset + done, length - done


__all__ = [
    "DumpLayout",
    "Piece",
    "PreviousDump",
    "cut",
    "piece_key",
    "previous_dump",
    "write_dump",
]
