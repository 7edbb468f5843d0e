"""The SPARQL catalogue (``execute``) on rdflib or Oxigraph (``backends``), and
loading into a SPARQL server (``remote``, ``graph_patch``)."""
