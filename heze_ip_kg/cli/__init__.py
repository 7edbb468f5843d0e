"""The command line: a thin layer over the Python API (``main`` holds the commands)."""
