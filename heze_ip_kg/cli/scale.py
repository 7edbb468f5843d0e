"""Commands for working at national scale: ``corpus`` writes a synthetic corpus to measure on.

Registered on the same ``heze-ip-kg`` group by ``cli.main``; like it, a thin layer over the API.
"""

from __future__ import annotations

from pathlib import Path

import click

from heze_ip_kg.cli.options import fail_cleanly
from heze_ip_kg.corpus.generate import generate_corpus, write_corpus


@click.command()
@click.option(
    "-n",
    "--plans",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Number of synthetic city plans (their provinces and the nation come on top).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed: same seed, same bytes.")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Data folder to write (never data/); build it with --data OUTPUT.",
)
@fail_cleanly
def corpus(plans: int, seed: int, output: Path) -> None:
    """Write a SYNTHETIC corpus of plans of this genre (texts, parents, labels) for benchmarks."""
    generated = generate_corpus(plans, seed=seed)
    write_corpus(generated, output)
    click.echo(
        f"wrote {len(generated.plans)} synthetic plans ({plans} cities) to {output}; "
        f"build them with --data {output}",
        err=True,
    )


__all__ = ["corpus"]
