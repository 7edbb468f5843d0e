"""Outputs keyed by the hash of their inputs, and files kept from the previous output.

A publication's key is the SHA-256 of everything it is made from: the package's code and
resource files (so a code change invalidates it), every file of the data folder, and the options
that reach the output. The cache (``--cache DIR``) records, per key, the manifest of the folder a
run wrote — each file's size, modification time and inode — so that a later run with the same key
finds that folder unchanged by a walk of ``stat`` calls and does nothing. Entries are written
through a temporary file and a rename, so a killed or concurrent run leaves either no entry or a
whole one; an entry whose folder has since been replaced or touched simply does not match.

When a run does write, a file whose bytes equal the previous output's file at the same path is
hard-linked from it rather than written again (``write_or_keep``): the new folder still replaces
the old one in one swap (``atomic``), and a file that did not change keeps its inode and time, so
copying the site elsewhere (``rsync``) moves only what changed.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from heze_ip_kg.files.atomic import MARKER, atomic_write
from heze_ip_kg.resources import resource_dir

ENTRIES = "publications"  # folder of the cache holding one manifest per key
PAGES = "pages"  # folder of the cache holding each run's page digests, by key (files.rendered)
OUTPUTS = "outputs"  # folder of the cache naming the key last published into each folder
BUILDS = "builds"  # folder of the cache naming, per build key, a dump that holds that build
_CODE_FOLDERS = ("ontology", "shapes", "queries")  # read by the code at run time
_SKIPPED = {"__pycache__", "_data"}  # _data: a wheel's copy of the folders hashed above

Manifest = dict[str, list[int]]  # relative path → [size, mtime_ns, inode]


def _hash_folder(digest: hashlib._Hash, folder: Path, label: str) -> None:
    """Feed every file under ``folder`` (path and bytes, in path order) into ``digest``."""
    for path in sorted(_files(folder, skip=_SKIPPED)):
        relative = path.relative_to(folder).as_posix()
        payload = path.read_bytes()
        digest.update(f"{label}/{relative}\0{len(payload)}\0".encode())
        digest.update(payload)


def _files(folder: Path, skip: Iterable[str] = ()) -> list[Path]:
    skipped = set(skip)
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in skipped)
        found += [Path(root) / name for name in names if not name.endswith(".pyc")]
    return found


@cache
def code_digest() -> str:
    """SHA-256 of the package's files and of the ontology, shapes and queries it reads."""
    digest = hashlib.sha256()
    _hash_folder(digest, Path(__file__).resolve().parent.parent, "heze_ip_kg")
    for name in _CODE_FOLDERS:
        _hash_folder(digest, resource_dir(name), name)
    return digest.hexdigest()


def input_key(data: Path, options: dict[str, str]) -> str:
    """The key of an output made by this code from the folder ``data`` with ``options``.

    The key of a build (the graph alone) has ``{"base": base}`` as its options.
    """
    digest = hashlib.sha256(f"code\0{code_digest()}\0".encode())
    _hash_folder(digest, data, "data")
    digest.update(json.dumps(options, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


def manifest(folder: Path) -> Manifest:
    """Size, modification time and inode of every file under ``folder`` (not the marker).

    The files ``_files`` lists (a link to a folder is not followed), walked with ``os.scandir``:
    a publication holds 173,000 files at 300 plans, and ``pathlib`` per file cost seconds.
    """
    found: Manifest = {}

    def walk(directory: str, prefix: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir():
                    if not entry.is_symlink():
                        walk(entry.path, f"{prefix}{entry.name}/")
                elif not entry.name.endswith(".pyc"):
                    st = entry.stat()
                    found[prefix + entry.name] = [st.st_size, st.st_mtime_ns, st.st_ino]

    walk(str(folder), "")
    found.pop(MARKER, None)
    return found


def record(cache_dir: Path, key: str, written: Manifest, facts: dict[str, object]) -> None:
    """Remember that the output of ``key`` is the folder ``written`` describes, with ``facts``."""
    entry = {"manifest": written, "facts": facts}
    payload = json.dumps(entry, sort_keys=True, ensure_ascii=False).encode("utf-8")
    atomic_write(cache_dir / ENTRIES / f"{key}.json", payload)


def _folder_name(out_dir: Path) -> str:
    return hashlib.sha256(os.path.realpath(out_dir).encode("utf-8")).hexdigest()


def output_key(cache_dir: Path, out_dir: Path) -> str | None:
    """The key of the run last recorded as publishing into ``out_dir``, if any."""
    try:
        key = json.loads((cache_dir / OUTPUTS / f"{_folder_name(out_dir)}.json").read_bytes())
        return str(key["key"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_output(cache_dir: Path, out_dir: Path, key: str) -> None:
    """Remember that run ``key`` (its entries recorded first) now holds ``out_dir``.

    The entries of the run it replaced there are removed, unless another folder still holds
    that run's output: a manifest describes one folder, so an entry that no folder holds is
    never used again, and at 300 plans a manifest and the page digests are some 26 MB.
    """
    replaced = output_key(cache_dir, out_dir)
    pointer = json.dumps({"key": key}).encode("utf-8")
    atomic_write(cache_dir / OUTPUTS / f"{_folder_name(out_dir)}.json", pointer)
    if replaced is None or replaced == key:
        return
    for other in (cache_dir / OUTPUTS).glob("*.json"):
        try:
            if json.loads(other.read_bytes()).get("key") == replaced:
                return  # still another folder's
        except (OSError, ValueError, AttributeError):
            continue
    for folder in (ENTRIES, PAGES):
        (cache_dir / folder / f"{replaced}.json").unlink(missing_ok=True)


def lookup(cache_dir: Path, key: str, folder: Path) -> dict[str, object] | None:
    """The facts recorded for ``key`` if ``folder`` is still exactly what that run wrote."""
    try:
        entry = json.loads((cache_dir / ENTRIES / f"{key}.json").read_bytes())
    except (OSError, ValueError):
        return None  # no entry, or one this version cannot read: the run redoes the work
    if (
        not isinstance(entry, dict)
        or not folder.is_dir()
        or entry.get("manifest") != manifest(folder)
    ):
        return None
    facts = entry.get("facts")
    return facts if isinstance(facts, dict) else None


def record_dump(cache_dir: Path, key: str, dump: Path, stat: list[int]) -> None:
    """Remember that the file ``dump``, as ``stat`` describes it (a ``manifest`` entry), holds
    the graph built with the inputs of ``key``."""
    entry = {"dump": str(dump.resolve()), "stat": stat}
    atomic_write(cache_dir / BUILDS / f"{key}.json", json.dumps(entry, sort_keys=True).encode())


def find_dump(cache_dir: Path, key: str) -> Path | None:
    """The dump recorded for ``key``, if it is still the very file that was recorded."""
    try:
        entry = json.loads((cache_dir / BUILDS / f"{key}.json").read_bytes())
        dump = Path(entry["dump"])
        st = dump.stat()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return dump if entry.get("stat") == [st.st_size, st.st_mtime_ns, st.st_ino] else None


def still_recorded(file: str | Path, name: str, files: Mapping[str, list[int]]) -> bool:
    """Whether ``file`` is still the file a recorded run's manifest ``files`` lists as
    ``name``: a file edited or replaced since has another size, modification time or inode."""
    try:
        st = os.stat(file)
    except OSError:
        return False
    return files.get(name) == [st.st_size, st.st_mtime_ns, st.st_ino]


def write_or_keep(
    target: str | Path, payload: bytes, previous: str | Path | None, link: bool = True
) -> bool:
    """Write ``payload`` to ``target``, or link ``previous`` there if it holds the same bytes.

    Returns True when the file was written, False when the previous one was kept. Without
    ``link``, a previous file with the same bytes is kept where it is (an update in place,
    ``atomic.updated_in_place``) and nothing is written. Paths may be strings: a publication
    writes hundreds of thousands of files, and ``pathlib`` per file cost more than the write.
    """
    if previous is not None:
        try:
            if os.stat(previous).st_size == len(payload):
                with open(previous, "rb") as old:
                    same = old.read() == payload
                if same:
                    if link:
                        os.link(previous, target)
                    return False
        except OSError:
            pass  # absent, unreadable or on another file system: write it
    with open(target, "wb") as new:
        new.write(payload)
    return True


def keep_if_same(target: Path, previous: Path | None, link: bool = True) -> bool:
    """Replace the file just written at ``target`` by a link to ``previous`` if that holds the
    same bytes (``write_or_keep`` for a file too large to hold in memory to compare).

    Returns True when the file stays as written, False when the previous one was kept. Without
    ``link`` (an update in place), ``target`` is left as written either way: the caller drops
    it when the previous one is kept.
    """
    if previous is None:
        return True
    try:
        if previous.stat().st_size != target.stat().st_size:
            return True
        if not filecmp.cmp(previous, target, shallow=False):
            return True
        if link:
            beside = target.with_name(target.name + ".previous")
            os.link(previous, beside)  # beside it, then over it: the target is never missing
            os.replace(beside, target)
        return False
    except OSError:
        return True  # absent, unreadable or on another file system: keep the written one


__all__ = [
    "code_digest",
    "find_dump",
    "input_key",
    "keep_if_same",
    "lookup",
    "manifest",
    "output_key",
    "record",
    "record_dump",
    "record_output",
    "still_recorded",
    "write_or_keep",
]
