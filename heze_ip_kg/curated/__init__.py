"""The curated data files as typed records: one pydantic model per file kind, and its loader.

``located`` holds the machinery (records that know their lines, pydantic errors turned into
``file:line`` errors); ``fields`` the field types several files share; one module per kind of file:
``parents`` (``data/parents/*.yaml``), ``organizations`` (``data/organizations.yaml``), ``sources``
(``data/sources/sources.yaml``), ``tables`` (``data/labels/*.tsv``, ``data/role-patterns.tsv``),
``alignments`` (``data/alignments/*.csv``), ``observations`` (``data/observations/*.csv``,
``data/indicator-directions.csv``) and ``metadata`` (``data/metadata.yaml``, what a publication
says the dataset is).
"""
