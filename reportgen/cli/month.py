"""The month's work as the commands run it: load and check, analyse, make the documents.

Shared by the document commands and by ``watch``, which runs the month again on every change.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from reportgen.cli.options import Settings
from reportgen.cli.report import input_summary, print_issues, tier_summary
from reportgen.errors import DataError, EnvironmentFailure
from reportgen.i18n import N_, render, tr


def load_checked(settings: Settings, *, strict: bool) -> Any:
    """Load and validate the inputs, print the problems and a summary; fail on errors."""
    import pandas as pd

    from reportgen.inputs.load import load_inputs

    config = settings.config()
    month = pd.Period(settings.month, "M") if settings.month else None
    dataset = load_inputs(settings.inputs, config, month=month)
    print_issues(dataset.issues, verbose=settings.verbose, quiet=settings.quiet,
                 lang=settings.lang)
    if not settings.quiet:
        click.echo(input_summary(dataset, settings.lang))
    if dataset.errors:
        raise DataError(N_("the inputs have %(count)s error(s); see the messages above",
                           count=len(dataset.errors)))
    if strict and dataset.warnings:
        raise DataError(N_("--strict: the inputs have %(count)s warning(s); see the messages "
                           "above", count=len(dataset.warnings)))
    if not dataset.usable:
        raise DataError(N_("the inputs do not hold the sales lines and clients reportgen needs"))
    return dataset


def analyse_month(settings: Settings, *, strict: bool) -> tuple[Any, Any, Any]:
    """Load, check and analyse the report month; print any note about the month."""
    from reportgen.analysis.pipeline import analyse, resolve_month

    dataset = load_checked(settings, strict=strict)
    config = settings.config()
    month, notes = resolve_month(dataset, settings.month)
    print_issues(notes, verbose=settings.verbose, quiet=settings.quiet, lang=settings.lang)
    if strict and notes:
        raise DataError(N_("--strict: %(problem)s", problem=notes[0].message))
    return dataset, config, analyse(dataset, config, month, notes)


def produce(settings: Settings, *, strict: bool, selection: Any, force: bool,
            workbooks: bool) -> None:
    """Analyse the month and write the selected documents, the index and the manifest."""
    import datetime as dt

    from reportgen.documents.build import make_outputs, run_key, unchanged_run
    from reportgen.inputs.issues import IssueLog
    from reportgen.inputs.load import discover

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
        from reportgen.outputs.write import remove_stale_temp_files

        # Nothing is written, so clear here what a killed earlier run may have left.
        remove_stale_temp_files(settings.out / done["month"], depth=1)
        if not settings.quiet:
            for line in done.get("warnings", []):
                click.echo(line)
            click.echo(tr("Nothing changed since the last run for %(month)s: 0 file(s) "
                          "written; open %(index)s", settings.lang, month=done["month"],
                          index=settings.out / done["month"] / "index.html"))
        return

    dataset, config, analysis = analyse_month(settings, strict=strict)

    def font_check() -> None:
        # Only when a PDF is about to be rendered: importing WeasyPrint costs half a second.
        from reportgen.documents.pdf import font_warnings

        for warning in font_warnings():
            click.echo(tr("warning: %(problem)s", settings.lang, problem=warning), err=True)
    options = {
        "month": str(analysis.month), "lang": settings.lang, "formats": list(settings.formats),
        "all": selection.all_clients, "clients": list(selection.clients),
        "regions": list(selection.regions), "templates": str(settings.templates or ""),
        "config": config.source, "inputs": str(settings.inputs.resolve()),
    }
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    bar = None
    if not settings.quiet:
        bar = click.progressbar(length=1, label=tr("Rendering documents", settings.lang),
                                file=sys.stderr, show_pos=True)

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
        click.echo(tr("error: could not render %(failure)s", settings.lang,
                      failure=render(failure, settings.lang)), err=True)
    if not settings.quiet:
        if workbooks:
            click.echo(tier_summary(analysis, config.format.currency, settings.lang))
        click.echo(tr("%(written)s file(s) written, %(unchanged)s unchanged, in %(folder)s; "
                      "open %(index)s", settings.lang, written=len(report.written),
                      unchanged=len(report.unchanged), folder=result.folder,
                      index=result.index))
    if report.failures:
        if any(": environment:" in f for f in report.failures):
            raise EnvironmentFailure(N_("%(count)s document(s) could not be written",
                                        count=len(report.failures)))
        raise DataError(N_("%(count)s document(s) could not be rendered",
                           count=len(report.failures)))
