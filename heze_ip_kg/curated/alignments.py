"""The reviewed decisions (``data/alignments/*.csv``): one row per child-parent pair.

Header ``child,parent,relation,status,evidence,note``: ``child`` and ``parent`` are element IRIs
under the base (``parent`` empty for a local initiative); every row needs a reviewer's note. An
element that is not in the graph, a broken row or a second decision on one pair fails with the
file and line.
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import PlainValidator, ValidationInfo, field_validator, model_validator
from rdflib import URIRef

from heze_ip_kg.curated.located import Row, validate_row
from heze_ip_kg.errors import InputError
from heze_ip_kg.files.datafiles import read_sheet

REVIEW_COLUMNS = ("child", "parent", "relation", "status", "evidence", "note")
Relation = Literal["implements", "local-initiative"]
Status = Literal["confirmed", "rejected"]


def _element(value: Any, info: ValidationInfo) -> URIRef | None:
    """``value`` (a path under the base) as the IRI of a known element; empty is no element."""
    if value == "":
        if info.field_name == "parent":
            return None
        raise ValueError(f"empty {info.field_name}")
    base, known = (info.context or {}).get("base", ""), (info.context or {}).get("known", set())
    # Checked before an IRI is made of it: rdflib would only warn about spaces.
    if not isinstance(value, str) or base + value not in known:
        raise ValueError(f"unknown element {value!r}")
    return URIRef(base + value)


class Decision(Row):
    """A reviewed decision on one pair: the child implements the parent, or is local."""

    child: Annotated[URIRef, PlainValidator(_element)]
    parent: Annotated[URIRef | None, PlainValidator(_element)]
    relation: Relation
    status: Status
    evidence: str
    note: str

    @field_validator("note")
    @classmethod
    def _reviewed(cls, value: str) -> str:
        if not value:
            raise ValueError("every decision needs a reviewer's note")
        return value

    @model_validator(mode="after")
    def _parent_for_implements(self) -> Self:
        if (self.relation == "implements") == (self.parent is None):
            raise ValueError("implements needs a parent; local-initiative takes none")
        return self

    @property
    def sheet(self) -> str:
        """The file name of the sheet the row is in."""
        return Path(self.file).name


def load_decisions(folder: Path, base: str, known: Set[URIRef]) -> list[Decision]:
    """Every reviewed decision in ``folder/*.csv``; a bad row fails with the file and line."""
    decisions: list[Decision] = []
    seen: dict[tuple[URIRef, URIRef | None], Decision] = {}
    known_ids = {str(iri) for iri in known}
    for path in sorted(folder.glob("*.csv")):
        for line, cells in read_sheet(path, REVIEW_COLUMNS):
            decision = validate_row(Decision, cells, str(path), line, base=base, known=known_ids)
            first = seen.setdefault((decision.child, decision.parent), decision)
            if first is not decision:
                where = f"{first.sheet}:{first.line}"
                raise InputError(
                    f"duplicate decision (first at {where})", file=str(path), line=line
                )
            decisions.append(decision)
    return decisions


__all__ = ["REVIEW_COLUMNS", "Decision", "Relation", "Status", "load_decisions"]
