"""Writes that are all or nothing: a file through a temporary file, a folder by an atomic swap.

An output folder (``build -o``, ``publish -o``) belongs to heze-ip-kg: each run writes a complete
new folder beside it and swaps the two in one step (Linux ``renameat2`` with
``RENAME_EXCHANGE``), so whenever the run is interrupted — an error, Ctrl-C, ``kill -9`` — the
folder is either the previous run's, whole, or the new one, whole; never a mix, and no stale file
of an older run survives. A marker file says a folder is ours; an existing folder that is neither
empty nor marked is refused, so ``-o ~`` cannot replace a home directory.

An output that is a symbolic link stays one: the run writes where the link leads — staging
beside that folder (or file) and swapping it there — so the link is kept and nothing is left
beside it. An output file that is a device or a pipe (``-o /dev/stdout``) cannot be replaced
and is written straight to.

When the system refuses a write — disk full, a read-only file system, no permission — the error
is an ``OutputError`` naming the output as the user gave it and the system's reason (the CLI
exits 3), and the temporary file or staging folder is removed: nothing partial is left.

A folder can also be updated in place (``updated_in_place``, what ``publish --cache`` does once a
publication is there): only the files that change are written, into a staging folder beside it,
and then renamed one by one over their namesakes, and the files the new output lacks are
removed. A reader sees each file whole, the previous or the new one, but during those renames
(a fraction of a second for a small change) the folder holds some of each, and a run killed then
leaves it so; the next run puts it right, since it compares what it makes with what is there. A
failure before the renames leaves the folder as it was. In exchange the unchanged files — all but
a few hundred of 173,000 at 300 plans — are neither linked into a new folder nor removed with the
old one, which took most of a one-plan change's seconds outside building and rendering.
Runs into the same folder take turns: the swap, and an update from before its first look at the
folder until after its last, hold a lock on the folder's parent (``flock``).
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from heze_ip_kg.errors import InputError, OutputError

MARKER = ".heze-ip-kg"
MARKER_TEXT = b"Written by heze-ip-kg. Each run replaces this folder as a whole.\n"
UNMARKED = frozenset({"void.ttl", "site"})  # with heze-ip-kg.*: outputs of earlier versions
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def atomic_write(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file in the same folder.

    Raises ``OutputError`` when the system refuses the write; nothing is left behind then.
    """
    try:
        if path.exists() and not path.is_file() and not path.is_dir():
            with path.open("wb") as handle:  # a device or a pipe: nothing to replace
                handle.write(payload)
            return
        real = _resolved(path)
        real.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}-", dir=real.parent)
        try:
            os.fchmod(fd, _file_mode(real))  # mkstemp's 0600 would outlive the rename
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
            os.replace(tmp, real)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise OutputError(str(path), _reason(err)) from None


def _file_mode(path: Path) -> int:
    """The mode the file replaced had, or what a new file gets under the process's umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _resolved(path: Path) -> Path:
    """Where ``path`` leads if it is a symbolic link (so the link is kept), else ``path``."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _reason(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__


def _failed_path(err: OSError) -> Path | None:
    """The absolute path ``err`` names, if it names one."""
    if not isinstance(err.filename, str | bytes):
        return None
    return Path(os.path.abspath(os.fsdecode(err.filename)))


def _output_error(err: OSError, target: Path, staging: Path | None) -> OutputError:
    """``err`` as an ``OutputError`` naming ``target``, or the file under it that failed."""
    name = target
    failed = _failed_path(err)
    if failed is not None and staging is not None:
        inside = Path(os.path.abspath(staging))
        if failed.is_relative_to(inside):
            name = target / failed.relative_to(inside)
    return OutputError(str(name), _reason(err))


def _about_output(err: OSError, real: Path) -> bool:
    """Whether ``err`` concerns the output (a file in or beside it, or no file: a write)."""
    failed = _failed_path(err)
    return failed is None or failed.is_relative_to(os.path.abspath(real.parent))


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step; False where the system cannot (then the caller falls back)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # a file system without exchange support
    raise OSError(code, os.strerror(code), str(second))


def _looks_ours(target: Path) -> bool:
    """Marked, empty, or holding only what build and publish wrote before the marker existed."""
    if (target / MARKER).is_file():
        return True
    return all(p.name.startswith("heze-ip-kg.") or p.name in UNMARKED for p in target.iterdir())


def _check_ours(target: Path, name: Path) -> None:
    if target.exists() and not target.is_dir():
        raise InputError(f"{name}: exists and is not a folder")
    if target.is_dir() and not _looks_ours(target):
        raise InputError(
            f"{name}: folder exists and was not written by heze-ip-kg; "
            "give a new or empty folder (each run replaces its output folder as a whole)"
        )


def _remove_stale(target: Path) -> None:
    """Remove staging folders left by runs that were killed (their process is gone)."""
    for path in target.parent.glob(f".{target.name}-staging-*"):
        pid = path.name[len(f".{target.name}-staging-") :].split("-")[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass  # alive, another user's


@contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """A fresh sibling folder to write into; on success it replaces ``target`` in one step.

    Raises ``OutputError`` when the system refuses a write (the previous ``target`` is kept).
    """
    real = _resolved(target)
    _check_ours(real, target)
    staging: Path | None = None
    try:
        real.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(real)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{real.name}-staging-{os.getpid()}-", dir=real.parent)
        )
        yield staging
        (staging / MARKER).write_bytes(MARKER_TEXT)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; the output is for everyone
        with _turn(real):  # never in the middle of an update in place of the same folder
            if not real.exists():
                os.rename(staging, real)
            elif not _exchange(staging, real):
                # Not atomic: a crash between the two renames leaves target missing (documented).
                old = staging.with_name(staging.name + "-old")
                os.rename(real, old)
                os.rename(staging, real)
                shutil.rmtree(old, ignore_errors=True)
    except OSError as err:
        if not _about_output(err, real):
            raise  # not a write of this output: a bug, shown as one
        raise _output_error(err, target, staging) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)  # after a swap: the previous output


@contextmanager
def _turn(real: Path) -> Iterator[None]:
    """Hold the lock of the folder ``real`` is in (advisory: only runs of this tool ask)."""
    fd = os.open(real.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@dataclass
class FolderUpdate:
    """An update in place under way: the files written anew go to ``staging`` (at their paths
    relative to the folder); ``kept`` names the folder's files that stay as they are. Any other
    file of the folder is removed by ``commit``."""

    staging: Path
    folder: Path
    kept: set[str] = field(default_factory=set)
    files: dict[str, list[int]] | None = None  # after the commit: size, mtime_ns, inode by path

    def commit(self) -> None:
        """Rename each staged file over its namesake, then remove what is neither staged nor
        kept, and the folders that leaves empty (or that were). ``files`` then lists the
        folder (as ``keyed.manifest`` would: the marker aside), from the one walk made here."""
        staged = _tree(self.staging)[0]
        present, empty = _tree(self.folder)
        for path in sorted(staged):
            _clear_way(self.folder, path)
            os.replace(self.staging / path, self.folder / path)  # keeps its time and inode
        removed = sorted(present.keys() - staged.keys() - self.kept - {MARKER})
        cleared = (FileNotFoundError, NotADirectoryError, IsADirectoryError)
        for path in removed:
            with suppress(*cleared):  # already cleared out of a staged file's way
                os.unlink(self.folder / path)
        folders = {p.rpartition("/")[0] for p in removed} | set(empty)
        for path in sorted(folders - {""}, reverse=True):  # the deepest first
            while path:
                try:
                    os.rmdir(self.folder / path)
                except OSError:
                    break  # not empty: the usual case
                path = path.rpartition("/")[0]
        files = {p: present[p] for p in self.kept if p in present}
        files.update(staged)
        self.files = {p: files[p] for p in sorted(files) if p != MARKER}


def _tree(folder: Path) -> tuple[dict[str, list[int]], list[str]]:
    """The files (and links) under ``folder``, as relative paths with their size, modification
    time and inode (a link's target's), and its empty folders; one walk, with ``os.scandir``:
    a publication holds 173,000 files at 300 plans."""
    files: dict[str, list[int]] = {}
    empty: list[str] = []

    def walk(directory: str, prefix: str) -> bool:
        found = False
        with os.scandir(directory) as entries:
            for entry in entries:
                found = True
                if entry.is_dir(follow_symlinks=False):
                    if not walk(entry.path, f"{prefix}{entry.name}/"):
                        empty.append(prefix + entry.name)
                else:
                    try:
                        st = entry.stat()
                        files[prefix + entry.name] = [st.st_size, st.st_mtime_ns, st.st_ino]
                    except FileNotFoundError:  # a link that leads nowhere: removed all the same
                        files[prefix + entry.name] = []
        return found

    walk(str(folder), "")
    return files, empty


def _clear_way(folder: Path, path: str) -> None:
    """Make the folders ``path`` needs under ``folder``, removing a file or folder in the way."""
    parts = path.split("/")
    current = folder
    for part in parts[:-1]:
        current = current / part
        if current.is_symlink() or (current.exists() and not current.is_dir()):
            current.unlink()
        current.mkdir(exist_ok=True)
    target = current / parts[-1]
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)


@contextmanager
def updated_in_place(target: Path) -> Iterator[FolderUpdate]:
    """A staging folder for the files of ``target`` (a folder this tool wrote) that change.

    The caller writes them there, names the files it keeps, and calls ``commit``; the folder
    is locked until the context ends (so the caller can list the result). Before ``commit``,
    a failure leaves ``target`` as it was. Raises ``OutputError`` when the system refuses a
    write.
    """
    real = _resolved(target)
    staging: Path | None = None
    try:
        with _turn(real):
            _check_ours(real, target)
            _remove_stale(real)
            staging = Path(
                tempfile.mkdtemp(prefix=f".{real.name}-staging-{os.getpid()}-", dir=real.parent)
            )
            yield FolderUpdate(staging, real)
    except OSError as err:
        if not _about_output(err, real):
            raise
        raise _output_error(err, target, staging) from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


__all__ = ["MARKER", "FolderUpdate", "atomic_directory", "atomic_write", "updated_in_place"]
