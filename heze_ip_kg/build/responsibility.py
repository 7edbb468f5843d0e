"""Who is responsible for each measure: mentions of bodies, stated roles, inherited roles.

Mentions are found with the gazetteer of ``data/organizations.yaml`` (longest alias wins) plus
patterns that surface unknown candidates (…部门, …机关, …中心 …), which are kept as unresolved
mentions for review. Roles come from the sentences that state them (``data/role-patterns.tsv``);
the 保障措施 sentences state the plan-level roles. A task or project whose text states no lead or
coordinating body inherits them from the plan level, marked ``hip:stated false``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import get_args

import regex
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from heze_ip_kg.build.organizations import org_iri
from heze_ip_kg.build.plan import CONCEPT_BASE
from heze_ip_kg.curated.organizations import Gazetteer
from heze_ip_kg.curated.tables import Role, RolePattern
from heze_ip_kg.errors import InputError
from heze_ip_kg.files.limits import PATTERN_SECONDS
from heze_ip_kg.vocab.minting import recurring_literal
from heze_ip_kg.vocab.namespaces import DCTERMS, HIP, OA, RDF, RDFS, enclosing_document
from heze_ip_kg.vocab.owned import add_citation, add_span
from heze_ip_kg.vocab.triples import Batch, Reader, Sink, add_all

ROLES: tuple[Role, ...] = get_args(Role)
PLAN_LEVEL_ROLES = ("lead", "coordinating", "implementing", "funding")
INHERITED_ROLES = ("lead", "coordinating")
MEASURES = (HIP.Task, HIP.KeyProject)
_SENTENCE = re.compile(r"[^。；;！!？?\n]+[。；;！!？?]?")
# 组织 followed by 领导/实施/开展 is the verb "organise", not a body.
_CANDIDATE_SUFFIX = re.compile(
    r"(?:部门|机关|中心|协会|法庭|法院|机构|组织(?!领导|实施|开展|协调)|小组|委员会|联盟|商会)"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MASK = "\u3007"  # stands in for a reviewed non-body phrase, so nothing inside it matches


@dataclass(frozen=True)
class Mention:
    """A body named in an element's text, with its offsets in the source."""

    element: URIRef
    surface: str
    org_id: str | None
    start: int
    end: int
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class StatedRole:
    """A role a sentence states, with the sentence's offsets in the source."""

    element: URIRef
    org_id: str
    role: str
    pattern: str
    sentence: str
    start: int
    end: int


@dataclass(frozen=True)
class _Element:
    iri: URIRef
    text: str
    start: int
    cls: URIRef
    document: URIRef
    source: URIRef


def _elements(graph: Graph) -> Iterator[_Element]:
    read = Reader(graph)
    part_of: dict[Node, Node | None] = {}  # each node's parent, looked up once (siblings share it)

    def parent_of(node: Node) -> Node | None:
        if node not in part_of:
            part_of[node] = read.value(node, DCTERMS.isPartOf)
        return part_of[node]

    for iri, text in sorted(graph.subject_objects(HIP.text)):
        if not isinstance(iri, URIRef):
            continue
        target = read.value(iri, HIP.source)
        selector = read.value(target, OA.hasSelector)
        start = read.value(selector, OA.start)
        source = read.value(target, OA.hasSource)
        document = iri
        for _ in range(10):
            parent = parent_of(document)
            if not isinstance(parent, URIRef):
                break
            document = parent
        cls = read.value(iri, RDF.type)
        if not isinstance(start, Literal) or not isinstance(source, URIRef):
            continue
        if not isinstance(cls, URIRef):
            continue
        yield _Element(iri, str(text), int(start.toPython()), cls, document, source)


def find_mentions(gazetteer: Gazetteer, iri: URIRef, text: str, offset: int) -> list[Mention]:
    """Known bodies (longest alias first) and unknown candidates in ``text``."""
    masked = text
    for phrase in gazetteer.non_bodies:
        masked = masked.replace(phrase, _MASK * len(phrase))
    by_alias = gazetteer.by_alias()
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]

    def sentence_of(pos: int) -> tuple[int, int]:
        return next(((a, b) for a, b in sentences if a <= pos < b), (0, len(text)))

    found: list[Mention] = []
    covered = [False] * len(text)
    for match in gazetteer.alias_pattern.finditer(masked):
        i, j, alias = match.start(), match.end(), match.group()
        a, b = sentence_of(i)
        found.append(
            Mention(iri, alias, by_alias[alias], offset + i, offset + j, offset + a, offset + b)
        )
        for k in range(i, j):
            covered[k] = True
    for match in _CANDIDATE_SUFFIX.finditer(masked):
        if any(covered[match.start() : match.end()]):
            continue
        start = match.start()
        while (
            start > 0
            and match.start() - start < 6
            and _CJK.match(masked[start - 1])
            and not covered[start - 1]
        ):
            start -= 1
        while start < match.start() and masked[start] == "等":  # the tail of a listed body
            start += 1
        if start == match.start():
            continue
        a, b = sentence_of(start)
        found.append(
            Mention(
                iri,
                text[start : match.end()],
                None,
                offset + start,
                offset + match.end(),
                offset + a,
                offset + b,
            )
        )
    return sorted(found, key=lambda m: m.start)


def stated_roles(
    gazetteer: Gazetteer, patterns: list[RolePattern], mention: Mention, source_text: str
) -> StatedRole | None:
    """The first role a pattern states for this mention in its sentence, if any."""
    if mention.org_id is None:
        return None
    kind = gazetteer.get(mention.org_id).kind
    sentence = source_text[mention.sentence_start : mention.sentence_end]
    for pattern in patterns:
        if pattern.kinds is not None and kind not in pattern.kinds:
            continue
        for match in _matches(pattern, mention.surface, sentence):
            if mention.sentence_start + match.start("org") == mention.start:
                return StatedRole(
                    mention.element,
                    mention.org_id,
                    pattern.role,
                    pattern.id,
                    sentence,
                    mention.sentence_start,
                    mention.sentence_end,
                )
    return None


def _matches(pattern: RolePattern, surface: str, sentence: str) -> list[regex.Match[str]]:
    """Every match of ``pattern`` in ``sentence``, found in at most ``PATTERN_SECONDS``.

    A curated pattern can backtrack catastrophically (``(?:[^。]|[^。])*X`` takes 2^n steps on
    n characters); the ``regex`` module stops it at the time limit, and the build with it.
    """
    try:
        return list(pattern.regex(surface).finditer(sentence, timeout=PATTERN_SECONDS))
    except TimeoutError:
        raise InputError(
            f"pattern {pattern.id!r} ran past {PATTERN_SECONDS:g} s on one sentence "
            "(catastrophic backtracking?)",
            file=pattern.file,
            line=pattern.line,
        ) from None


# Looked up once: each namespace attribute is a Python call that mints a new URIRef.
_ROLE_TERMS = (
    HIP.roleAssignment,
    RDF.type,
    HIP.RoleAssignment,
    HIP.assignedTo,
    HIP.assignedOrganization,
    HIP.role,
    HIP.stated,
    RDFS.label,
)
_MENTION_TERMS = (
    RDF.type,
    HIP.Mention,
    HIP.mentionIn,
    HIP.surfaceForm,
    HIP.resolved,
    HIP.mentionOf,
    HIP.mentions,
)


def _role_node(
    graph: Sink, subject: URIRef, org_id: str, role: str, base: str, stated: bool
) -> URIRef:
    has_role, a, assignment, assigned_to, assigned_org, of_role, is_stated, label = _ROLE_TERMS
    node = URIRef(f"{subject}/role/{role}/{org_id}")
    graph.add((subject, has_role, node))
    graph.add((node, a, assignment))
    graph.add((node, assigned_to, subject))
    graph.add((node, assigned_org, org_iri(org_id, base)))
    graph.add((node, of_role, URIRef(CONCEPT_BASE + "role/" + role)))
    graph.add((node, is_stated, recurring_literal(stated)))
    graph.add((node, label, recurring_literal(f"{role}: {org_id}")))
    return node


def responsibility_graph(
    graph: Graph,
    gazetteer: Gazetteer,
    patterns: list[RolePattern],
    texts: dict[URIRef, str],
    base: str,
    *,
    into: Graph | None = None,
) -> tuple[Graph, list[Mention]]:
    """Mentions, stated and inherited roles for every element with text; and the unresolved.

    The triples go to ``into`` when given (``graph`` itself, say), else to a new graph.
    """
    out = Graph() if into is None else into
    batch = Batch()  # added to ``out`` at the end, at once
    unresolved: list[Mention] = []
    plan_roles: dict[tuple[URIRef, str], URIRef] = {}
    plan_orgs: dict[URIRef, URIRef] = {}  # each plan-level assignment's organisation
    stated_by_element: dict[URIRef, set[str]] = {}
    span_keys: dict[URIRef, dict[tuple[int, int], str]] = {}  # each assignment's, by offsets
    a, mention_class, mention_in, surface, resolved, mention_of, mentions = _MENTION_TERMS
    for element in _elements(graph):
        source_text = texts.get(element.source, "")
        found = find_mentions(gazetteer, element.iri, element.text, element.start)
        for number, mention in enumerate(found, 1):
            # Numbered within the element, not by offset: an edit elsewhere in the plan must
            # not rename the mentions after it (an IRI is public).
            node = URIRef(f"{element.iri}/mention/{number}")
            batch.add((node, a, mention_class))
            batch.add((node, mention_in, element.iri))
            batch.add((node, surface, recurring_literal(mention.surface, lang="zh")))
            batch.add((node, resolved, recurring_literal(mention.org_id is not None)))
            add_span(batch, node, element.source, mention.start, mention.end)
            if mention.org_id is None:
                unresolved.append(mention)
                continue
            batch.add((node, mention_of, org_iri(mention.org_id, base)))
            batch.add((element.iri, mentions, org_iri(mention.org_id, base)))
            sentence = stated_roles(gazetteer, patterns, mention, source_text)
            name = "mentioned" if sentence is None else sentence.role
            plan_level = element.cls == HIP.Safeguard and name in PLAN_LEVEL_ROLES
            subject = element.document if plan_level else element.iri
            assignment = _role_node(batch, subject, mention.org_id, name, base, True)
            stated_by_element.setdefault(subject, set()).add(name)
            if plan_level:
                plan_roles[(subject, name)] = assignment
                plan_orgs[assignment] = org_iri(mention.org_id, base)
            start, end = (
                (sentence.start, sentence.end)
                if sentence
                else (mention.sentence_start, mention.sentence_end)
            )
            # One assignment may be stated by several sentences: a span and a citation each,
            # the spans numbered in the order found (not by offset: an edit before the sentence
            # must not rename them).
            spans = span_keys.setdefault(assignment, {})
            key = spans.setdefault((start, end), f"source-{len(spans) + 1}")
            add_span(batch, assignment, element.source, start, end, key)
            quote = source_text[start:end]
            add_citation(batch, assignment, HIP.role, source=element.source, quote=quote)
    documents = {str(d): d for d, _ in plan_roles}
    for cls in MEASURES:
        measures = sorted(m for m in graph.subjects(RDF.type, cls) if isinstance(m, URIRef))
        for measure in measures:
            document = enclosing_document(str(measure), documents)
            if document is None:
                continue
            for role in INHERITED_ROLES:
                if role in stated_by_element.get(measure, set()):
                    continue
                origin = plan_roles.get((document, role))
                if origin is None:
                    continue
                org_id = str(plan_orgs[origin]).rsplit("/", 1)[-1]
                node = _role_node(batch, measure, org_id, role, base, False)
                batch.add((node, HIP.inheritedFrom, origin))
    add_all(out, batch)
    return out, unresolved


__all__ = [
    "ROLES",
    "Mention",
    "StatedRole",
    "find_mentions",
    "responsibility_graph",
    "stated_roles",
]
