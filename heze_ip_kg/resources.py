"""The one place that locates the project's data folders: ontology/, shapes/, queries/, data/.

From a checkout they sit beside the package; a wheel carries them in ``heze_ip_kg/_data/``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``ontology``, ``shapes``, ``queries``, ``data``, ``templates``).

    >>> resource_dir("ontology").joinpath("heze-ip.ttl").is_file()
    True
    """
    if name == "templates":
        return _PACKAGE / "templates"
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"resource folder {name!r} not found beside {_PACKAGE}")


def ontology_path() -> Path:
    """The ontology in Turtle."""
    return resource_dir("ontology") / "heze-ip.ttl"


def data_dir() -> Path:
    """The project's curated data (sources, labels, parents, alignments, organisations)."""
    return resource_dir("data")


__all__ = ["data_dir", "ontology_path", "resource_dir"]
