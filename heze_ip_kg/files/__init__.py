"""Files in and out, without RDF: bounded reads (``limits``), curated files read with their
lines (``datafiles``), and whole-file and whole-folder swaps (``atomic``)."""
