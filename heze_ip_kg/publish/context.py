"""Page contexts: one documented dataclass per page type (templates only format them)."""

from __future__ import annotations

from dataclasses import dataclass, field


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class Link:
    """A link to another page (``href`` None when the target has no page of its own)."""

    href: str | None = field(metadata=_help("relative URL of the target page, or None"))
    zh: str = field(metadata=_help("Chinese label"))
    en: str = field(metadata=_help("English label (may equal the Chinese where none exists)"))
    note: str = field(default="", metadata=_help("a short remark shown beside the link"))


@dataclass(frozen=True)
class Triple:
    """One statement about the resource, as shown in its triples table."""

    predicate: str = field(metadata=_help("the predicate as a prefixed name"))
    predicate_href: str | None = field(metadata=_help("link to its documentation, if ours"))
    value: str = field(metadata=_help("the object as text"))
    href: str | None = field(metadata=_help("link to the object's page, if it has one"))
    lang: str | None = field(default=None, metadata=_help("the literal's language tag"))


@dataclass(frozen=True)
class Excerpt:
    """The source text around the resource's span, the span itself marked."""

    before: str = field(metadata=_help("up to 120 characters before the span"))
    marked: str = field(metadata=_help("the span's own text"))
    after: str = field(metadata=_help("up to 120 characters after the span"))
    start: int = field(metadata=_help("offset of the span's start (code points)"))
    end: int = field(metadata=_help("offset of the span's end"))
    source: Link = field(metadata=_help("the source text file"))


@dataclass(frozen=True)
class Page:
    """What every page has: where it is, how to get home, and its title."""

    path: str = field(metadata=_help("the page's path inside the site"))
    root: str = field(metadata=_help("relative prefix from the page to the site root"))
    title_zh: str = field(metadata=_help("Chinese title"))
    title_en: str = field(metadata=_help("English title"))


@dataclass(frozen=True)
class ResourcePage(Page):
    """The page of one resource of the graph."""

    iri: str = field(default="", metadata=_help("the resource's IRI"))
    types: tuple[Link, ...] = field(default=(), metadata=_help("its classes"))
    notation: str = field(default="", metadata=_help("its numbering, e.g. （一）"))
    text: str = field(default="", metadata=_help("its full Chinese text (hip:text)"))
    notes: tuple[str, ...] = field(default=(), metadata=_help("inference notes and comments"))
    breadcrumbs: tuple[Link, ...] = field(default=(), metadata=_help("ancestors, document first"))
    children: tuple[Link, ...] = field(default=(), metadata=_help("elements that are part of it"))
    implements: tuple[Link, ...] = field(
        default=(), metadata=_help("what it implements, with evidence")
    )
    implemented_by: tuple[Link, ...] = field(default=(), metadata=_help("what implements it"))
    roles: tuple[Link, ...] = field(default=(), metadata=_help("responsible bodies, by role"))
    excerpt: Excerpt | None = field(default=None, metadata=_help("the source text around it"))
    triples: tuple[Triple, ...] = field(default=(), metadata=_help("its own statements"))
    jsonld: str = field(default="", metadata=_help("its description as JSON-LD, script-safe"))
    ttl_href: str = field(default="", metadata=_help("link to its Turtle"))
    jsonld_href: str = field(default="", metadata=_help("link to its JSON-LD"))


@dataclass(frozen=True)
class Table:
    """A table of strings with optional links per cell."""

    columns: tuple[str, ...] = field(metadata=_help("column headings"))
    rows: tuple[tuple[Link, ...], ...] = field(metadata=_help("cells as links (href may be None)"))


@dataclass(frozen=True)
class OutlineNode:
    """An element in the plan outline tree."""

    link: Link = field(metadata=_help("the element"))
    notation: str = field(metadata=_help("its numbering"))
    children: tuple[OutlineNode, ...] = field(default=(), metadata=_help("its sub-elements"))


@dataclass(frozen=True)
class IndexPage(Page):
    """The dataset's home page."""

    description_zh: str = field(default="", metadata=_help("what the dataset is, in Chinese"))
    description_en: str = field(default="", metadata=_help("what the dataset is, in English"))
    documents: tuple[Link, ...] = field(default=(), metadata=_help("the documents in the graph"))
    sources: tuple[Link, ...] = field(default=(), metadata=_help("where the texts come from"))
    outline: tuple[OutlineNode, ...] = field(default=(), metadata=_help("the Heze plan outline"))
    indicators: Table | None = field(default=None, metadata=_help("the indicator table"))
    coverage: Table | None = field(default=None, metadata=_help("the coverage summary"))
    validation: str = field(default="", metadata=_help("one line on the validation status"))
    dumps: tuple[Link, ...] = field(default=(), metadata=_help("downloadable dumps"))
    pictures: tuple[Link, ...] = field(default=(), metadata=_help("SVG pictures"))
    triples: int = field(default=0, metadata=_help("how many triples the graph holds"))
    schema_jsonld: str = field(default="", metadata=_help("schema.org Dataset JSON-LD"))


@dataclass(frozen=True)
class Term:
    """An ontology term."""

    anchor: str = field(metadata=_help("its local name, used as anchor"))
    kind: str = field(metadata=_help("Class, ObjectProperty or DatatypeProperty"))
    label_zh: str = field(metadata=_help("Chinese label"))
    label_en: str = field(metadata=_help("English label"))
    comment_zh: str = field(metadata=_help("Chinese definition"))
    comment_en: str = field(metadata=_help("English definition"))
    related: tuple[str, ...] = field(default=(), metadata=_help("super-terms, domain, range"))


@dataclass(frozen=True)
class OntologyPage(Page):
    """The ontology documentation."""

    terms: tuple[Term, ...] = field(default=(), metadata=_help("every class and property"))


@dataclass(frozen=True)
class QueryResult:
    """One catalogue query with its current results."""

    name: str = field(metadata=_help("the query's file stem"))
    title: str = field(metadata=_help("its title"))
    description_zh: str = field(metadata=_help("Chinese description"))
    description_en: str = field(metadata=_help("English description"))
    text: str = field(metadata=_help("the SPARQL text"))
    results: Table = field(metadata=_help("its results over the published graph"))


@dataclass(frozen=True)
class QueriesPage(Page):
    """The query catalogue with results, and the query runner (which needs ``serve``)."""

    queries: tuple[QueryResult, ...] = field(default=(), metadata=_help("every catalogue query"))
