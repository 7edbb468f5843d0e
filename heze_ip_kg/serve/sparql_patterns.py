"""SPARQL 1.1 graph patterns, triples and property paths (§19.8 [52]-[109]).

Depth, continuing ``sparql_expressions``: a group ``{ … }`` adds one, and its elements — every
triple pattern (those a collection or ``[ … ]`` stands for included) and every OPTIONAL, MINUS,
GRAPH, SERVICE, FILTER, BIND, VALUES or group — are a chain the engine joins left-deep, so n of
them add n - 1; OPTIONAL, MINUS, GRAPH, SERVICE, FILTER and BIND add one more each; k groups
joined by UNION add k - 1. In a path ``/`` and ``|`` chains add n - 1, and ``^``, a modifier
(``?``, ``*``, ``+``), a bracket and ``!(…)`` add one; a collection or ``[ … ]`` adds one.

Besides the grammar, the static rules the W3C test suite checks are applied: a blank node label
belongs to one basic graph pattern (§4.1.4), a BIND variable is not yet in scope in its group
(§18.2.1), a VALUES row has one value per variable (§10.2).
"""

from __future__ import annotations

from heze_ip_kg.serve.sparql_expressions import NUMBERS, ExpressionParser

ELEMENTS = frozenset({"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "FILTER", "BIND", "VALUES"})
_TERM_KINDS = frozenset({"VAR", "IRI", "PNAME_NS", "PNAME_LN", "STRING", "BNODE", "NIL", "ANON"})


class PatternParser(ExpressionParser):
    """Group graph patterns; ``subselect`` (a sub-query) comes from the subclass."""

    def setup_patterns(self) -> None:
        self.bnode_bgp: dict[str, int] = {}  # blank node label -> the BGP it belongs to
        self.bgp = 0  # the basic graph pattern being read; 0 where labels are not checked
        self.bgps = 0
        self.triple_vars: set[str] = set()  # where variables of triples being read go

    def subselect(self) -> tuple[int, set[str]]:  # pragma: no cover - replaced by QueryParser
        raise NotImplementedError

    def group(self) -> tuple[int, set[str]]:
        """``GroupGraphPattern`` [53] and ``GroupGraphPatternSub`` [54]: depth and in-scope
        variables (§18.2.1). Nested groups and UNION are read here, so that a level of
        ``{ { … } }`` costs one Python frame."""
        self.expect("{")
        self.nest()
        saved = self.aggregates_ok, self.collected
        self.aggregates_ok, self.collected = False, None
        scope: set[str] = set()
        if self.is_word("SELECT"):
            self.nest()
            depth, scope = self.subselect()
            self.unnest()
            deepest, operands = depth + 1, 1
        else:
            deepest = operands = bgp = 0
            triples_ok = True
            while not self.is_punct("}"):
                if self.is_punct("{"):
                    depth, inner = self.group()
                    links = 0
                    while self.accept_word("UNION"):
                        more, other = self.group()
                        depth, links = max(depth, more), links + 1
                        inner |= other
                        self.check(depth + links)
                    scope |= inner
                    depth, bgp, triples_ok = depth + links, 0, True
                    operands += 1
                    self.accept(".")
                elif self.is_word(*ELEMENTS):
                    depth, ends_bgp = self.element(scope)
                    bgp = 0 if ends_bgp else bgp
                    operands, triples_ok = operands + 1, True
                    self.accept(".")
                elif triples_ok and self.starts_term():
                    if not bgp:
                        self.bgps += 1
                        bgp = self.bgps
                    self.bgp, self.triple_vars = bgp, scope
                    depth, count = self.triples(paths=True)
                    operands += count
                    triples_ok = self.accept(".")
                else:
                    raise self.error("expected a triple pattern, a graph pattern or '}'")
                deepest = max(deepest, depth)
                self.check(deepest + operands - 1)
        self.aggregates_ok, self.collected = saved
        self.expect("}")
        self.unnest()
        return 1 + deepest + max(operands - 1, 0), scope

    def element(self, scope: set[str]) -> tuple[int, bool]:
        """``GraphPatternNotTriples`` [56] but groups: its depth and whether it ends a BGP."""
        token = self.advance()
        word = token.text.upper()
        if word == "FILTER":
            self.nest()
            depth = 1 + self.constraint()
            self.unnest()
            return depth, False
        if word == "BIND":
            self.expect("(")
            self.nest()
            depth = 1 + self.expression()
            self.unnest()
            self.expect_word("AS")
            at = self.peek()
            name = self.var()
            if name in scope:
                raise self.error(f"?{name} is already in scope before this BIND", at, found=False)
            scope.add(name)
            self.expect(")")
            return depth, True
        if word == "VALUES":
            scope |= self.data_block()
            return 1, True
        if word == "SERVICE":
            self.services.append(token)
            self.accept_word("SILENT")
        if word in ("GRAPH", "SERVICE"):
            if self.peek().kind == "VAR":
                scope.add(self.var())
            else:
                self.iri()
        self.nest()
        depth, inner = self.group()
        self.unnest()
        if word != "MINUS":
            scope |= inner
        return 1 + depth, True

    def data_block(self) -> set[str]:
        """``DataBlock`` [62]: the variables it binds; each row as long as the variables."""
        if self.peek().kind == "VAR":
            names = [self.var()]
            self.expect("{")
            while not self.accept("}"):
                self.data_value()
            return set(names)
        names = []
        if not self.accept_nil():
            self.expect("(")
            while self.peek().kind == "VAR":
                names.append(self.var())
            self.expect(")")
        self.expect("{")
        while not self.accept("}"):
            start = self.peek()
            values = 0
            if not self.accept_nil():
                self.expect("(")
                while not self.accept(")"):
                    self.data_value()
                    values += 1
            if values != len(names):
                raise self.error(
                    f"a row of {values} value(s) for {len(names)} variable(s)", start, found=False
                )
        return set(names)

    def data_value(self) -> None:
        """``DataBlockValue`` [65]."""
        if self.is_iri():
            self.iri()
        elif self.is_literal():
            self.literal()
        elif not self.accept_word("UNDEF"):
            raise self.error("expected an IRI, a literal, UNDEF or ')'")

    def accept_nil(self) -> bool:
        if self.peek().kind == "NIL":
            self.advance()
            return True
        return False

    # --- triples -------------------------------------------------------------------------

    def starts_term(self) -> bool:
        token = self.peek()
        return (
            token.kind in _TERM_KINDS
            or token.kind in NUMBERS
            or self.is_punct("(", "[")
            or self.is_word("TRUE", "FALSE")
        )

    def triples(self, paths: bool) -> tuple[int, int]:
        """``TriplesSameSubject(Path)`` [75]/[81]: depth and number of triple patterns."""
        if self.is_punct("(", "["):
            depth, count = self.node(paths)
            if self.starts_verb(paths):
                more, extra = self.property_list(paths)
                depth, count = max(depth, more), count + extra
            return depth, count
        self.node(paths)
        return self.property_list(paths)

    def starts_verb(self, paths: bool) -> bool:
        token = self.peek()
        if token.kind == "VAR" or self.is_iri() or (token.kind == "WORD" and token.text == "a"):
            return True
        return paths and self.is_punct("^", "!", "(")

    def property_list(self, paths: bool) -> tuple[int, int]:
        """``PropertyListNotEmpty`` [77] / ``PropertyListPathNotEmpty`` [83]."""
        deepest = count = 0
        objects_paths = paths  # ObjectListPath after the first verb, ObjectList after ';'
        while True:
            if not self.starts_verb(paths):
                raise self.error("expected a verb (a variable, an IRI, 'a' or a path)")
            token = self.peek()
            if token.kind == "VAR":
                self.triple_vars.add(self.var())
            elif paths:
                deepest = max(deepest, self.path())
            elif token.kind == "WORD":
                self.advance()
            else:
                self.iri()
            while True:
                depth, inner = self.node(objects_paths)
                deepest, count = max(deepest, depth), count + 1 + inner
                if not self.accept(","):
                    break
            objects_paths = False
            if not self.accept(";"):
                return deepest, count
            while self.accept(";"):
                pass
            if not self.starts_verb(paths):
                return deepest, count

    def node(self, paths: bool) -> tuple[int, int]:
        """``GraphNode(Path)`` [104]/[105]: a term, a collection or ``[ … ]``."""
        token = self.peek()
        if token.kind == "PUNCT" and token.text in "([":
            self.advance()
            self.nest()
            if token.text == "(":
                deepest = count = 0
                while not self.accept(")"):
                    depth, inner = self.node(paths)
                    deepest, count = max(deepest, depth), count + 2 + inner
                if not count:
                    raise self.error("expected a term", found=False)
            else:
                deepest, count = self.property_list(paths)
                self.expect("]")
            self.unnest()
            return 1 + deepest, count
        self.term()
        return 0, 0

    def term(self) -> None:
        """``VarOrTerm`` [106]; a blank node label stays in its basic graph pattern."""
        token = self.peek()
        if token.kind == "VAR":
            self.triple_vars.add(self.var())
        elif self.is_iri():
            self.iri()
        elif self.is_literal():
            self.literal()
        elif token.kind in ("BNODE", "NIL", "ANON"):
            self.advance()
            first = self.bnode_bgp.setdefault(token.text, self.bgp) if self.bgp else 0
            if first != self.bgp:
                raise self.error(
                    f"blank node {token.text} is used in two basic graph patterns",
                    token,
                    found=False,
                )
        else:
            raise self.error("expected a variable or an RDF term")

    # --- property paths ------------------------------------------------------------------

    def path(self) -> int:
        """``Path`` [88]-[94]: alternatives of sequences (each a left-deep chain) of steps.

        A step (``PathEltOrInverse``) is read here, not in a helper, so that a level of
        ``( … )`` costs one Python frame."""
        deepest = links = 0
        while True:
            sequence = steps = 0
            while True:
                levels = 1 if self.accept("^") else 0
                token = self.peek()
                if token.kind == "WORD" and token.text == "a":
                    self.advance()
                elif self.is_iri():
                    self.iri()
                elif self.accept("!"):
                    self.negated_set()
                    levels += 1
                elif self.accept("("):
                    self.nest(1 + levels)
                    inner = self.path()
                    self.expect(")")
                    self.unnest(1 + levels)
                    levels += 1 + inner
                else:
                    raise self.error("expected a property path")
                if self.is_punct("?", "*", "+"):
                    self.advance()
                    levels += 1
                sequence = max(sequence, levels)
                self.check(sequence + steps + links)
                if not self.accept("/"):
                    break
                steps += 1
            deepest = max(deepest, sequence + steps)
            if not self.accept("|"):
                break
            links += 1
            self.check(deepest + links)
        return deepest + links

    def negated_set(self) -> None:
        """``PathNegatedPropertySet`` [95]."""
        if self.accept_nil():
            return
        if self.accept("("):
            self.path_one()
            while self.accept("|"):
                self.path_one()
            self.expect(")")
        else:
            self.path_one()

    def path_one(self) -> None:
        """``PathOneInPropertySet`` [96]."""
        self.accept("^")
        token = self.peek()
        if token.kind == "WORD" and token.text == "a":
            self.advance()
        else:
            self.iri()


__all__ = ["ELEMENTS", "PatternParser"]
