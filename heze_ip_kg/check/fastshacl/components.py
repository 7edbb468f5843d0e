"""SHACL Core constraint components on values: value type, cardinality and string-based (SHACL
4.1, 4.2, 4.4). One class per component, each quoting the spec.

A component reads only its own parameters and refuses (``UnsupportedError``) any value it cannot
evaluate the way pySHACL does, so the shape goes to pySHACL instead of getting another answer.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from heze_ip_kg.check.fastshacl.base import (
    Constraint,
    Context,
    Finding,
    Reader,
    Shape,
    UnsupportedError,
    boolean,
    integer,
    name,
)

_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}
# The value checks pySHACL adds to "same datatype IRI and not ill-typed" (its datatype checker).
_VALUE_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def iris(reader: Reader, node: Node, parameter: URIRef) -> list[URIRef]:
    found = reader.values(node, parameter)
    if not all(isinstance(v, URIRef) for v in found):
        raise UnsupportedError(f"{name(parameter)} with a value that is not an IRI")
    return [v for v in found if isinstance(v, URIRef)]


class ClassConstraint(Constraint):
    """sh:class: "For each value node that is either a literal, or a non-literal that is not a
    SHACL instance of $class in the data graph, there is a validation result with the value node
    as sh:value." """

    parameters = (SH["class"],)

    def __init__(self, classes: list[URIRef]) -> None:
        self.classes = classes

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        classes = iris(reader, node, SH["class"])
        return cls(classes) if classes else None

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for wanted in self.classes:
            members = ctx.instances(wanted)
            for v in values:
                if isinstance(v, Literal) or v not in members:
                    yield shape.finding(focus, SH.ClassConstraintComponent, v)


class DatatypeConstraint(Constraint):
    """sh:datatype: "For each value node that is not a literal, or is a literal with a datatype
    that does not match $datatype, there is a validation result with the value node as
    sh:value." (rdfs:Literal and rdfs:Datatype, which pySHACL reads its own way, go to it.)"""

    parameters = (SH.datatype,)

    def __init__(self, datatype: URIRef) -> None:
        self.datatype = datatype

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, SH.datatype):
            return None
        datatype = reader.one(node, SH.datatype)
        if not isinstance(datatype, URIRef) or datatype in (RDFS.Literal, RDFS.Datatype):
            raise UnsupportedError(f"sh:datatype {name(datatype)}")
        return cls(datatype)

    def matches(self, v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        if v.datatype == self.datatype:
            if v.ill_typed is True:
                return False
        elif not (
            (self.datatype == XSD.string and v.datatype is None and v.language is None)
            or (self.datatype == RDF.langString and v.language)
        ):
            return False
        wanted = _VALUE_TYPES.get(self.datatype)
        return wanted is None or isinstance(v.value, wanted)

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for v in values:
            if not self.matches(v):
                yield shape.finding(focus, SH.DatatypeConstraintComponent, v)


class NodeKindConstraint(Constraint):
    """sh:nodeKind: "For each value node that does not match $nodeKind, there is a validation
    result with the value node as sh:value." """

    parameters = (SH.nodeKind,)

    def __init__(self, kinds: tuple[type, ...]) -> None:
        self.kinds = kinds

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, SH.nodeKind):
            return None
        kind = reader.one(node, SH.nodeKind)
        if not isinstance(kind, URIRef) or kind not in _NODE_KINDS:
            raise UnsupportedError(f"sh:nodeKind {name(kind)}")
        return cls(_NODE_KINDS[kind])

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for v in values:
            if not isinstance(v, self.kinds):
                yield shape.finding(focus, SH.NodeKindConstraintComponent, v)


class _Count(Constraint):
    parameter: URIRef
    component: URIRef
    node_level = False

    def __init__(self, count: int) -> None:
        self.count = count

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, cls.parameter):
            return None
        return cls(integer(reader.one(node, cls.parameter)))

    def fails(self, found: int) -> bool:
        raise NotImplementedError

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        if self.fails(len(values)):
            yield shape.finding(focus, self.component)


class MinCountConstraint(_Count):
    """sh:minCount: "If the number of value nodes is less than $minCount, there is a validation
    result." """

    parameters = (SH.minCount,)
    parameter, component = SH.minCount, SH.MinCountConstraintComponent

    def fails(self, found: int) -> bool:
        return found < self.count


class MaxCountConstraint(_Count):
    """sh:maxCount: "If the number of value nodes is greater than $maxCount, there is a
    validation result." """

    parameters = (SH.maxCount,)
    parameter, component = SH.maxCount, SH.MaxCountConstraintComponent

    def fails(self, found: int) -> bool:
        return found > self.count


class MinLengthConstraint(_Count):
    """sh:minLength: "For each value node v where the length … of the string representation of v
    … is less than $minLength, or where v is a blank node, there is a validation result with v as
    sh:value." (0 goes to pySHACL, which passes blank nodes then.)"""

    parameters = (SH.minLength,)
    parameter, component, node_level = SH.minLength, SH.MinLengthConstraintComponent, True

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, SH.minLength):
            return None
        return cls(integer(reader.one(node, SH.minLength), minimum=1))

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for v in values:
            if isinstance(v, BNode) or len(str(v)) < self.count:
                yield shape.finding(focus, self.component, v)


class MaxLengthConstraint(_Count):
    """sh:maxLength: "For each value node v where the length … of the string representation of v
    … is greater than $maxLength, or where v is a blank node, there is a validation result with v
    as sh:value." """

    parameters = (SH.maxLength,)
    parameter, component, node_level = SH.maxLength, SH.MaxLengthConstraintComponent, True

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for v in values:
            if isinstance(v, BNode) or len(str(v)) > self.count:
                yield shape.finding(focus, self.component, v)


class PatternConstraint(Constraint):
    """sh:pattern, sh:flags: "For each value node that is a blank node or where the string
    representation … does not match the regular expression $pattern … there is a validation
    result with the value node as sh:value." Patterns are Python regular expressions, as in
    pySHACL; flags other than ``i`` and ``m`` (which pySHACL ignores) go to pySHACL."""

    parameters = (SH.pattern, SH.flags)

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        self.patterns = patterns

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        patterns = reader.values(node, SH.pattern)
        flags = reader.values(node, SH.flags)
        if not patterns:
            if flags:
                raise UnsupportedError("sh:flags without sh:pattern")
            return None
        text = str(reader.one(node, SH.flags)) if flags else ""
        if set(text) - set("im") or not all(isinstance(p, Literal) for p in patterns):
            raise UnsupportedError(f"sh:pattern with sh:flags {text!r}")
        mode = (re.IGNORECASE if "i" in text else 0) | (re.MULTILINE if "m" in text else 0)
        try:
            return cls([re.compile(str(p), mode) for p in patterns])
        except re.error as err:
            raise UnsupportedError(f"sh:pattern: {err}") from None

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for pattern in self.patterns:
            for v in values:
                if isinstance(v, BNode) or not pattern.search(str(v)):
                    yield shape.finding(focus, SH.PatternConstraintComponent, v)


class LanguageInConstraint(Constraint):
    """sh:languageIn: "For each value node that is either not a literal or that does not have a
    language tag matching any of the basic language ranges that are the members of $languageIn
    following the filtering schema defined by the SPARQL langMatches function, there is a
    validation result with the value node as sh:value." (Ranges with subtags, which pySHACL
    matches on the first subtag only, go to pySHACL.)"""

    parameters = (SH.languageIn,)

    def __init__(self, ranges: set[str]) -> None:
        self.ranges = ranges

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, SH.languageIn):
            return None
        ranges = reader.members(reader.one(node, SH.languageIn), empty=True)
        for r in ranges:
            if not isinstance(r, Literal) or r.language or r.datatype not in (None, XSD.string):
                raise UnsupportedError("sh:languageIn with a member that is not a plain string")
            if "-" in str(r):
                raise UnsupportedError(f"sh:languageIn range {str(r)!r} with a subtag")
        return cls({str(r).lower() for r in ranges})

    def matches(self, v: Node) -> bool:
        tag = v.language.lower() if isinstance(v, Literal) and v.language else ""
        return bool(tag) and ("*" in self.ranges or tag.split("-")[0] in self.ranges)

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        for v in values:
            if not self.matches(v):
                yield shape.finding(focus, SH.LanguageInConstraintComponent, v)


class UniqueLangConstraint(Constraint):
    """sh:uniqueLang: "If $uniqueLang is true then for each non-empty language tag that is used
    by at least two value nodes, there is a validation result." """

    parameters = (SH.uniqueLang,)
    node_level = False

    def __init__(self, unique: bool) -> None:
        self.unique = unique

    @classmethod
    def load(cls, reader: Reader, node: Node) -> Constraint | None:
        if not reader.values(node, SH.uniqueLang):
            return None
        return cls(boolean(reader.one(node, SH.uniqueLang)))

    def evaluate(
        self, ctx: Context, shape: Shape, focus: Node, values: set[Node]
    ) -> Iterator[Finding]:
        if not self.unique:
            return
        tags = Counter(v.language.lower() for v in values if isinstance(v, Literal) and v.language)
        for _ in range(sum(1 for n in tags.values() if n > 1)):
            yield shape.finding(focus, SH.UniqueLangConstraintComponent)


VALUE_COMPONENTS: list[type[Constraint]] = [
    ClassConstraint,
    DatatypeConstraint,
    NodeKindConstraint,
    MinCountConstraint,
    MaxCountConstraint,
    MinLengthConstraint,
    MaxLengthConstraint,
    PatternConstraint,
    LanguageInConstraint,
    UniqueLangConstraint,
]

__all__ = ["VALUE_COMPONENTS", "iris"]
