"""The whole pipeline as a Python API: load the project's data, parse, build, write.

Like ``cli.main`` this module may call every stage; the CLI is a thin layer over it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from rdflib import Graph, URIRef

from heze_ip_kg.align.decisions import alignment_graph, known_elements
from heze_ip_kg.align.proposals import Proposal, propose_alignments
from heze_ip_kg.build.fulltext import count_parsed_parents, match_parent, overlay_graph
from heze_ip_kg.build.organizations import SourceText, organization_graph
from heze_ip_kg.build.parents import build_parent_graph
from heze_ip_kg.build.plan import CONCEPT_BASE, DocumentSettings, Vocabulary, build_graph, title_key
from heze_ip_kg.build.responsibility import Mention, responsibility_graph
from heze_ip_kg.collector import collector_paused
from heze_ip_kg.curated.alignments import Decision, load_decisions
from heze_ip_kg.curated.observations import Observation, load_directions, load_observations
from heze_ip_kg.curated.organizations import load_organizations
from heze_ip_kg.curated.parents import CuratedParent, FullTextParent, ParentFile, load_parents
from heze_ip_kg.curated.sources import load_sources
from heze_ip_kg.curated.tables import load_labels, load_role_patterns, load_units
from heze_ip_kg.errors import InputError
from heze_ip_kg.monitor.assessment import indicator_series, progress_graph
from heze_ip_kg.monitor.observations import indicator_facts, observation_graph
from heze_ip_kg.parse import read_plan
from heze_ip_kg.parse.model import Plan
from heze_ip_kg.progress import Stages, track
from heze_ip_kg.resources import data_dir, ontology_path
from heze_ip_kg.vocab.iri import base_problem
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE, PREFIXES


@dataclass(frozen=True)
class SourceEntry:
    """One official text listed in ``data/sources/sources.yaml``."""

    path: Path
    settings: DocumentSettings
    encoding: str


@dataclass(frozen=True)
class Project:
    """The project's curated inputs, read from a data folder."""

    data: Path
    sources: tuple[SourceEntry, ...]
    vocabulary: Vocabulary
    parents: tuple[ParentFile, ...]
    base: str


def _sources(data: Path, base: str) -> tuple[SourceEntry, ...]:
    listing = load_sources(data / "sources" / "sources.yaml")
    return tuple(
        SourceEntry(
            data / "sources" / entry.file,
            DocumentSettings(entry.slug, entry.level, entry.url, base, entry.synthetic),
            entry.encoding,
        )
        for entry in listing.sources
    )


def _documents(parents: list[ParentFile]) -> dict[str, str]:
    """Curated document slugs by normalised title, from the parent files' titles and aliases."""
    documents: dict[str, str] = {}
    for parent in parents:
        for title in (parent.title, *parent.aliases):
            documents[title_key(title.zh)] = parent.slug
    return documents


def load_project(data: Path | None = None, *, base: str = DEFAULT_BASE) -> Project:
    """Read the curated inputs in ``data`` (default: the project's ``data/`` folder)."""
    problem = base_problem(base)
    if problem:
        raise InputError(f"base IRI {base!r} {problem}")
    data = data or data_dir()
    labels = load_labels(data / "labels" / "en.tsv")
    units = load_units(data / "labels" / "units.tsv")
    parents = load_parents(data / "parents") if (data / "parents").is_dir() else []
    vocabulary = Vocabulary(labels_en=labels, units=units, documents=_documents(parents))
    return Project(data, _sources(data, base), vocabulary, tuple(parents), base)


def concept_graph() -> Graph:
    """The SKOS concept schemes the data refers to, as declared in the ontology."""
    ontology = Graph().parse(ontology_path())
    concepts = Graph()
    for s, p, o in ontology:
        if isinstance(s, URIRef) and str(s).startswith(CONCEPT_BASE):
            concepts.add((s, p, o))
    return concepts


def parse_sources(project: Project) -> list[tuple[SourceEntry, Plan]]:
    """Every listed source, parsed (with a progress bar on a terminal)."""
    entries = track(project.sources, "parse", len(project.sources))
    return [(entry, read_plan(entry.path, encoding=entry.encoding)) for entry in entries]


def _with_source_titles(
    vocabulary: Vocabulary, parsed: list[tuple[SourceEntry, Plan]]
) -> Vocabulary:
    """The vocabulary, with each listed text's own title naming its slug (curated titles win).

    So a child text citing 《…》 links by ``eli:based_on`` to the parent's text when that text is
    listed in ``sources.yaml`` too.
    """
    titles = {title_key(p.title): e.settings.slug for e, p in parsed if p.title}
    if not titles:
        return vocabulary
    return replace(vocabulary, documents={**titles, **vocabulary.documents})


@dataclass(frozen=True)
class BuildResult:
    """The built dataset and what the aligner proposed that nobody has reviewed yet."""

    graph: Graph
    proposals: tuple[Proposal, ...]
    decisions: tuple[Decision, ...]
    unresolved_mentions: tuple[Mention, ...] = ()
    texts: tuple[SourceText, ...] = ()
    warnings: tuple[str, ...] = ()
    observations: tuple[Observation, ...] = ()

    @property
    def unreviewed(self) -> list[Proposal]:
        """Proposals with no decision in ``data/alignments/`` (the review still to do)."""
        reviewed = {(d.child, d.parent) for d in self.decisions}
        return [p for p in self.proposals if (p.child, p.parent) not in reviewed]


def build_documents(
    project: Project, stages: Stages | None = None, warnings: list[str] | None = None
) -> tuple[Graph, list[SourceText]]:
    """Every listed plan and curated parent, with the concept schemes; and the source texts.

    ``warnings`` (optional) receives, one line each naming file and line, what the parser
    recovered from and where a curated file disagrees with its document's full text.
    """
    stages = stages or Stages()
    warnings = [] if warnings is None else warnings
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    texts: list[SourceText] = []
    with stages.stage("parse"):
        parsed = parse_sources(project)
    vocabulary = _with_source_titles(project.vocabulary, parsed)
    for _, plan in parsed:
        warnings += [f"{plan.source.name}:{w.line}:{w.column}: {w.message}" for w in plan.warnings]
    with stages.stage("build"):
        return _build_parsed(project, parsed, vocabulary, graph, texts, warnings)


def _full_texts(
    project: Project, parsed: list[tuple[SourceEntry, Plan]]
) -> dict[str, FullTextParent]:
    """The curated parents that name a full text, by slug; each must be listed with that slug."""
    listed = {e.settings.slug: e.path.name for e, _ in parsed}
    found = {}
    for parent in project.parents:
        if not isinstance(parent, FullTextParent):
            continue
        if listed.get(parent.slug) != parent.full_text:
            raise parent.error(
                f"full_text {parent.full_text!r} is not listed in sources.yaml with "
                f"slug {parent.slug!r}",
                key="full_text",
            )
        found[parent.slug] = parent
    return found


def _build_parsed(
    project: Project,
    parsed: list[tuple[SourceEntry, Plan]],
    vocabulary: Vocabulary,
    graph: Graph,
    texts: list[SourceText],
    warnings: list[str],
) -> tuple[Graph, list[SourceText]]:
    full_texts = _full_texts(project, parsed)
    for entry, plan in track(parsed, "build", len(parsed)):
        parent = full_texts.get(entry.settings.slug)
        overlay = match_parent(parent, plan, vocabulary) if parent else None
        pins = overlay.pins if overlay else None
        build_graph(plan, entry.settings, vocabulary, into=graph, pins=pins)
        if overlay is not None:
            graph += overlay_graph(overlay, plan, vocabulary, project.base)
            warnings += overlay.findings
        texts.append(
            SourceText(URIRef(f"{project.base}{entry.settings.slug}/source"), plan.source.text)
        )
    for curated in project.parents:
        if isinstance(curated, CuratedParent):
            graph += build_parent_graph(curated, vocabulary, project.base)
    graph += concept_graph()
    count_parsed_parents(graph)
    return graph, texts


def build_all(project: Project, stages: Stages | None = None) -> BuildResult:
    """Documents and organisations, alignments between documents, responsibilities.

    ``stages`` (optional) records the seconds spent in parse, build, responsibility and align.
    """
    with collector_paused():
        return _build_all(project, stages or Stages())


def _build_all(project: Project, stages: Stages) -> BuildResult:
    warnings: list[str] = []
    graph, texts = build_documents(project, stages, warnings)
    with stages.stage("responsibility"):
        unresolved = _responsibilities(project, graph, texts)
    with stages.stage("align"):
        proposals = propose_alignments(graph)
        folder = project.data / "alignments"
        decisions = (
            load_decisions(folder, project.base, known_elements(graph)) if folder.is_dir() else []
        )
        alignment_graph(graph, proposals, decisions, project.base, into=graph)
    with stages.stage("monitor"):
        observations = _monitoring(project, graph)
    return BuildResult(
        graph,
        tuple(proposals),
        tuple(decisions),
        tuple(unresolved),
        tuple(texts),
        tuple(warnings),
        tuple(observations),
    )


def _monitoring(project: Project, graph: Graph) -> list[Observation]:
    """Add the observed values (``data/observations/*.csv``) and every indicator's progress."""
    facts = indicator_facts(graph, project.vocabulary.units)
    folder = project.data / "observations"
    observations = load_observations(folder, project.base, facts) if folder.is_dir() else []
    observation_graph(observations, project.base, facts, into=graph)
    directions = load_directions(project.data / "indicator-directions.csv", project.base, facts)
    progress_graph(indicator_series(graph, observations, directions), into=graph)
    return observations


def _responsibilities(project: Project, graph: Graph, texts: list[SourceText]) -> list[Mention]:
    """Add organisations and roles to ``graph``; return the unresolved mentions."""
    unresolved: list[Mention] = []
    organizations = project.data / "organizations.yaml"
    if organizations.is_file():
        gazetteer = load_organizations(organizations)
        graph += organization_graph(gazetteer, texts, project.base)
        patterns = load_role_patterns(project.data / "role-patterns.tsv")
        _, unresolved = responsibility_graph(
            graph, gazetteer, patterns, {t.iri: t.text for t in texts}, project.base, into=graph
        )
    return unresolved


def build_dataset(project: Project) -> Graph:
    """The whole dataset: documents, parents, concepts and alignments."""
    return build_all(project).graph


__all__ = [
    "BuildResult",
    "Project",
    "SourceEntry",
    "build_all",
    "build_dataset",
    "build_documents",
    "concept_graph",
    "load_project",
    "parse_sources",
]
