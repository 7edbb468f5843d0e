"""The vocabulary every stage shares, each convention defined once: namespaces, IRIs and slugs
(``iri``, ``minting``), government levels and citations."""
