"""What the commands print about the inputs and the analysis: problems, summaries, tiers."""

from __future__ import annotations

from typing import Any

import click

#: How many problems of one kind `check` prints before summarising the rest.
MAX_SHOWN_PER_KIND = 20


def print_issues(issues: Any, *, verbose: bool, quiet: bool) -> None:
    """Print the problems, errors to stderr; past a few of one kind, only how many more."""
    from reportgen.inputs.issues import Severity

    shown: dict[str, int] = {}
    hidden: dict[str, int] = {}
    for issue in issues:
        if issue.severity is Severity.INFO and not verbose:
            continue
        if quiet and issue.severity is not Severity.ERROR:
            continue
        key = f"{issue.severity}:{issue.code}:{issue.file}:{issue.sheet}:{issue.column}"
        if shown.get(key, 0) >= MAX_SHOWN_PER_KIND and not verbose:
            hidden[key] = hidden.get(key, 0) + 1
            continue
        shown[key] = shown.get(key, 0) + 1
        click.echo(issue.line(), err=issue.severity is Severity.ERROR)
    for key, count in hidden.items():
        severity, code, file, sheet, column = key.split(":", 4)
        where = ", ".join(p for p in (file, f'sheet "{sheet}"' if sheet else "",
                                      f'column "{column}"' if column else "") if p)
        click.echo(f"{severity}: {where}: … and {count:,} more like this (--verbose shows all)")


def input_summary(dataset: Any) -> str:
    """One line: what was read, what was skipped (with its money), errors and warnings."""
    parts = []
    tables = dataset.tables
    if "clients" in tables:
        parts.append(f"{len(tables['clients']):,} clients"
                     + (" (derived from the sales lines)" if dataset.clients_derived else ""))
    if "sales" in tables and len(tables["sales"]):
        sales = tables["sales"]
        first, last = sales["date"].min(), sales["date"].max()
        parts.append(f"{len(sales):,} sales lines ({first:%Y-%m} to {last:%Y-%m})")
    for kind in ("opportunities", "contacts", "feedback", "targets", "actions", "regions",
                 "activities"):
        if kind in tables:
            parts.append(f"{len(tables[kind]):,} {kind}")
    skipped = [i for i in dataset.issues if i.skipped]
    money = sum(i.amount_cents or 0 for i in skipped)
    errors, warnings = len(dataset.errors), len(dataset.warnings)
    text = f"Read {len(dataset.inputs)} file(s): " + (", ".join(parts) or "nothing usable") + "."
    if skipped:
        text += f" {len(skipped):,} row(s) skipped, carrying {money / 100:,.2f} in amounts."
    text += f" {errors} error(s), {warnings} warning(s)."
    return text


def tier_summary(analysis: Any, currency: str) -> str:
    """The tier table printed by ``analyze`` and ``run``: clients and value per tier."""
    from reportgen.analysis.tiers import TIERS

    clients = analysis.clients
    total = int(clients["current_value"].clip(lower=0).sum())
    lines = [f"Tiers for {analysis.month:%B %Y} ({len(clients):,} clients):"]
    for tier in TIERS:
        rows = clients[clients["tier"] == tier]
        value = int(rows["current_value"].sum())
        share = f"{value / total:6.1%}" if total else "     —"
        lines.append(f"  {tier:<10} {len(rows):>6,}  {currency} {value / 100:>16,.2f}  {share}")
    migration = clients["migration"].value_counts()
    lines.append(
        f"Since {analysis.month - 1:%B %Y}: {migration.get('up', 0)} up, "
        f"{migration.get('down', 0)} down, {migration.get('new', 0)} new, "
        f"{migration.get('lost', 0)} lost."
    )
    return "\n".join(lines)
