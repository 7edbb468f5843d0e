"""Progress bars: on a terminal for the long stages, and silence everywhere else.

The commands run in a real pseudo-terminal (``pty``) so that stderr is a TTY as it is for a
person; the same commands with stderr in a pipe must print no bar at all.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from heze_ip_kg import progress

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "heze_ip_kg"]


def on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; (exit code, what the terminal showed)."""
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0×0, where tqdm draws nothing; give it a terminal's size.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    process = subprocess.Popen(
        CLI + args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=follower, stdin=subprocess.DEVNULL
    )
    os.close(follower)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side has closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    return process.wait(timeout=300), shown.decode("utf-8", errors="replace")


def in_a_pipe(args: list[str]) -> tuple[int, str]:
    done = subprocess.run(CLI + args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    ("args", "bars"),
    [
        (["corpus", "-n", "40", "-o", "{tmp}/corpus"], ["corpus"]),
        (["build", "-o", "{tmp}/out"], ["parse", "build"]),
    ],
    ids=["corpus", "build"],
)
def test_long_stages_show_a_bar_on_a_terminal_only(
    tmp_path: Path, args: list[str], bars: list[str]
) -> None:
    args = [a.format(tmp=tmp_path) for a in args]
    status, shown = on_a_terminal(args)
    assert status == 0, shown
    for bar in bars:
        assert f"{bar}: " in shown, shown
    status, piped = in_a_pipe([a.replace("/out", "/out2").replace("/corpus", "/c2") for a in args])
    assert status == 0, piped
    assert "\r" not in piped
    assert not any(f"{bar}: " in piped for bar in bars)


def test_validation_and_load_report_progress_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(progress, "interactive", lambda: True)
    assert list(progress.track(range(3), "validate", 3)) == [0, 1, 2]
    advance = progress.counter("load")
    assert advance is not None
    for done in (1000, 2000, 2500):
        advance(done, 2500)
    shown = capsys.readouterr().err
    assert "validate: " in shown
    assert "load: " in shown
    assert "/2500" in shown


def test_no_bar_where_stderr_is_not_a_terminal() -> None:
    assert not sys.stderr.isatty()  # pytest captures it
    assert progress.counter("load") is None
    items = [1, 2]
    assert progress.track(items, "x") is items
