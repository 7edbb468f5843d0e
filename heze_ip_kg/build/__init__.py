"""Parsed plans and curated files into RDF — a plan (``plan``), its parents
(``parents``, ``fulltext``), the bodies it names (``organizations``) and who holds each measure
(``responsibility``)."""
