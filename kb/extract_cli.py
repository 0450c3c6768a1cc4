"""Formatting for ``newskb extract``: progress on a TTY, a readable summary with rich.

Kept out of kb/cli.py so the shared command module stays thin and the spaCy import is
paid only by the commands that extract.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from kb.errors import ParseError
from kb.extract import Extractor, prediction, read_documents, write_predictions
from kb.records import UNDIRECTED_TYPES, Extraction, party_label

log = logging.getLogger(__name__)


def run_batch(app: object, input_path: Path, output_path: Path, *, batch_size: int | None, n_process: int | None) -> None:
    """Extract every line of ``input_path`` into ``output_path`` (written whole at the end)."""
    settings = app.settings.extract  # type: ignore[attr-defined]
    docs = read_documents(input_path)
    extractor = Extractor(settings)
    tmp = output_path.with_name(output_path.name + ".part")
    try:
        with tmp.open("w", encoding="utf-8") as out:
            if sys.stderr.isatty() and not app.quiet:  # type: ignore[attr-defined]
                columns = (TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
                with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
                    task = progress.add_task("extract", total=len(docs))
                    count = write_predictions(extractor, docs, out, batch_size=batch_size, n_process=n_process,
                                              on_done=lambda _id: progress.advance(task))
            else:
                count = write_predictions(extractor, docs, out, batch_size=batch_size, n_process=n_process)
        tmp.replace(output_path)
    except OSError as e:
        raise ParseError(str(output_path), f"cannot write: {e.strerror}") from e
    log.info("extracted %d documents from %s into %s", count, input_path, output_path)


def run_single(app: object, *, file_path: Path | None, text: str | None, title: str | None) -> None:
    """Extract one document and print a summary (or JSON with --json)."""
    if file_path is not None:
        try:
            raw = file_path.read_bytes()
        except OSError as e:
            raise ParseError(str(file_path), f"cannot read: {e.strerror}") from e
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ParseError(str(file_path), f"not UTF-8 (byte {e.start}); convert it first") from e
    extraction = Extractor(app.settings.extract).extract(text or "", title=title)  # type: ignore[attr-defined]
    if app.json_output:  # type: ignore[attr-defined]
        click.echo(json.dumps(prediction(str(file_path or "text"), extraction), ensure_ascii=False, indent=2))
        return
    print_summary(extraction, Console())


def print_summary(extraction: Extraction, console: Console) -> None:
    """Companies with aliases, products with owners, people, relations with evidence."""
    table = Table(title="Companies", show_lines=False)
    table.add_column("company")
    table.add_column("aliases")
    table.add_column("ticker")
    for c in extraction.companies:
        table.add_row(c.name, ", ".join(c.aliases), c.ticker or "")
    console.print(table)
    if extraction.products:
        console.print("[bold]Products[/bold]: " + "; ".join(
            f"{p.name}" + (f" ({p.owner})" if p.owner else "") for p in extraction.products))
    if extraction.people:
        console.print("[bold]People[/bold]: " + "; ".join(
            p.name + (f", {p.title}" if p.title else "") + (f" of {p.company}" if p.company else "") for p in extraction.people))
    if extraction.other_orgs:
        console.print("[bold]Other organisations[/bold]: " + ", ".join(extraction.other_orgs))
    console.print(f"[bold]Relations[/bold] ({len(extraction.relations)})")
    for r in extraction.relations:
        arrow = "–" if r.type in UNDIRECTED_TYPES else "→"
        terms = ", ".join(f"{k}={v}" for k, v in r.terms.as_dict().items())
        source, target = party_label(r.source, r.org_side == "source"), party_label(r.target, r.org_side == "target")
        console.print(f"  {r.type}: {source} {arrow} {target}  [dim]confidence {r.confidence:.2f}"
                      + (f"; {terms}" if terms else "") + "[/dim]", highlight=False)
        console.print(f"    “{r.sentence}” [dim]@{r.start}–{r.end}[/dim]", highlight=False, markup=True)
