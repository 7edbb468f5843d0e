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
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


__all__ = ["MARKER", "atomic_directory", "atomic_write"]
