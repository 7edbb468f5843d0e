"""The synthetic corpus: plans of the genre generated for scale tests, never official text."""
