"""The SPARQL 1.1 recogniser: the W3C syntax tests, pyoxigraph's verdicts, terminals, refusals.

The W3C manifests (tests/w3c, read with rdflib) drive the first two groups: every positive
syntax test is accepted (or refused only for its SERVICE), every negative one refused as
malformed, every update refused; and for every query file the verdict (accepted or not) is
pyoxigraph's, but for the known differences listed with their reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace

from heze_ip_kg.serve.sparql_lexer import LexError, Source, iter_tokens
from heze_ip_kg.serve.sparql_syntax import DEFAULT_MAX_DEPTH, QueryRefusedError, parse_query

W3C = Path(__file__).resolve().parent / "w3c" / "sparql"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")


@dataclass(frozen=True)
class SyntaxCase:
    """One W3C syntax test: its type (mf:PositiveSyntaxTest11, …) and its query file."""

    kind: str
    path: Path

    @property
    def id(self) -> str:
        return self.path.relative_to(W3C).with_suffix("").as_posix()

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def _cases() -> list[SyntaxCase]:
    cases = []
    for manifest in sorted(W3C.rglob("manifest.ttl")):
        graph = Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for test, kind in graph.subject_objects(RDF.type):
            name = str(kind).rsplit("#", 1)[-1]
            if "Syntax" in name:
                action = graph.value(test, MF.action)
                cases.append(SyntaxCase(name, Path(str(action).removeprefix("file://"))))
    return sorted(cases, key=lambda case: case.id)


CASES = _cases()
# Updates of nothing but a prologue: valid SPARQL Update, but no operation to name; refused as
# a malformed query instead.
PROLOGUE_ONLY = {f"sparql11/syntax-update-1/syntax-update-{n}" for n in (38, 39, 40)}


def _verdict(text: str) -> str | None:
    try:
        parse_query(text)
    except QueryRefusedError as refused:
        return refused.reason
    return None


def test_the_manifests_list_every_test() -> None:
    kinds = [case.kind for case in CASES]
    counts = {kind: kinds.count(kind) for kind in set(kinds)}
    assert counts == {
        "PositiveSyntaxTest": 149,
        "NegativeSyntaxTest": 50,
        "PositiveSyntaxTest11": 66,
        "NegativeSyntaxTest11": 40,
        "PositiveUpdateSyntaxTest11": 42,
        "NegativeUpdateSyntaxTest11": 13,
    }
    assert all(case.path.is_file() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_w3c_syntax_test(case: SyntaxCase) -> None:
    verdict = _verdict(case.text)
    if case.kind.startswith("PositiveSyntax"):
        assert verdict == ("service" if "SERVICE" in case.text else None)
    elif case.kind.startswith("NegativeSyntax"):
        assert verdict == "malformed"
    elif case.kind == "PositiveUpdateSyntaxTest11":
        assert verdict == ("malformed" if case.id in PROLOGUE_ONLY else "update")
    else:
        assert verdict in ("update", "malformed")


# Where the checker's verdict is not pyoxigraph's, and why.
KNOWN_DIFFERENCES = {
    "sparql10/syntax-sparql3/syn-bad-26": (
        "pyoxigraph (a PEG parser without a tokenizer) reads ?x<?a&&?b>?y with < and > as "
        "operators; SPARQL's longest-match rule makes <?a&&?b> an IRI, so the W3C suite (a "
        "negative test) and the checker refuse it"
    ),
}
QUERY_FILES = sorted(W3C.rglob("*.r[qu]"))


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            path,
            marks=[pytest.mark.xfail(reason=KNOWN_DIFFERENCES[key], strict=True)]
            if (key := path.relative_to(W3C).with_suffix("").as_posix()) in KNOWN_DIFFERENCES
            else [],
            id=key,
        )
        for path in QUERY_FILES
    ],
)
def test_verdict_is_pyoxigraphs(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    try:
        # Results are not read: a SERVICE in these files is never called.
        ox.Store().query(text, base_iri=path.as_uri())
        engine = True
    except SyntaxError:
        engine = False
    except (OSError, RuntimeError, ValueError):
        engine = True  # parsed, then failed for another reason (an unknown function)
    assert (_verdict(text) in (None, "service")) == engine


def test_every_query_file_of_the_suite_is_a_test() -> None:
    assert {case.path for case in CASES} <= set(QUERY_FILES)
    assert len(QUERY_FILES) == 360


# --- terminals (§19.8 [139]-[173]) ---------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, str]]:
    """The tokens of ``text`` up to its end or the first character no token fits."""
    found = []
    try:
        for token in iter_tokens(Source(text)):
            if token.kind == "EOF":
                break
            found.append((token.kind, token.text))
    except LexError:
        pass
    return found


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        (r"ex:a\#b", [("PNAME_LN", r"ex:a\#b")]),
        ("ex:a.b.", [("PNAME_LN", "ex:a.b"), ("PUNCT", ".")]),
        (r"ex:a\.", [("PNAME_LN", r"ex:a\.")]),
        ("ex:%4A:x ex:", [("PNAME_LN", "ex:%4A:x"), ("PNAME_NS", "ex:")]),
        ("a.b:c :", [("PNAME_LN", "a.b:c"), ("PNAME_NS", ":")]),
        ("ex:%zz", [("PNAME_NS", "ex:")]),  # then '%': no token
        ("_:b1.x _:b.", [("BNODE", "_:b1.x"), ("BNODE", "_:b"), ("PUNCT", ".")]),
        ("?x $y ?", [("VAR", "?x"), ("VAR", "$y"), ("PUNCT", "?")]),
        ('"a"@en-GB', [("STRING", '"a"'), ("LANGTAG", "@en-GB")]),
        ("1 1.5 .5", [("INTEGER", "1"), ("DECIMAL", "1.5"), ("DECIMAL", ".5")]),
        ("1e3 1.e3 1.", [("DOUBLE", "1e3"), ("DOUBLE", "1.e3"), ("INTEGER", "1"), ("PUNCT", ".")]),
        ("+1 -1.5 -.5E-2 +x", [("INTEGER", "+1"), ("DECIMAL", "-1.5"), ("DOUBLE", "-.5E-2")]),
        ("- 1 --1", [("PUNCT", "-"), ("INTEGER", "1"), ("PUNCT", "-"), ("INTEGER", "-1")]),
        ("'''a'b''c''' \"\\\"\"", [("STRING", "'''a'b''c'''"), ("STRING", '"\\""')]),
        ("'''a' ", [("STRING", "''"), ("STRING", "'a'")]),  # longest match: ''' not closed
        ("( ) [\t] ( # c\n)", [("NIL", "( )"), ("ANON", "[\t]"), ("PUNCT", "(")]),
        ("<a#b> <a b>", [("IRI", "<a#b>"), ("PUNCT", "<"), ("WORD", "a")]),
        ("SELECT # x\n*", [("WORD", "SELECT"), ("PUNCT", "*")]),
        ("^^ != && || <= >=", [("PUNCT", m) for m in ["^^", "!=", "&&", "||", "<=", ">="]]),
        ("LIMIT10", [("WORD", "LIMIT10")]),  # stricter than longest match (LIMIT, 10)
    ],
)
def test_terminals(text: str, tokens: list[tuple[str, str]]) -> None:
    assert _tokens(text)[: len(tokens)] == tokens


# --- what is refused, and why --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        (r"PREFIX ex: <x:> SELECT * { OPTIONAL { ?s ex:a\#b ?o } SERVICE <h:> {} }", "service"),
        ("SELECT * { ?s ?p ?o FILTER(?o='a)') SERVICE <http://h/> { } }", "service"),
        ("SELECT * { ?s ?p ?o FILTER(?o='a)') } SERVICE <http://h/> { }", "malformed"),
        ("SELECT * { ?s ?p 'SERVICE <http://h/> { }' }", None),
        ("SELECT * { ?s ?p <http://h/#SERVICE> } # SERVICE <http://h/> { }", None),
        ("PREFIX service: <x:> SELECT * { ?s service:service ?o }", None),
        ("prefix ex: <x:> insert data { ex:a ex:b ex:c }", "update"),
        ("BASE <x:> WITH <g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
        ("SELECT * {} ; DROP ALL", "malformed"),
        ("ASK { FILTER(!!true) }", "malformed"),  # '!' takes a PrimaryExpression
        ("SELECT * { ?s ex:p ?o }", "malformed"),  # prefix not declared
        ("SELECT * { ?s ?p ?o FILTER(COUNT(?o) > 1) }", "malformed"),
        ("SELECT ?s (SUM(?o) AS ?o) { ?s ?p ?o } GROUP BY ?s", None),
        ("SELECT ?s (SUM(?o) AS ?n) { ?s ?p ?o }", "malformed"),  # ?s not grouped
        ("SELECT (1 AS ?o) { ?s ?p ?o }", "malformed"),  # ?o already in scope
        ("SELECT * { ?s ?p << ?a ?b ?c >> }", "malformed"),  # SPARQL 1.2 / RDF-star
        ("SELECT * { ?s ?p <<( ?a ?b ?c )>> }", "malformed"),
        ('SELECT * { ?s ?p "a"@en--ltr }', "malformed"),
        ('VERSION "1.2" SELECT * {}', "malformed"),
        ("SELECT * { ?s ?p ?o LATERAL { } }", "malformed"),  # an Oxigraph extension
        ("SELECT * { ?s ?p ?o FILTER(?o = TRUE) }", None),  # keywords are case-insensitive
        ("SELECT * { ?s A ?o }", "malformed"),  # but 'a'
        ("", "malformed"),
    ],
)
def test_refusals(query: str, reason: str | None) -> None:
    assert _verdict(query) == reason


def test_a_refusal_names_line_and_column() -> None:
    with pytest.raises(QueryRefusedError) as refused:
        parse_query("SELECT *\nWHERE {\n  ?s ?p ?o .\n  ?o  }")
    assert (refused.value.line, refused.value.column) == (4, 7)
    assert refused.value.message == (
        "line 4, column 7: expected a verb (a variable, an IRI, 'a' or a path), found '}'"
    )


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        # SPARQL 1.1 reads the escapes first: a keyword; pyoxigraph does not: an error
        (r"SELECT * { \u0053ERVICE <http://h/> { } }", "service"),
        (r"\u0053ELECT * {}", "malformed"),
        # in a string both read them alike
        (r'SELECT * { ?s ?p "\u0041\U0001F46A" }', None),
        # a backslash to SPARQL 1.1, which escapes the quote; the string's end to pyoxigraph
        (r'ASK { ?s ?p "\u005C" . SERVICE <http://h/> { } ?s ?p " } #" }', "service"),
        (r'ASK { ?s ?p "\u0022" }', "malformed"),
        (r'ASK { ?s ?p "a\u000Ab" }', "malformed"),  # a line break in a short string
        (r"SELECT * { ?s ?p '\uD800' }", "malformed"),  # no character
    ],
)
def test_both_readings_of_codepoint_escapes(query: str, reason: str | None) -> None:
    assert _verdict(query) == reason


def test_the_engines_reading_is_named_when_only_it_fails() -> None:
    with pytest.raises(QueryRefusedError) as refused:
        parse_query(r"\u0053ELECT * {}")
    assert refused.value.message == (
        "line 1, column 1: unexpected character '\\\\' "
        r"(pyoxigraph reads \u escapes only inside strings and IRIs)"
    )


# --- the catalogue -------------------------------------------------------------------------

CATALOGUE = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))


@pytest.mark.parametrize("path", CATALOGUE, ids=[path.stem for path in CATALOGUE])
def test_catalogue_queries_are_accepted_well_under_the_limit(path: Path) -> None:
    shape = parse_query(path.read_text(encoding="utf-8"))
    assert shape.form == "SELECT"
    assert 3 <= shape.depth <= DEFAULT_MAX_DEPTH // 8
