"""RDF in and out: deterministic serialisers (Turtle, N-Triples, JSON-LD) and the dump folder
(``dumps``), and reading dumps back (``--from``)."""
