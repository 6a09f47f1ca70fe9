"""The commands that read the workbooks and make the month's workbooks and documents."""

from __future__ import annotations

from pathlib import Path

import click

from reportgen.cli.month import analyse_month, load_checked, produce
from reportgen.cli.options import Settings, common_options
from reportgen.cli.report import tier_summary
from reportgen.errors import EnvironmentFailure


@click.command()
@common_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def check(settings: Settings, strict: bool) -> None:
    """Read and check the workbooks, and list every problem found.

    Each problem names the file, sheet, row and column, and says what to do. The command
    ends with exit code 0 when the data can be used, 1 when it cannot.
    """
    load_checked(settings, strict=strict)


@click.command()
@common_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def analyze(settings: Settings, strict: bool) -> None:
    """Work out tiers, lifecycle stages, opportunity verdicts and the month's KPIs.

    Writes tiers.xlsx, metrics.xlsx, opportunities.xlsx and data-quality.xlsx to
    the month's folder under --out, and prints a summary of the value tiers.
    """
    import datetime as dt

    from reportgen.outputs.manifest import record_workbooks
    from reportgen.outputs.workbooks import write_workbooks

    dataset, config, analysis = analyse_month(settings, strict=strict)
    folder = settings.out / str(analysis.month)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    paths = record_workbooks(folder, dataset, config, analysis, now, write_workbooks)
    if not settings.quiet:
        click.echo(tier_summary(analysis, config.format.currency))
        click.echo(f"Wrote {', '.join(str(p) for p in paths)}")


@click.command()
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
    from reportgen.documents.build import Selection

    produce(settings, strict=False, force=force, workbooks=False,
            selection=Selection(plans=True, packs=False, all_clients=all_clients,
                                clients=clients))


@click.command()
@common_options
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="The pack for this region only (repeat for several).")
@click.option("--force", is_flag=True, help="Render again even what has not changed.")
def pack(settings: Settings, regions: tuple[str, ...], force: bool) -> None:
    """Make the monthly review packs: one per region and one across all regions.

    Packs go to the month's folder under --out, as packs/<region>.html and .pdf, and
    packs/all-regions for leadership. Unchanged packs are left as they are.
    """
    from reportgen.documents.build import Selection

    produce(settings, strict=False, force=force, workbooks=False,
            selection=Selection(plans=False, packs=True, regions=regions))


@click.command()
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
    from reportgen.documents.build import Selection

    produce(settings, strict=strict, force=force, workbooks=True,
            selection=Selection(all_clients=all_clients))


@click.command()
@common_options
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False), default=".")
def init(settings: Settings, directory: Path) -> None:
    """Set up a folder to work in: an example workbook and a settings file.

    DIRECTORY (default: the current folder) gets inputs/example.xlsx, whose column headers
    carry notes explaining each column, and a commented reportgen.toml. Existing files are
    never overwritten.
    """
    from reportgen.sample.init_example import write_init_config, write_init_workbook

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


@click.command()
@common_options
def demo(settings: Settings) -> None:
    """Make the documents from the bundled sample data.

    If the inputs folder holds no workbook, the sample dataset is written there first
    (no existing file is ever overwritten); then it does what `reportgen run` does.
    """
    from reportgen.inputs.issues import IssueLog
    from reportgen.inputs.load import discover
    from reportgen.sample.dataset import write_sample

    probe = IssueLog()
    if not settings.inputs.exists() or not discover(settings.inputs, probe):
        try:
            settings.inputs.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EnvironmentFailure(f"cannot create {settings.inputs}: {exc.strerror}") from None
        for path in write_sample(settings.inputs, lang=settings.lang):
            click.echo(f"wrote sample {path}")
    from reportgen.documents.build import Selection

    produce(settings, strict=False, force=False, workbooks=True, selection=Selection())
