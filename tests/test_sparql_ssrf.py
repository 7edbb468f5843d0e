"""Differential test of the safety property: a query the checker lets through never makes
pyoxigraph connect anywhere.

Hypothesis builds queries from grammar fragments mixed with the tokens that fooled the old
keyword scan — comments, ``\\#`` and other escapes in local names, strings holding braces,
quotes and ``#``, ``'a)'``, IRIs with ``#``, codepoint escapes — with a ``SERVICE`` aimed at a
TCP listener on 127.0.0.1 placed somewhere (in OPTIONAL, a sub-query, EXISTS, behind a comment,
…). Whenever ``check_query`` accepts one, pyoxigraph runs it here, in the test process, and the
listener must have seen no connection.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from heze_ip_kg.serve.protocol import RefusedError, check_query


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections, closing each at once."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1  # before closing: the engine returns only after the close
            connection.close()

    def stop(self) -> None:
        self.running = False
        self.thread.join()
        self.socket.close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.stop()


URL = "{url}"  # replaced by the listener's address
SERVICES = [
    f"SERVICE <{URL}> {{ ?x ?y ?z }}",
    f"service <{URL}> {{ }}",
    f"SERVICE SILENT <{URL}> {{ ?x ?y ?z }}",
    f"\\u0053ERVICE <{URL}> {{ }}",
    f"VALUES ?endpoint {{ <{URL}> }} SERVICE ?endpoint {{ }}",
]
WRAPPERS = [
    "{}",
    "OPTIONAL {{ {} }}",
    "MINUS {{ {} }}",
    "GRAPH ?g {{ {} }}",
    "{{ }} UNION {{ {} }}",
    "{{ SELECT * {{ {} }} }}",
    "FILTER EXISTS {{ {} }}",
    "FILTER NOT EXISTS {{ {} }}",
    "BIND(EXISTS {{ {} }} AS ?b)",
]
PATTERNS = [
    "?s ?p ?o .",
    "?s ex:a\\#b ?o .",
    "?s ex:a\\.b ?o .",
    "?s ex:a\\'b ?o .",
    "?s ex:%23 ?o .",
    "?s <http://e/x#y> ?o .",
    "?s ?p '}#{' .",
    '?s ?p "a)" .',
    "?s ?p '''a'b\"c}''' .",
    '?s ?p """#"""" .',
    "?s ?p '\\u0041' .",
    '?s ?p "\\u005C" .',
    "?s ?p '\\'' .",
    "FILTER(?o = 'a)')",
    'FILTER(?o != "}")',
    "FILTER(REGEX(STR(?o), '#'))",
    "OPTIONAL { ?s ?p ?o }",
    "MINUS { ?s ?p 1 }",
    "{ ?s ?p ?o } UNION { ?s ?p 2 }",
    "BIND('#' AS ?h)",
    "GRAPH ?g { ?s ?p ?o }",
    "{ SELECT ?s { ?s ?p ?o } }",
    "# a comment }\n",
    f"# SERVICE <{URL}> {{ }}\n",
]
NOISE = [
    "\\#",
    "#",
    "\n",
    "'",
    '"',
    "'''",
    '"""',
    "'a)'",
    "<",
    ">",
    "{",
    "}",
    ".",
    "\\u005C",
    "\\u0022",
    "\\u0027",
    "\\u0023",
    "\\u000A",
    "ex:",
    "ex:a\\",
    "<http://e/#a>",
]


# Where the SERVICE text goes: in code (wrapped), hidden in a comment or a string, or in code
# right after something a text scan misreads.
CARRIERS = [
    "{wrapped}",
    "# {service}\n",
    "?s ?p '{service}' .",
    '?s ?p """{service}""" .',
    "?s ex:a\\#b ?o . {wrapped}",
    "?s ?p ?o FILTER(?o='a)') {wrapped}",
    # a string to SPARQL 1.1 (escapes first: \u005C escapes the quote), code to pyoxigraph
    '?s ?p "\\u005C" . {wrapped} ?s ?p "#" .\n',
]


@st.composite
def queries(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(PATTERNS * 4 + NOISE), max_size=5))
    service = draw(st.sampled_from(SERVICES))
    wrapped = draw(st.sampled_from(WRAPPERS)).format(service)
    carrier = draw(st.sampled_from(CARRIERS)).format(service=service, wrapped=wrapped)
    pieces.insert(draw(st.integers(0, len(pieces))), carrier)
    separator = draw(st.sampled_from([" ", " ", "\n", ""]))
    form = draw(st.sampled_from(["SELECT * WHERE", "SELECT ?s WHERE", "ASK"]))
    return f"PREFIX ex: <http://e/> {form} {{ {separator.join(pieces)} }}"


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=queries())
def test_an_accepted_query_makes_no_connection(listener: Listener, template: str) -> None:
    query = template.replace(URL, listener.url)
    try:
        check_query(query, max_chars=64 * 1024, max_depth=256)
    except RefusedError as refused:
        event(f"refused {refused.status}")
        return
    event("accepted")
    before = listener.connections
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    try:
        result = store.query(query)
        if not isinstance(result, ox.QueryBoolean):
            for _ in result:
                pass
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    assert listener.connections == before, query


def test_the_listener_sees_a_service_call(listener: Listener) -> None:
    """The property above can fail: pyoxigraph does connect for a SERVICE it is given."""
    before = listener.connections
    store = ox.Store()
    with pytest.raises(OSError, match=r"reset by peer|Empty HTTP"):  # the listener hung up
        for _ in store.query(f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"):
            pass
    assert listener.connections == before + 1
