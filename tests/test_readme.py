"""The README is executed: its examples print what it says (tests/readme.py), its links lead
somewhere, and the documents it points to exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.readme import (
    README,
    ROOT,
    Example,
    output_matches,
    read_examples,
    rewrite,
    run_examples,
    updated_output,
)

EXAMPLES = read_examples(README.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ran() -> list[Example]:
    examples = read_examples(README.read_text(encoding="utf-8"))
    run_examples(examples)
    return examples


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(EXAMPLES)), ids=[f"line-{e.line}" for e in EXAMPLES])
def test_readme_example_prints_what_the_readme_says(ran: list[Example], index: int) -> None:
    example = ran[index]
    assert example.matches(), (
        f"{example.where()}\nexpected:\n"
        + "\n".join(example.expected)
        + "\ngot:\n"
        + "\n".join(example.actual or [])
        + "\n(if the change is right: .venv/bin/python -m tests.readme --update)"
    )


def test_readme_runs_the_commands_a_new_user_types() -> None:
    commands = [e.source for e in EXAMPLES if e.kind == "console"]
    kinds = {e.kind for e in EXAMPLES}
    assert kinds == {"console", "pycon"}
    assert any(c.startswith(".venv/bin/heze-ip-kg serve") for c in commands)
    for command in commands:
        if "heze-ip-kg" in command:
            assert command.startswith(".venv/bin/heze-ip-kg "), command
        # After make run, dist/ is the published site that serve reads: no example replaces it.
        assert not re.search(r"(-o|--output) dist\b", command), command


def test_elision_stands_for_any_lines() -> None:
    assert output_matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert output_matches(["a", "...", "d"], ["a", "d"])
    assert output_matches(["a", "...", "c", "...", "e"], ["a", "b", "c", "d", "e"])
    assert not output_matches(["a", "...", "c", "...", "e"], ["a", "b", "d", "e"])
    assert not output_matches(["a", "...", "d"], ["a", "b", "c"])
    assert not output_matches(["a", "b"], ["a", "b", "c"])
    assert not output_matches(["a", "...", "a"], ["a"])
    assert updated_output(["x", "...", "z"], ["a", "b", "c", "d"]) == ["a", "...", "d"]
    assert updated_output(["x", "...", "z"], ["a", "b", "c", "y", "z"]) == ["a", "...", "z"]


def test_a_drifted_example_fails_and_update_rewrites_it(tmp_path: Path) -> None:
    text = (
        "Intro.\n\n```console\n$ echo one; echo two\none\n3\n$ printf 'x\\ny\\nz\\n' \\\n"
        "    | cat\nx\n...\n```\n\n```pycon\n>>> 6 * 7\n41\n>>> for i in range(2):\n"
        "...     print(i)\n0\n1\n```\n\n<!-- readme: not run -->\n```console\n$ false\n```\n"
    )
    examples = read_examples(text)
    assert [(e.kind, e.line) for e in examples] == [
        ("console", 4),
        ("console", 7),
        ("pycon", 14),
        ("pycon", 16),
    ]
    run_examples(examples, publish=False)
    assert [e.matches() for e in examples] == [False, True, False, True]
    updated = rewrite(text, examples)
    assert updated == text.replace("one\n3\n", "one\ntwo\n").replace("41\n", "42\n")
    again = read_examples(updated)
    run_examples(again, publish=False)
    assert all(e.matches() for e in again)


def test_a_failing_command_is_a_drift() -> None:
    examples = read_examples("```console\n$ echo out; exit 3\nout\n```\n")
    run_examples(examples, publish=False)
    assert examples[0].actual == ["out", "(exit status 3)"]
    assert not examples[0].matches()


def _links(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # code is not a link
    return re.findall(r"\]\(([^)\s]+)\)", text)


DOCUMENTS = [README, ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").rglob("*.md"))]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_lead_to_files(path: Path) -> None:
    for link in _links(path):
        if re.match(r"[a-z]+:", link) or link.startswith("#"):
            continue
        target = (path.parent / link.split("#")[0]).resolve()
        assert target.exists(), f"{path.relative_to(ROOT)}: {link} leads nowhere"


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_to_sections_name_a_heading() -> None:
    for path in DOCUMENTS:
        for link in _links(path):
            target, _, anchor = link.partition("#")
            if not anchor or re.match(r"[a-z]+:", link):
                continue
            page = (path.parent / target).resolve() if target else path
            headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), re.M)
            assert anchor in {_anchor(h) for h in headings}, f"{path.name}: {link}"
