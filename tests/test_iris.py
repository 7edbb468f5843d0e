"""IRIs minted from text: percent-encoded, valid, never colliding; their pages never collide."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from heze_ip_kg.build.plan import Vocabulary, cited_document_iri, mint_slug, title_key
from heze_ip_kg.publish.describe import page_path
from heze_ip_kg.vocab.namespaces import DEFAULT_BASE

# What an IRI minted from text may contain after the base: unreserved characters and %XX.
MINTED = re.compile(r"^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*$")
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
)  # any Unicode text, markup and separators included
VOCABULARY = Vocabulary()


@given(TEXT, TEXT)
@settings(max_examples=500)
def test_slugs_are_encoded_and_distinct_texts_give_distinct_slugs(a: str, b: str) -> None:
    assert MINTED.match(mint_slug(a))
    assert (mint_slug(a) == mint_slug(b)) == (a.lower() == b.lower())


@given(TEXT, TEXT)
@settings(max_examples=500)
def test_cited_titles_give_valid_distinct_iris_and_pages(a: str, b: str) -> None:
    assume(title_key(a) and title_key(b))  # a title of nothing but spaces cites nothing
    first, second = (cited_document_iri(t, VOCABULARY) for t in (a, b))
    for iri in (first, second):
        rest = str(iri)[len(DEFAULT_BASE) :]
        assert rest.startswith("doc/by-title/")
        assert MINTED.match(rest[len("doc/by-title/") :])
    same_key = title_key(a) == title_key(b)
    assert (first == second) == same_key
    pages = [page_path(str(i), DEFAULT_BASE) for i in (first, second)]
    assert (pages[0] == pages[1]) == same_key
    for page in pages:
        assert page is not None
        assert page.startswith("id/doc/by-title/")
        assert "\0" not in page
        assert "\\" not in page
        assert page.count("/") == 3  # one segment: an encoded "/" never becomes a folder
        assert ".." not in page.split("/")


def test_title_key_is_nfkc() -> None:
    # Full-width and half-width forms of the same title are one document.
    assert title_key("（２０２１—２０３５年）") == title_key(
        unicodedata.normalize("NFKC", "（２０２１—２０３５年）")
    )


@given(
    st.lists(
        st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8),
        min_size=1,
        max_size=4,
    )
)
@settings(max_examples=500)
def test_page_paths_of_any_encoded_iri_stay_inside_id(segments: list[str]) -> None:
    from urllib.parse import quote

    iri = DEFAULT_BASE + "/".join(quote(s, safe="") for s in segments)
    page = page_path(iri, DEFAULT_BASE)
    if {".", ".."} & set(segments):
        assert page is None  # dot segments are refused, never mirrored
        return
    assert page is not None
    parts = page.split("/")
    assert parts[0] == "id"
    assert len(parts) == 1 + len(segments)
    assert not {".", "..", ""} & set(parts[1:])
