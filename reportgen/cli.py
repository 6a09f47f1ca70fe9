"""The command line: parse options, call the pipeline, turn problems into messages and exit codes.

Nothing here computes a figure. Every option is accepted after the subcommand
(``reportgen run --inputs X --out Y --month M``).
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import click

from reportgen import __version__
from reportgen.delivery_cli import send, watch
from reportgen.errors import (
    EXIT_DATA,
    EXIT_ENVIRONMENT,
    ConfigError,
    DataError,
    EnvironmentFailure,
    ReportgenError,
)
from reportgen.options import Settings, common_options

#: How many problems of one kind `check` prints before summarising the rest.
MAX_SHOWN_PER_KIND = 20


class ReportgenGroup(click.Group):
    """A group that turns unexpected failures into one-line errors unless ``--debug``."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand, mapping stray exceptions to messages and exit codes."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise DataError("interrupted; nothing half-written was left behind") from None
        except OSError as exc:
            if _debug(ctx):
                raise
            where = f" ({exc.filename})" if exc.filename else ""
            raise EnvironmentFailure(f"{exc.strerror or exc}{where}") from None
        except Exception as exc:
            if _debug(ctx):
                raise
            raise ReportgenError(
                f"unexpected problem ({type(exc).__name__}: {exc}); run the command again with "
                "--debug and send the output to the reportgen maintainers"
            ) from None


def _debug(ctx: click.Context) -> bool:
    # Click shares ``meta`` between a context and its sub-contexts.
    return bool(ctx.meta.get("reportgen.debug"))


@click.group(cls=ReportgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportgen")
def cli() -> None:
    """Turn the month's sales workbooks into account plans and review packs.

    Put the workbooks in the inputs folder, then run `reportgen run`. Start with
    `reportgen demo` to see the documents made from a sample dataset, or `reportgen init`
    to get an example workbook and settings file to fill in.
    """


def _print_issues(issues: Any, *, verbose: bool, quiet: bool) -> None:
    from reportgen.issues import Severity

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


def _summary(dataset: Any) -> str:
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


def load_checked(settings: Settings, *, strict: bool) -> Any:
    """Load and validate the inputs, print the problems and a summary; fail on errors."""
    import pandas as pd

    from reportgen.load import load_inputs

    config = settings.config()
    month = pd.Period(settings.month, "M") if settings.month else None
    dataset = load_inputs(settings.inputs, config, month=month)
    _print_issues(dataset.issues, verbose=settings.verbose, quiet=settings.quiet)
    if not settings.quiet:
        click.echo(_summary(dataset))
    if dataset.errors:
        raise DataError(f"the inputs have {len(dataset.errors)} error(s); see the messages above")
    if strict and dataset.warnings:
        raise DataError(
            f"--strict: the inputs have {len(dataset.warnings)} warning(s); see the messages above"
        )
    if not dataset.usable:
        raise DataError("the inputs do not hold the sales lines and clients reportgen needs")
    return dataset


@cli.command()
@common_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(settings: Settings, strict: bool) -> None:
    """Read and check the workbooks, and list every problem found.

    Each problem names the file, sheet, row and column, and says what to do. The command
    ends with exit code 0 when the data can be used, 1 when it cannot.
    """
    load_checked(settings, strict=strict)


def _tier_summary(analysis: Any, currency: str) -> str:
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


def analyse_month(settings: Settings, *, strict: bool) -> tuple[Any, Any, Any]:
    """Load, check and analyse the report month; print any note about the month."""
    from reportgen.pipeline import analyse, resolve_month

    dataset = load_checked(settings, strict=strict)
    config = settings.config()
    month, notes = resolve_month(dataset, settings.month)
    _print_issues(notes, verbose=settings.verbose, quiet=settings.quiet)
    if strict and notes:
        raise DataError(f"--strict: {notes[0].message}")
    return dataset, config, analyse(dataset, config, month, notes)


@cli.command()
@common_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def analyze(settings: Settings, strict: bool) -> None:
    """Work out tiers, lifecycle stages, opportunity verdicts and the month's KPIs.

    Writes tiers.xlsx, metrics.xlsx, opportunities.xlsx and data-quality.xlsx to
    the month's folder under --out, and prints a summary of the value tiers.
    """
    import datetime as dt

    from reportgen.documents import record_workbooks
    from reportgen.pipeline import write_workbooks

    dataset, config, analysis = analyse_month(settings, strict=strict)
    folder = settings.out / str(analysis.month)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    paths = record_workbooks(folder, dataset, config, analysis, now, write_workbooks)
    if not settings.quiet:
        click.echo(_tier_summary(analysis, config.format.currency))
        click.echo(f"Wrote {', '.join(str(p) for p in paths)}")


def produce(settings: Settings, *, strict: bool, selection: Any, force: bool,
            workbooks: bool) -> None:
    """Analyse the month and write the selected documents, the index and the manifest."""
    import datetime as dt

    from reportgen.documents import make_outputs, run_key, unchanged_run
    from reportgen.issues import IssueLog
    from reportgen.load import discover

    config = settings.config()
    request = {"month": settings.month, "formats": list(settings.formats),
               "plans": selection.plans, "packs": selection.packs,
               "all": selection.all_clients, "clients": list(selection.clients),
               "regions": list(selection.regions)}
    key = run_key(inputs=discover(settings.inputs, IssueLog()), config=config,
                  request=request, lang=settings.lang, templates=settings.templates,
                  workbooks=workbooks)
    done = None if force else unchanged_run(settings.out, key)
    if done is not None and not (strict and done["counts"].get("warnings")):
        from reportgen.write import remove_stale_temp_files

        # Nothing is written, so clear here what a killed earlier run may have left.
        remove_stale_temp_files(settings.out / done["month"], depth=1)
        if not settings.quiet:
            for line in done.get("warnings", []):
                click.echo(line)
            click.echo(f"Nothing changed since the last run for {done['month']}: "
                       f"0 file(s) written; open {settings.out / done['month'] / 'index.html'}")
        return

    dataset, config, analysis = analyse_month(settings, strict=strict)

    def font_check() -> None:
        # Only when a PDF is about to be rendered: importing WeasyPrint costs half a second.
        from reportgen.pdf import font_warnings

        for warning in font_warnings():
            click.echo(f"warning: {warning}", err=True)
    options = {
        "month": str(analysis.month), "lang": settings.lang, "formats": list(settings.formats),
        "all": selection.all_clients, "clients": list(selection.clients),
        "regions": list(selection.regions), "templates": str(settings.templates or ""),
        "config": config.source,
    }
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    bar = None
    if not settings.quiet:
        bar = click.progressbar(length=1, label="Rendering documents", file=sys.stderr,
                                show_pos=True)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

    try:
        result = make_outputs(
            analysis=analysis, dataset=dataset, config=config, out=settings.out,
            lang=settings.lang, formats=settings.formats, templates=settings.templates,
            selection=selection, force=force, workers=settings.jobs,
            write_workbooks=workbooks, options=options, now=now, progress=progress,
            before_pdf=font_check, key=key)
    finally:
        if bar is not None:
            bar.render_finish()
    report = result.report
    for failure in report.failures:
        click.echo(f"error: could not render {failure}", err=True)
    if not settings.quiet:
        if workbooks:
            click.echo(_tier_summary(analysis, config.format.currency))
        click.echo(
            f"{len(report.written)} file(s) written, {len(report.unchanged)} unchanged, "
            f"in {result.folder}; open {result.index}")
    if report.failures:
        if any(": environment:" in f for f in report.failures):
            raise EnvironmentFailure(f"{len(report.failures)} document(s) could not be written")
        raise DataError(f"{len(report.failures)} document(s) could not be rendered")


@cli.command()
@common_options
@click.option("--all", "all_clients", is_flag=True,
              help="A plan for every client, not only Major and Named accounts.")
@click.option("--client", "clients", multiple=True, metavar="ID",
              help="A plan for this client only (repeat for several).")
@click.option("--force", is_flag=True, help="Render again even what has not changed.")
def plans(settings: Settings, all_clients: bool, clients: tuple[str, ...], force: bool) -> None:
    """Make account plans: one per Major and Named client by default.

    Plans go to the month's folder under --out, as plans/<client id>-<name>.html and .pdf.
    Plans whose figures have not changed since the last run are left as they are.
    """
    from reportgen.documents import Selection

    produce(settings, strict=False, force=force, workbooks=False,
            selection=Selection(plans=True, packs=False, all_clients=all_clients,
                                clients=clients))


@cli.command()
@common_options
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="The pack for this region only (repeat for several).")
@click.option("--force", is_flag=True, help="Render again even what has not changed.")
def pack(settings: Settings, regions: tuple[str, ...], force: bool) -> None:
    """Make the monthly review packs: one per region and one across all regions.

    Packs go to the month's folder under --out, as packs/<region>.html and .pdf, and
    packs/all-regions for leadership. Unchanged packs are left as they are.
    """
    from reportgen.documents import Selection

    produce(settings, strict=False, force=force, workbooks=False,
            selection=Selection(plans=False, packs=True, regions=regions))


@cli.command()
@common_options
@click.option("--all", "all_clients", is_flag=True,
              help="A plan for every client, not only Major and Named accounts.")
@click.option("--force", is_flag=True, help="Render again even what has not changed.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def run(settings: Settings, all_clients: bool, force: bool, strict: bool) -> None:
    """Do the month's whole job: workbooks, account plans, review packs and an index.

    Everything goes to the month's folder under --out; open its index.html to see it all.
    Documents whose figures have not changed since the last run are left as they are.
    """
    from reportgen.documents import Selection

    produce(settings, strict=strict, force=force, workbooks=True,
            selection=Selection(all_clients=all_clients))


@cli.command()
@common_options
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
def init(settings: Settings, directory: Path) -> None:
    """Set up a folder to work in: an example workbook and a settings file.

    DIRECTORY (default: the current folder) gets inputs/example.xlsx, whose column headers
    carry notes explaining each column, and a commented reportgen.toml. Existing files are
    never overwritten.
    """
    from reportgen.sample import write_init_config, write_init_workbook

    inputs = directory / "inputs"
    try:
        inputs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentFailure(f"cannot create {inputs}: {exc.strerror}") from None
    written = []
    workbook = inputs / ("示例.xlsx" if settings.lang == "zh" else "example.xlsx")
    if not workbook.exists():
        write_init_workbook(workbook, lang=settings.lang)
        written.append(workbook)
    config = directory / "reportgen.toml"
    if not config.exists():
        write_init_config(config, lang=settings.lang)
        written.append(config)
    for path in written:
        click.echo(f"wrote {path}")
    if not written:
        click.echo(f"{directory} is already set up; nothing was overwritten")
    else:
        click.echo("Fill in the workbook (or copy yours into inputs/), then run: reportgen check")


@cli.command()
@common_options
def demo(settings: Settings) -> None:
    """Make the documents from the bundled sample data.

    If the inputs folder holds no workbook, the sample dataset is written there first
    (no existing file is ever overwritten); then it does what `reportgen run` does.
    """
    from reportgen.issues import IssueLog
    from reportgen.load import discover
    from reportgen.sample import write_sample

    probe = IssueLog()
    if not settings.inputs.exists() or not discover(settings.inputs, probe):
        try:
            settings.inputs.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EnvironmentFailure(f"cannot create {settings.inputs}: {exc.strerror}") from None
        for path in write_sample(settings.inputs, lang=settings.lang):
            click.echo(f"wrote sample {path}")
    from reportgen.documents import Selection

    produce(settings, strict=False, force=False, workbooks=True, selection=Selection())


cli.add_command(send)
cli.add_command(watch)


def _terminate(_signum: int, _frame: object) -> None:
    # `kill PID` should stop a run as Ctrl-C does: the render pool is shut down and
    # half-written temporary files are removed on the way out.
    raise KeyboardInterrupt


def main() -> None:
    """Entry point of the ``reportgen`` console script."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        cli.main(prog_name="reportgen")
    except ConfigError as exc:  # pragma: no cover - click handles it in standalone mode
        exc.show()
        sys.exit(exc.exit_code)


__all__ = ["cli", "main", "EXIT_DATA", "EXIT_ENVIRONMENT"]
