"""The commands that read the workbooks and make the month's workbooks and documents."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.language import Command, option
from reportgen.cli.month import analyse_month, load_checked, produce
from reportgen.cli.options import Settings, common_options
from reportgen.cli.report import tier_summary
from reportgen.errors import EnvironmentFailure
from reportgen.i18n import N_, Join, tr

_STRICT = N_("Treat warnings as errors.")
_FORCE = N_("Render again even what has not changed.")
_ALL = N_("A plan for every client, not only Major and Named accounts.")

# Each command's help is its help= text (Babel extracts it for the catalogs; it cannot read
# docstrings); the docstrings are for the code's readers.


@click.command(cls=Command, help=N_(
    "Read and check the workbooks, and list every problem found.\n\nEach problem names the "
    "file, sheet, row and column, and says what to do. The command ends with exit code 0 when "
    "the data can be used, 1 when it cannot."))
@common_options
@option("--strict", is_flag=True, help=_STRICT)
def check(settings: Settings, strict: bool) -> None:
    """``reportgen check``: load and check the inputs, print every problem."""
    load_checked(settings, strict=strict)


@click.command(cls=Command, help=N_(
    "Work out tiers, lifecycle stages, opportunity verdicts and the month's KPIs.\n\nWrites "
    "tiers.xlsx, metrics.xlsx, opportunities.xlsx and data-quality.xlsx to the month's folder "
    "under --out, and prints a summary of the value tiers."))
@common_options
@option("--strict", is_flag=True, help=_STRICT)
def analyze(settings: Settings, strict: bool) -> None:
    """``reportgen analyze``: the month's analysis workbooks and the tier summary."""
    import datetime as dt
    import functools

    from reportgen.outputs.manifest import record_workbooks
    from reportgen.outputs.workbooks import write_workbooks

    dataset, config, analysis = analyse_month(settings, strict=strict)
    folder = settings.out / str(analysis.month)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    paths = record_workbooks(folder, dataset, config, analysis, now,
                             functools.partial(write_workbooks, lang=settings.lang))
    if not settings.quiet:
        click.echo(tier_summary(analysis, config.format.currency, settings.lang))
        click.echo(tr("Wrote %(paths)s", settings.lang,
                      paths=Join(paths)))


@click.command(cls=Command, help=N_(
    "Make account plans: one per Major and Named client by default.\n\nPlans go to the "
    "month's folder under --out, as plans/<client id>-<name>.html and .pdf. Plans whose "
    "figures have not changed since the last run are left as they are."))
@common_options
@option("--all", "all_clients", is_flag=True, help=_ALL)
@option("--client", "clients", multiple=True, metavar="ID",
        help=N_("A plan for this client only (repeat for several)."))
@option("--force", is_flag=True, help=_FORCE)
def plans(settings: Settings, all_clients: bool, clients: tuple[str, ...], force: bool) -> None:
    """``reportgen plans``: the account plans."""
    from reportgen.documents.build import Selection

    produce(settings, strict=False, force=force, workbooks=False,
            selection=Selection(plans=True, packs=False, all_clients=all_clients,
                                clients=clients))


@click.command(cls=Command, help=N_(
    "Make the monthly review packs: one per region and one across all regions.\n\nPacks go "
    "to the month's folder under --out, as packs/<region>.html and .pdf, and "
    "packs/all-regions for leadership. Unchanged packs are left as they are."))
@common_options
@option("--region", "regions", multiple=True, metavar="REGION",
        help=N_("The pack for this region only (repeat for several)."))
@option("--force", is_flag=True, help=_FORCE)
def pack(settings: Settings, regions: tuple[str, ...], force: bool) -> None:
    """``reportgen pack``: the review packs."""
    from reportgen.documents.build import Selection

    produce(settings, strict=False, force=force, workbooks=False,
            selection=Selection(plans=False, packs=True, regions=regions))


@click.command(cls=Command, help=N_(
    "Do the month's whole job: workbooks, account plans, review packs and an index.\n\n"
    "Everything goes to the month's folder under --out; open its index.html to see it all. "
    "Documents whose figures have not changed since the last run are left as they are."))
@common_options
@option("--all", "all_clients", is_flag=True, help=_ALL)
@option("--force", is_flag=True, help=_FORCE)
@option("--strict", is_flag=True, help=_STRICT)
def run(settings: Settings, all_clients: bool, force: bool, strict: bool) -> None:
    """``reportgen run``: everything for the month."""
    from reportgen.documents.build import Selection

    produce(settings, strict=strict, force=force, workbooks=True,
            selection=Selection(all_clients=all_clients))


@click.command(cls=Command, help=N_(
    "Set up a folder to work in: an example workbook and a settings file.\n\nDIRECTORY "
    "(default: the current folder) gets inputs/example.xlsx, whose column headers carry notes "
    "explaining each column, and a commented reportgen.toml. Existing files are never "
    "overwritten."))
@common_options
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
def init(settings: Settings, directory: Path) -> None:
    """``reportgen init``: an example workbook and settings file, in the run's language."""
    from reportgen.sample.init_example import write_init_config, write_init_workbook

    inputs = directory / "inputs"
    try:
        inputs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentFailure(N_("cannot create %(folder)s: %(error)s", folder=inputs,
                                    error=exc.strerror)) from None
    written = []
    workbook = inputs / ("示例.xlsx" if settings.lang == "zh" else "example.xlsx")
    if not workbook.exists():
        write_init_workbook(workbook, lang=settings.lang)
        written.append(workbook)
    config = directory / "reportgen.toml"
    if not config.exists():
        write_init_config(config, lang=settings.lang)
        written.append(config)
    lang = settings.lang
    for path in written:
        click.echo(tr("wrote %(path)s", lang, path=path))
    if not written:
        click.echo(tr("%(folder)s is already set up; nothing was overwritten", lang,
                      folder=directory))
    else:
        click.echo(tr("Fill in the workbook (or copy yours into inputs/), then run: "
                      "reportgen check", lang))


@click.command(cls=Command, help=N_(
    "Make the documents from the bundled sample data.\n\nIf the inputs folder holds no "
    "workbook, the sample dataset is written there first (no existing file is ever "
    "overwritten); then it does what `reportgen run` does."))
@common_options
def demo(settings: Settings) -> None:
    """``reportgen demo``: the sample dataset, then ``run``."""
    from reportgen.inputs.issues import IssueLog
    from reportgen.inputs.load import discover
    from reportgen.sample.dataset import write_sample

    probe = IssueLog()
    if not settings.inputs.exists() or not discover(settings.inputs, probe):
        try:
            settings.inputs.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EnvironmentFailure(N_("cannot create %(folder)s: %(error)s",
                                        folder=settings.inputs, error=exc.strerror)) from None
        for path in write_sample(settings.inputs, lang=settings.lang):
            click.echo(tr("wrote sample %(path)s", settings.lang, path=path))
    from reportgen.documents.build import Selection

    produce(settings, strict=False, force=False, workbooks=True, selection=Selection())
