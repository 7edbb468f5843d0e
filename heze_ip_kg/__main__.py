"""``python -m heze_ip_kg`` runs the CLI."""

from heze_ip_kg.cli.main import run

run()
