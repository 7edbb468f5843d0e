"""Page contexts: one documented dataclass per page type (templates only format them)."""

from __future__ import annotations

from dataclasses import dataclass, field

from heze_ip_kg.query.execute import Param


def _help(text: str) -> dict[str, str]:
    return {"help": text}


@dataclass(frozen=True)
class Link:
    """A link to another page (``href`` None when the target has no page of its own)."""

    href: str | None = field(metadata=_help("relative URL of the target page, or None"))
    zh: str = field(metadata=_help("Chinese label"))
    en: str = field(metadata=_help("English label (may equal the Chinese where none exists)"))
    note: str = field(default="", metadata=_help("a short remark shown beside the link"))
    iri: str = field(default="", metadata=_help("the target's IRI or web address, if any"))
    note_en: str = field(default="", metadata=_help("the remark in English (else the same)"))


@dataclass(frozen=True)
class Triple:
    """One statement about the resource, as shown in its triples table: names, not IRIs."""

    predicate: str = field(metadata=_help("the predicate as a prefixed name"))
    predicate_href: str | None = field(metadata=_help("link to its documentation, if ours"))
    value: str = field(metadata=_help("the object as text (its label where it has one)"))
    href: str | None = field(metadata=_help("link to the object's page, if it has one"))
    lang: str | None = field(default=None, metadata=_help("the literal's language tag"))
    predicate_zh: str = field(default="", metadata=_help("the predicate's Chinese label"))
    predicate_en: str = field(default="", metadata=_help("the predicate's English label"))
    value_en: str = field(default="", metadata=_help("the object's English label, if named"))
    external: bool = field(default=False, metadata=_help("the object is a web address"))
    block: tuple[Triple, ...] = field(
        default=(), metadata=_help("a node without a name (a citation, a place in the source)")
    )


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
    notes: tuple[tuple[str, str], ...] = field(
        default=(), metadata=_help("curators' notes and comments, with their language (collapsed)")
    )
    breadcrumbs: tuple[Link, ...] = field(default=(), metadata=_help("ancestors, document first"))
    children: tuple[Link, ...] = field(default=(), metadata=_help("elements that are part of it"))
    trace: Trace | None = field(default=None, metadata=_help("the chain up and down the levels"))
    indicator: IndicatorCard | None = field(default=None, metadata=_help("an indicator's card"))
    document_info: tuple[InfoField, ...] = field(
        default=(), metadata=_help("a document's 文号, issuer, dates, period, status")
    )
    cite_zh: str = field(default="", metadata=_help("how to cite it, in Chinese"))
    cite_en: str = field(default="", metadata=_help("how to cite it, in English"))
    previous: Link | None = field(default=None, metadata=_help("the sibling before it"))
    next: Link | None = field(default=None, metadata=_help("the sibling after it"))
    roles: tuple[RoleRow, ...] = field(default=(), metadata=_help("responsible bodies, by role"))
    held: tuple[RoleRow, ...] = field(default=(), metadata=_help("a body's measures, by role"))
    mentions: tuple[MentionRow, ...] = field(
        default=(), metadata=_help("bodies its text names, or the measures naming a body")
    )
    excerpt: Excerpt | None = field(default=None, metadata=_help("the source text around it"))
    triples: tuple[Triple, ...] = field(default=(), metadata=_help("its own statements"))
    jsonld: str = field(default="", metadata=_help("its description as JSON-LD, script-safe"))
    ttl_href: str = field(default="", metadata=_help("link to its Turtle"))
    jsonld_href: str = field(default="", metadata=_help("link to its JSON-LD"))


@dataclass(frozen=True)
class Table:
    """A table of strings with optional links per cell."""

    columns: tuple[Link, ...] = field(metadata=_help("column headings (zh, en; note: variable)"))
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
    outline: tuple[OutlineNode, ...] = field(
        default=(), metadata=_help("the main document's outline (metadata.yaml)")
    )
    indicators: Table | None = field(default=None, metadata=_help("the indicator table"))
    coverage: Table | None = field(default=None, metadata=_help("the coverage summary"))
    validation: str = field(default="", metadata=_help("one line on the validation status"))
    dumps: tuple[Link, ...] = field(default=(), metadata=_help("downloadable dumps"))
    pictures: tuple[Link, ...] = field(default=(), metadata=_help("SVG pictures"))
    triples: int = field(default=0, metadata=_help("how many triples the graph holds"))
    schema_jsonld: str = field(default="", metadata=_help("schema.org Dataset JSON-LD"))
    progress: Table | None = field(
        default=None, metadata=_help("progress statuses counted per document")
    )
    chart: Chart | None = field(default=None, metadata=_help("the plan's indicators by level"))
    lists: tuple[Link, ...] = field(
        default=(), metadata=_help("the index pages: organisations, indicators, alignments")
    )


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
    params: tuple[Param, ...] = field(
        default=(), metadata=_help("its parameters (name, type, default, meaning)")
    )


@dataclass(frozen=True)
class QueriesPage(Page):
    """The query catalogue with results, and the query runner (which needs ``serve``)."""

    queries: tuple[QueryResult, ...] = field(default=(), metadata=_help("every catalogue query"))


@dataclass(frozen=True)
class Remark:
    """A sentence in both languages, with an optional link (e.g. "not encoded", with why)."""

    zh: str = field(metadata=_help("Chinese text"))
    en: str = field(metadata=_help("English text"))
    link: Link | None = field(default=None, metadata=_help("what it is about, if it has a page"))


@dataclass(frozen=True)
class TraceStep:
    """One element of a chain up to the nation (or down to the plans that take it up)."""

    element: Link = field(metadata=_help("the element"))
    level: str = field(metadata=_help("its level's code: municipal, provincial, national"))
    level_zh: str = field(metadata=_help("市级, 省级, 国家级"))
    level_en: str = field(metadata=_help("municipal, provincial, national"))
    document: Link | None = field(metadata=_help("its document (None for a document)"))
    relation_zh: str = field(metadata=_help("the relation to the step before it, in Chinese"))
    relation_en: str = field(metadata=_help("the same in English"))
    status: Link | None = field(default=None, metadata=_help("the alignment's review status"))
    evidence: str = field(default="", metadata=_help("the matched text"))
    method: str = field(default="", metadata=_help("how the link was found"))
    alignment: Link | None = field(default=None, metadata=_help("the alignment's page"))
    children: tuple[TraceStep, ...] = field(default=(), metadata=_help("the next steps"))
    remarks: tuple[Remark, ...] = field(default=(), metadata=_help("why the chain stops here"))


@dataclass(frozen=True)
class Trace:
    """The trace block: the chain up to the nation as a tree, and who takes the element up."""

    up: tuple[TraceStep, ...] = field(metadata=_help("what it implements, recursively"))
    down: tuple[TraceStep, ...] = field(metadata=_help("what implements it, recursively"))
    remarks: tuple[Remark, ...] = field(default=(), metadata=_help("why nothing is above it"))
    more_down: int = field(default=0, metadata=_help("steps down left out (too many to show)"))


@dataclass(frozen=True)
class Mark:
    """One shape of a chart, in the chart's own coordinates (the template only writes it)."""

    kind: str = field(metadata=_help("rect, line, circle, path or text"))
    cls: str = field(metadata=_help("its CSS class (colour by level or role)"))
    x: float = field(default=0, metadata=_help("x, or x1 of a line, or cx of a circle"))
    y: float = field(default=0, metadata=_help("y, or y1 of a line, or cy of a circle"))
    x2: float = field(default=0, metadata=_help("x2 of a line"))
    y2: float = field(default=0, metadata=_help("y2 of a line"))
    w: float = field(default=0, metadata=_help("width of a rect, radius of a circle"))
    h: float = field(default=0, metadata=_help("height of a rect"))
    zh: str = field(default="", metadata=_help("a text's Chinese, or a path's d"))
    en: str = field(default="", metadata=_help("a text's English (the Chinese if the same)"))
    anchor: str = field(default="start", metadata=_help("a text's text-anchor"))


@dataclass(frozen=True)
class Chart:
    """An SVG chart: a title, a description for screen readers, and its marks."""

    id: str = field(metadata=_help("its element id (unique on the page)"))
    width: int = field(metadata=_help("viewBox width"))
    height: int = field(metadata=_help("viewBox height"))
    title_zh: str = field(metadata=_help("Chinese title"))
    title_en: str = field(metadata=_help("English title"))
    desc_zh: str = field(metadata=_help("what it shows, in Chinese (for screen readers)"))
    desc_en: str = field(metadata=_help("the same in English"))
    marks: tuple[Mark, ...] = field(default=(), metadata=_help("its shapes and texts"))
    legend: tuple[Remark, ...] = field(default=(), metadata=_help("legend entries (zh, en)"))


@dataclass(frozen=True)
class LevelValue:
    """One indicator's baseline and target, as a row of the comparison across levels."""

    iri: str = field(metadata=_help("the indicator's IRI"))
    indicator: Link = field(metadata=_help("the indicator"))
    document: Link = field(metadata=_help("its document"))
    level: str = field(metadata=_help("level code (municipal, provincial, national)"))
    level_zh: str = field(metadata=_help("市级, 省级, 国家级"))
    level_en: str = field(metadata=_help("the level in English"))
    baseline: str = field(metadata=_help("baseline value, or empty"))
    baseline_year: str = field(metadata=_help("baseline year, or empty"))
    target: str = field(metadata=_help("target value, or empty"))
    target_year: str = field(metadata=_help("target year, or empty"))
    unit_zh: str = field(metadata=_help("unit in Chinese"))
    unit_en: str = field(metadata=_help("unit in English"))
    same_unit: bool = field(metadata=_help("whether it is in the page indicator's unit"))
    multiple: str = field(metadata=_help("target ÷ baseline, where both are known"))
    sources: tuple[Link, ...] = field(metadata=_help("where the values are stated"))
    own: bool = field(default=False, metadata=_help("the page's own indicator"))


@dataclass(frozen=True)
class ProgressStatus:
    """An indicator's progress status with the figures it was computed from."""

    status: Link = field(metadata=_help("the status concept"))
    code: str = field(metadata=_help("its notation (achieved, on-track, no-data, …)"))
    latest_year: str = field(metadata=_help("year of the latest observation"))
    latest_value: str = field(metadata=_help("the latest observed value"))
    ratio: str = field(metadata=_help("R = CAGRi / CAGRT"))
    share: str = field(metadata=_help("share of the planned distance covered, in per cent"))
    method: Link | None = field(metadata=_help("the method variant used"))
    scheme: Link = field(metadata=_help("the status scheme, which states the method"))
    assessment: Link = field(metadata=_help("the assessment's own page"))


@dataclass(frozen=True)
class ObservationRow:
    """One observed value of the indicator, with its source."""

    observation: Link = field(metadata=_help("the observation's page (named by its year)"))
    year: str = field(metadata=_help("reference year"))
    value: str = field(metadata=_help("observed value"))
    unit: Link | None = field(metadata=_help("its unit"))
    source: Link | None = field(metadata=_help("the page that states it"))
    note: str = field(default="", metadata=_help("the curator's note"))


@dataclass(frozen=True)
class IndicatorCard:
    """Baseline → target, the comparison across levels, progress and observations."""

    rows: tuple[LevelValue, ...] = field(metadata=_help("this indicator, then those it implements"))
    absolute: Chart | None = field(metadata=_help("absolute values, rows in the same unit"))
    multiples: Chart | None = field(metadata=_help("growth multiples (the second view)"))
    series: Chart | None = field(metadata=_help("baseline, target line and observations"))
    progress: ProgressStatus | None = field(metadata=_help("the progress status"))
    observations: tuple[ObservationRow, ...] = field(metadata=_help("observed values"))
    csv_href: str = field(metadata=_help("link to this indicator's CSV"))
    csv_text: str = field(metadata=_help("the CSV itself (written beside the page)"))


@dataclass(frozen=True)
class InfoField:
    """One line of a document's information block (文号, issuer, dates, …)."""

    label_zh: str = field(metadata=_help("what it is, in Chinese"))
    label_en: str = field(metadata=_help("what it is, in English"))
    values: tuple[Link, ...] = field(metadata=_help("its values (links where they have pages)"))


@dataclass(frozen=True)
class RoleRow:
    """A stated or inherited role: who does what for which measure."""

    role: Link = field(metadata=_help("the role (牵头, 参与, …)"))
    party: Link = field(
        metadata=_help("the body (on a measure's page) or the measure (on a body's)")
    )
    document: Link | None = field(metadata=_help("the measure's document, on a body's page"))
    how_zh: str = field(metadata=_help("明示 or 继承"))
    how_en: str = field(metadata=_help("stated or inherited"))
    assignment: Link = field(metadata=_help("the role assignment's page (its evidence)"))


@dataclass(frozen=True)
class MentionRow:
    """A body named in a measure's text."""

    surface: str = field(metadata=_help("the words of the text"))
    party: Link | None = field(metadata=_help("the body (or, on a body's page, the measure)"))
    mention: Link = field(metadata=_help("the mention's page (its place in the text)"))


@dataclass(frozen=True)
class Section:
    """A titled table on a listing page."""

    id: str = field(metadata=_help("its anchor"))
    title: Link = field(metadata=_help("its heading (linked where it names a resource)"))
    table: Table = field(metadata=_help("its rows"))


@dataclass(frozen=True)
class ListPage(Page):
    """An index of one kind of resource: organisations, indicators, alignments."""

    intro_zh: str = field(default="", metadata=_help("what the list holds, in Chinese"))
    intro_en: str = field(default="", metadata=_help("the same in English"))
    sections: tuple[Section, ...] = field(default=(), metadata=_help("its tables"))


@dataclass(frozen=True)
class SearchPage(Page):
    """The search page (the search itself runs in the browser over ``search-index.js``)."""
