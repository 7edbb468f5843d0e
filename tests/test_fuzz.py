"""The parser under fuzzing: a sample of the mutation fuzzer, and hypothesis properties.

``make fuzz`` runs 10,000 inputs (tests/fuzz.py); here a few hundred from another seed must give
no crash and no hang, each rejection naming file, line and column with nothing written.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heze_ip_kg.errors import InputError
from heze_ip_kg.parse import parse_plan
from tests.fuzz import MUTATORS, run


def test_a_fuzz_sample_has_no_crash_and_no_hang() -> None:
    summary = run(300, seed=20221125)
    assert summary.failures == []
    assert summary.outcomes["crash"] == summary.outcomes["hang"] == 0
    assert summary.outcomes["parsed"] > 0
    assert summary.outcomes["rejected"] > 0
    assert summary.tried == 300
    used = {key.split(":")[0] for key in summary.by_mutator}
    assert set(MUTATORS) <= {name for combo in used for name in combo.split("+")}


PLAN_CHARACTERS = st.characters(
    whitelist_categories=("Lo", "Nd", "Zs", "Po", "Ps", "Pe", "Cc"),
    whitelist_characters="一二三四五六七八九十（）()、.．|\n",
)


@given(st.text(PLAN_CHARACTERS, max_size=400))
@settings(max_examples=300, deadline=None)
def test_any_text_parses_or_fails_with_a_place(text: str) -> None:
    place = _failure_place(text)
    if place is not None:
        assert place[0] == "x.txt"
        assert place[1] is not None
        assert place[2] is not None


def _failure_place(text: str) -> tuple[str | None, int | None, int | None] | None:
    """Where parsing ``text`` fails, or None when it parses."""
    try:
        parse_plan(text, name="x.txt")
    except InputError as err:
        return err.file, err.line, err.column
    return None


@given(st.text(PLAN_CHARACTERS, max_size=300))
@settings(max_examples=200, deadline=None)
def test_line_endings_do_not_change_the_parse(text: str) -> None:
    seed = "(一)加强保护。\n1.加强行政保护。查处侵权。\n" + text.replace("\r", "")
    try:
        lf = parse_plan(seed, name="x.txt")
    except InputError:
        with pytest.raises(InputError):
            parse_plan(seed.replace("\n", "\r\n"), name="x.txt")
        return
    crlf = parse_plan(seed.replace("\n", "\r\n"), name="x.txt")
    # Element text is a verbatim slice of the source (spans are offsets into it), so it keeps
    # the source's line endings; everything else must be the same.
    assert [(e.kind, e.notation, e.heading, e.text) for e in lf.walk()] == [
        (e.kind, e.notation, e.heading, e.text.replace("\r\n", "\n")) for e in crlf.walk()
    ]


@pytest.mark.parametrize(
    ("text", "place"),
    [
        # Found by the fuzzer: these two errors once came without a line or a column.
        ("- 成文日期:2022年13月40日\n(一)加强保护。\n", ("x.txt", 1, 8)),
        ("- 索引号:1\n", ("x.txt", 2, 1)),
    ],
)
def test_fuzzer_findings_name_their_place(text: str, place: tuple[str, int, int]) -> None:
    assert _failure_place(text) == place
