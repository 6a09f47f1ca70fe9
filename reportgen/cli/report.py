"""What the commands print about the inputs and the analysis: problems, summaries, tiers.

Everything is printed in the run's language (``lang``); the English lines are the ones
reportgen has always printed.
"""

from __future__ import annotations

from typing import Any

import click

from reportgen import i18n
from reportgen.i18n import tr
from reportgen.inputs.schema import rounded_units

#: How many problems of one kind `check` prints before summarising the rest.
MAX_SHOWN_PER_KIND = 20


def print_issues(issues: Any, *, verbose: bool, quiet: bool, lang: str = "en") -> None:
    """Print the problems, errors to stderr; past a few of one kind, only how many more."""
    from reportgen.inputs.issues import Severity, where

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
        click.echo(issue.line(lang), err=issue.severity is Severity.ERROR)
    for key, count in hidden.items():
        severity, _code, file, sheet, column = key.split(":", 4)
        place = where(lang, file=file, sheet=sheet, column=column)
        more = tr("… and %(count)s more like this (--verbose shows all)", lang,
                  count=f"{count:,}")
        word = Severity(severity).word(lang)
        click.echo(f"{word}：{place}：{more}" if lang == "zh" else f"{word}: {place}: {more}")


def _count(lang: str, count: int, kind: str) -> str:
    """``12 opportunities`` / ``12 条商机``."""
    words = {
        "opportunities": i18n.N_("%(count)s opportunities"),
        "contacts": i18n.N_("%(count)s contacts"),
        "feedback": i18n.N_("%(count)s feedback"),
        "targets": i18n.N_("%(count)s targets"),
        "actions": i18n.N_("%(count)s actions"),
        "regions": i18n.N_("%(count)s regions"),
        "activities": i18n.N_("%(count)s activities"),
    }
    return i18n.Text(words[kind], {"count": f"{count:,}"}).render(lang)


def input_summary(dataset: Any, lang: str = "en") -> str:
    """One line: what was read, what was skipped (with its money), errors and warnings."""
    parts = []
    tables = dataset.tables
    if "clients" in tables:
        count = f"{len(tables['clients']):,}"
        parts.append(tr("%(count)s clients (derived from the sales lines)", lang, count=count)
                     if dataset.clients_derived else tr("%(count)s clients", lang, count=count))
    if "sales" in tables and len(tables["sales"]):
        sales = tables["sales"]
        first, last = sales["date"].min(), sales["date"].max()
        parts.append(tr("%(count)s sales lines (%(first)s to %(last)s)", lang,
                        count=f"{len(sales):,}", first=f"{first:%Y-%m}", last=f"{last:%Y-%m}"))
    for kind in ("opportunities", "contacts", "feedback", "targets", "actions", "regions",
                 "activities"):
        if kind in tables:
            parts.append(_count(lang, len(tables[kind]), kind))
    skipped = [i for i in dataset.issues if i.skipped]
    money = sum(i.money or 0 for i in skipped)
    errors, warnings = len(dataset.errors), len(dataset.warnings)
    read = ("、" if lang == "zh" else ", ").join(parts) or tr("nothing usable", lang)
    text = tr("Read %(files)s file(s): %(read)s.", lang, files=len(dataset.inputs), read=read)
    # A row whose own amount could not be read carries money nobody can count: say so, or
    # "carrying 0.00" reads as "nothing was lost".
    unread = sum(1 for i in skipped if i.money_unread)
    if skipped and unread:
        text += tr(" %(count)s row(s) skipped, carrying %(money)s in amounts, not counting "
                   "%(unread)s amount(s) that could not be read.", lang,
                   count=f"{len(skipped):,}", money=f"{rounded_units(money):,.2f}",
                   unread=f"{unread:,}")
    elif skipped:
        text += tr(" %(count)s row(s) skipped, carrying %(money)s in amounts.", lang,
                   count=f"{len(skipped):,}", money=f"{rounded_units(money):,.2f}")
    text += tr(" %(errors)s error(s), %(warnings)s warning(s).", lang, errors=errors,
               warnings=warnings)
    return text


def month_name(month: Any, lang: str) -> str:
    """``October 2026`` / ``2026年10月``."""
    return f"{month.year}年{month.month}月" if lang == "zh" else f"{month:%B %Y}"


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a Chinese character takes two)."""
    from reportgen.cli.language import display_width

    return text + " " * max(width - display_width(text), 0)


def tier_summary(analysis: Any, currency: str, lang: str = "en") -> str:
    """The tier table printed by ``analyze`` and ``run``: clients and value per tier."""
    from reportgen.analysis.tiers import TIERS

    clients = analysis.clients
    total = int(clients["current_value"].clip(lower=0).sum())
    lines = [tr("Tiers for %(month)s (%(count)s clients):", lang,
                month=month_name(analysis.month, lang), count=f"{len(clients):,}")]
    for tier in TIERS:
        rows = clients[clients["tier"] == tier]
        value = int(rows["current_value"].sum())
        share = f"{value / total:6.1%}" if total else "     —"
        name = f"{tier:<10}" if lang == "en" else _pad(i18n.label("tier", tier, lang), 12)
        amount = rounded_units(value)
        lines.append(f"  {name} {len(rows):>6,}  {currency} {amount:>16,.2f}  {share}")
    migration = clients["migration"].value_counts()
    lines.append(tr(
        "Since %(month)s: %(up)s up, %(down)s down, %(new)s new, %(lost)s lost.", lang,
        month=month_name(analysis.month - 1, lang), up=migration.get("up", 0),
        down=migration.get("down", 0), new=migration.get("new", 0),
        lost=migration.get("lost", 0)))
    return "\n".join(lines)
