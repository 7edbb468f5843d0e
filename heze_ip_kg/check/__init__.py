"""SHACL validation and the check queries (``validate``), with the fast SHACL
path (``fastshacl``)."""
