"""Curated parent-document files (``data/parents/*.yaml``): read and strictly validated.

Each file holds what public sources show of one parent document, every fact with its URL and
reliability. A file that names the document's official text (``full_text:``, a file listed in
``data/sources/sources.yaml``) keeps only what that text does not say: each element is located
in the text by a phrase (``quote``) instead of being described.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from heze_ip_kg.datafiles import KeyType, check_keys, place, read_yaml, require
from heze_ip_kg.errors import InputError
from heze_ip_kg.iri import segment_problem, slug_problem
from heze_ip_kg.minting import NATURE_CONCEPTS
from heze_ip_kg.namespaces import DCTERMS, ELI, HIP

CLASSES = {
    "Plan": HIP.Plan,
    "GuidingIdea": HIP.GuidingIdea,
    "Principle": HIP.Principle,
    "Objective": HIP.Objective,
    "Indicator": HIP.Indicator,
    "TaskArea": HIP.TaskArea,
    "Task": HIP.Task,
    "KeyProject": HIP.KeyProject,
    "Safeguard": HIP.Safeguard,
}
RELIABILITY = {"orig": "orig", "news": "news", "secondary": "secondary"}
LEVELS = ("national", "provincial")
_TOP_KEYS: dict[str, KeyType] = {
    "id": str,
    "class": str,
    "level": str,
    "title": dict,
    "aliases": list,
    "facts": dict,
    "based_on": list,
    "counts": list,
    "elements": list,
    "unknown": list,
    "full_text": str,
}
_ELEMENT_KEYS: dict[str, KeyType] = {
    "id": str,
    "class": str,
    "notation": str,
    "label": dict,
    "text": str,
    "parent": str,
    "sources": list,
    "note": str,
    "unit": str,
    "baseline": dict,
    "target": dict,
    "nature": str,
    "quote": (str, list),
}
_VALUE_KEYS: dict[str, KeyType] = {
    "value": (int, float, str),
    "year": int,
    "sources": list,
    "note": str,
}
_FACT_KEYS: dict[str, KeyType] = {
    "zh": str,
    "en": str,
    "value": (str, dt.date, int, float),
    "sources": list,
    "note": str,
}
FACT_PROPERTIES = {
    "notice_title": DCTERMS.title,
    "issuer": HIP.issuerName,
    "document_number": HIP.documentNumber,
    "date_document": ELI.date_document,
    "date_publication": ELI.date_publication,
    "drafter": DCTERMS.contributor,
    "plan_type": DCTERMS.type,
    "english_title": DCTERMS.alternative,
}


@dataclass(frozen=True)
class ParentFile:
    """One curated parent document, validated."""

    path: Path
    data: dict[str, Any]

    @property
    def slug(self) -> str:
        return str(self.data["id"])

    @property
    def full_text(self) -> str | None:
        """The file name of the document's official text in ``data/sources/``, if it has one."""
        value = self.data.get("full_text")
        return str(value) if value is not None else None


def quotes(element: dict[str, Any]) -> list[str]:
    """The phrases that locate a curated element in its document's full text."""
    value = element.get("quote")
    return [value] if isinstance(value, str) else list(value or [])


def source_list(value: Any, where: str) -> list[tuple[str, str]]:
    if not isinstance(value, list) or not value:
        raise InputError(f"{where}: 'sources' must be a non-empty list")
    found = []
    for index, source in enumerate(value, start=1):
        at = f"{where}: sources[{index}]"
        check_keys(source, {"url": str, "reliability": str}, where=at)
        url = require(source, "url", str, where=at)
        reliability = require(source, "reliability", str, where=at)
        if not url.startswith(("http://", "https://")):
            raise InputError(f"{at}: url must be an http(s) address")
        if reliability not in RELIABILITY:
            raise InputError(f"{at}: reliability must be one of {', '.join(RELIABILITY)}")
        found.append((url, reliability))
    return found


def _check_element(element: Any, where: str, ids: set[str], full_text: bool) -> None:
    check_keys(element, _ELEMENT_KEYS, where=where)
    slug = require(element, "id", str, where=where)
    problem = segment_problem(slug)  # one segment of {base}{document}/{id}
    if problem:
        raise InputError(f"{where}: id {slug!r} {problem}")
    cls = require(element, "class", str, where=where)
    if cls not in CLASSES or cls == "Plan":
        raise InputError(f"{where}: unknown class {cls!r}")
    if slug in ids:
        raise InputError(f"{where}: duplicate id {slug!r}")
    if full_text:
        # The text gives heading, text, numbering and place; the file only locates the element.
        said = sorted(k for k in ("label", "text", "notation", "parent") if k in element)
        if said:
            raise InputError(
                f"{where}: {', '.join(said)}: the full text says this; give a 'quote' that "
                "locates the element instead"
            )
        found = quotes(element)
        if not found or not all(isinstance(q, str) and q.strip() for q in found):
            raise InputError(f"{where}: 'quote' must be a phrase of the text, or a list of them")
    else:
        if "quote" in element:
            raise InputError(f"{where}: 'quote' only where the file names a full_text")
        label = require(element, "label", dict, where=where)
        check_keys(label, {"zh": str, "en": str}, where=f"{where}: label")
        require(label, "zh", str, where=f"{where}: label")
        require(label, "en", str, where=f"{where}: label")
    source_list(element.get("sources"), where)
    for key in ("baseline", "target"):
        if key in element:
            if cls != "Indicator":
                raise InputError(f"{where}: {key!r} only for indicators")
            value = element[key]
            check_keys(value, _VALUE_KEYS, where=f"{where}: {key}")
            source_list(value.get("sources"), f"{where}: {key}")
            if "value" in value:
                try:
                    Decimal(str(value["value"]))
                except InvalidOperation:
                    raise InputError(f"{where}: {key} value must be a number") from None
    nature = element.get("nature")
    if nature is not None and (not isinstance(nature, str) or nature not in NATURE_CONCEPTS):
        raise InputError(f"{where}: nature must be 预期性 or 约束性")


def load_parent(path: Path) -> ParentFile:
    """Read and strictly validate one parent file; errors name the file and the element."""
    data = read_yaml(path)
    where = place(path, "", data)
    check_keys(data, _TOP_KEYS, where=where)
    slug = require(data, "id", str, where=where)
    if slug != path.stem:
        raise InputError(f"{place(path, '', data, 'id')}: id {slug!r} must equal the file name")
    problem = slug_problem(slug)
    if problem:
        raise InputError(f"{place(path, '', data, 'id')}: id {slug!r} {problem}")
    if data.get("class") != "Plan":
        raise InputError(f"{place(path, '', data, 'class')}: class must be Plan")
    if data.get("level") not in LEVELS:
        at = place(path, "", data, "level")
        raise InputError(f"{at}: level must be one of {', '.join(LEVELS)}")
    title = require(data, "title", dict, where=where)
    check_keys(title, {"zh": str, "en": str, "sources": list}, where=f"{where}: title")
    require(title, "zh", str, where=f"{where}: title")
    source_list(title.get("sources"), f"{where}: title")
    for index, alias in enumerate(data.get("aliases") or [], start=1):
        at = place(path, f"aliases[{index}]", alias)
        check_keys(alias, {"zh": str, "en": str, "sources": list}, where=at)
        require(alias, "zh", str, where=at)
        source_list(alias.get("sources"), at)
    for key, fact in (data.get("facts") or {}).items():
        if key not in FACT_PROPERTIES:
            raise InputError(f"{where}: facts: unknown fact {key!r}")
        check_keys(fact, _FACT_KEYS, where=f"{where}: facts.{key}")
        source_list(fact.get("sources"), f"{where}: facts.{key}")
    full_text = data.get("full_text")
    if full_text is not None and (not full_text or "/" in full_text or full_text.startswith(".")):
        at = place(path, "", data, "full_text")
        raise InputError(f"{at}: full_text must name a file in data/sources/")
    if full_text is not None and data.get("counts"):
        at = place(path, "", data, "counts")
        raise InputError(f"{at}: counts come from the full text; remove them")
    ids: set[str] = set()
    elements = require(data, "elements", list, where=where)
    for index, element in enumerate(elements, start=1):
        at = place(path, f"elements[{index}]", element)
        _check_element(element, at, ids, full_text is not None)
        ids.add(element["id"])
    for index, element in enumerate(elements, start=1):
        parent = element.get("parent")
        if parent is not None and parent not in ids:
            at = place(path, f"elements[{index}]", element)
            raise InputError(f"{at}: parent {parent!r} is not an element")
    for index, count in enumerate(data.get("counts") or [], start=1):
        at = place(path, f"counts[{index}]", count)
        check_keys(
            count,
            {"class": str, "declared": (int, type(None)), "note": str, "sources": list},
            where=at,
        )
        if not isinstance(count.get("class"), str) or count["class"] not in CLASSES:
            raise InputError(f"{at}: unknown class {count.get('class')!r}")
        declared = count.get("declared")
        if declared is not None and (not isinstance(declared, int) or declared < 0):
            raise InputError(f"{at}: declared must be a count or null")
    for index, entry in enumerate(data.get("based_on") or [], start=1):
        at = place(path, f"based_on[{index}]", entry)
        check_keys(entry, {"document": str, "title": str, "quote": str, "sources": list}, where=at)
        if ("document" in entry) == ("title" in entry):
            raise InputError(f"{at}: give either document or title")
        source_list(entry.get("sources"), at)
    for index, entry in enumerate(data.get("unknown") or [], start=1):
        at = place(path, f"unknown[{index}]", entry)
        check_keys(entry, {"what": str, "note": str}, where=at)
        require(entry, "what", str, where=at)
    return ParentFile(path, data)


def load_parents(folder: Path) -> list[ParentFile]:
    """Every ``*.yaml`` in ``folder``, validated, with cross-file references checked."""
    parents = [load_parent(p) for p in sorted(folder.glob("*.yaml"))]
    slugs = {p.slug for p in parents}
    for parent in parents:
        for index, entry in enumerate(parent.data.get("based_on") or [], start=1):
            if "document" in entry and entry["document"] not in slugs:
                at = place(parent.path, f"based_on[{index}]", entry)
                raise InputError(f"{at}: unknown document {entry['document']!r}")
    return parents


__all__ = [
    "CLASSES",
    "FACT_PROPERTIES",
    "LEVELS",
    "RELIABILITY",
    "ParentFile",
    "load_parent",
    "load_parents",
    "quotes",
    "source_list",
]
