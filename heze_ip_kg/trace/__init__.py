"""The cross-level graph in networkx — chains up to the nation, coverage, SVG."""
