"""Which page model each resource page of a publication was rendered from.

A resource page's four files (HTML, Turtle, JSON-LD and an indicator's CSV) are functions of its
page model (``publish.context.ResourcePage``: plain frozen data, the JSON-LD of its description
and the CSV included) and of what is the same for every page — the code with its templates, the
options and the dataset's metadata (the *context*). A run with a cache records, for the output
folder it wrote, the digest of every page's model and the context (and, as JSON, the keys each
model read: ``publish.page_reads``); the next run into that folder builds the models of the pages
whose reads changed, and a page whose model and context have the digests recorded, and
whose files in the previous output are still the very files that run wrote (size, modification
time and inode, as in its manifest), is left there without being rendered (the folder is
updated in place: ``atomic.updated_in_place``).

The record lives in the cache beside the run's manifest: ``DIR/pages/<key>.json`` (the context
and the digests), found through the key last published into the folder (``keyed.output_key``).
Any doubt — no record, another context, a file touched, a model that differs — renders the page:
the record only saves work, and can be deleted at any time.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from dataclasses import dataclass
from pathlib import Path

from heze_ip_kg.files.atomic import atomic_write
from heze_ip_kg.files.keyed import ENTRIES, PAGES, Manifest, output_key


@dataclass(frozen=True)
class RenderedPages:
    """A recorded run's page digests and the manifest of the folder it wrote."""

    digests: dict[str, str]  # subject IRI → digest of its page model
    files: Manifest  # path relative to the output folder → [size, mtime_ns, inode]
    reads: object = None  # the keys each page read, as JSON (``publish.page_reads.PageReads``)
    dumps: object = None  # each dump's layout by format, as JSON (``publish.dump_pieces``)
    site: dict[str, str] | None = None  # the site's other pages: path → digest of its model


def model_digest(model: object) -> str:
    """A digest of a page model, the same for equal models in any process.

    Pickled without the memo (``fast``): two equal models whose strings happen to be shared
    objects in one run and copies in another pickle alike. The models hold no sets, whose order
    could differ between processes.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes depend on the values, not on object identity
    pickler.dump(model)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).hexdigest()


def context_digest(code: str, options: dict[str, str], metadata: str) -> str:
    """The digest of what every page's rendering depends on besides its model."""
    payload = json.dumps([code, options, metadata], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_pages(
    cache_dir: Path,
    key: str,
    context: str,
    digests: dict[str, str],
    reads: object = None,
    dumps: object = None,
    site: dict[str, str] | None = None,
) -> None:
    """Remember that run ``key`` rendered pages with ``digests`` in ``context``, their models
    having read ``reads`` (JSON data: ``publish.page_reads.PageReads``), if known, and wrote
    dumps with the layouts ``dumps`` (JSON data: ``publish.dump_pieces.DumpLayout`` by format),
    and the site's other pages (lists, home, search) from models with the digests ``site``.

    Its manifest is its entry in ``DIR/publications`` (``keyed.record``); ``keyed.record_output``
    then names it as the run that holds the output folder.
    """
    payload = {
        "context": context,
        "digests": digests,
        "reads": reads,
        "dumps": dumps,
        "site": site or {},
    }
    atomic_write(
        cache_dir / PAGES / f"{key}.json",
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8"),
    )


def rendered_pages(cache_dir: Path, out_dir: Path, context: str) -> RenderedPages | None:
    """What the run last recorded for ``out_dir`` rendered, if it had ``context``."""
    key = output_key(cache_dir, out_dir)
    if key is None:
        return None
    try:
        pages = json.loads((cache_dir / PAGES / f"{key}.json").read_bytes())
        entry = json.loads((cache_dir / ENTRIES / f"{key}.json").read_bytes())
        same_context = pages["context"] == context
        digests, files, reads = pages["digests"], entry["manifest"], pages.get("reads")
        dumps, site = pages.get("dumps"), pages.get("site")
    except (OSError, ValueError, KeyError, TypeError):
        return None  # none recorded, or in a form this version cannot read: render every page
    if not same_context or not isinstance(digests, dict) or not isinstance(files, dict):
        return None
    site = site if isinstance(site, dict) else None
    return RenderedPages(digests, files, reads, dumps, site)


__all__ = [
    "RenderedPages",
    "context_digest",
    "model_digest",
    "record_pages",
    "rendered_pages",
]
