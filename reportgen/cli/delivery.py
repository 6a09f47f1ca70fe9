"""The delivery commands, ``reportgen send`` and ``reportgen watch``: options and messages only.

The work is in :mod:`reportgen.delivery` (``compose``, ``ledger``, ``recipients``, ``smtp`` and
``watch``); the main group registers these commands with ``cli.add_command``.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from reportgen.cli.language import Command, option
from reportgen.cli.options import Settings, common_options
from reportgen.delivery.watch import DEFAULT_SETTLE
from reportgen.errors import Aborted, DataError, EnvironmentFailure, ReportgenError
from reportgen.i18n import N_, Join, tr

__all__ = ["rebuild_month", "send", "watch"]

#: What ``--region`` takes for the all-regions pack (unless a region has that name).
ALL_REGIONS_OPTION = "ALL"
_LANGUAGES = {"en": "English", "zh": "Chinese"}


def _month_analysis(settings: Settings, config: Any) -> tuple[Any, Any]:
    """The inputs and the month's analysis, loaded quietly (``run`` already showed the issues)."""
    import pandas as pd

    from reportgen.analysis.pipeline import analyse, resolve_month
    from reportgen.inputs.load import load_inputs

    month = pd.Period(settings.month, "M") if settings.month else None
    dataset = load_inputs(settings.inputs, config, month=month)
    if dataset.errors:
        raise DataError(f"the inputs have {len(dataset.errors)} error(s), so nothing was sent; "
                        "`reportgen check` lists them")
    if not dataset.usable:
        raise DataError("the inputs do not hold the sales lines and clients reportgen needs")
    period, notes = resolve_month(dataset, settings.month)
    return dataset, analyse(dataset, config, period, notes)


def _chosen_regions(asked: Sequence[str], regions: Sequence[str]) -> list[str | None] | None:
    """The packs ``--region`` selects (None: every pack); DataError for an unknown region."""
    if not asked:
        return None
    chosen: list[str | None] = []
    for name in dict.fromkeys(asked):
        if name in regions:
            chosen.append(name)
        elif name == ALL_REGIONS_OPTION:
            chosen.append(None)
        else:
            raise DataError(f"--region {name}: no such region; the regions are "
                            f"{', '.join(regions)} (and {ALL_REGIONS_OPTION} for the "
                            "all-regions pack)")
    return chosen


def _run_language(manifest: dict[str, Any], settings: Settings, month: str) -> str:
    """The language the packs were made in; DataError when --lang asks for another."""
    options = manifest.get("options")
    lang = options.get("lang") if isinstance(options, dict) else None
    lang = lang if lang in _LANGUAGES else "en"
    source = click.get_current_context().get_parameter_source("lang")
    if source is click.core.ParameterSource.COMMANDLINE and settings.lang != lang:
        raise DataError(
            f"the packs of {month} are in {_LANGUAGES[lang]}; make them in "
            f"{_LANGUAGES[settings.lang]} first with `reportgen pack --month {month} "
            f"--lang {settings.lang}`, then send")
    return lang


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"


def _echo_skipped(skipped: Sequence[Any], quiet: bool) -> None:
    for item in skipped:
        if item.severity == "error":
            click.echo(f"error: {item.label}: {item.reason}", err=True)
        elif item.severity == "warning":
            if not quiet:
                click.echo(f"warning: {item.label}: {item.reason}")
        elif not quiet:
            click.echo(f"{item.label}: {item.reason}")


def _confirm(outgoing: Sequence[Any], email: Any) -> None:
    """List what will go to whom and ask; Aborted when the answer is no."""
    click.echo(f"About to send {len(outgoing)} message(s) from {email.sender} through "
               f"{email.host}:{email.port} ({email.security}):")
    for item in outgoing:
        names = f'"{item.pdf_name}" ({_size(item.pdf)})'
        if item.html is not None:
            names += f' and "{item.html_name}"'
        already = f" (already sent to {', '.join(item.already)})" if item.already else ""
        click.echo(f"  {item.label} → {', '.join(item.recipients)}{already}: {names}")
    try:
        answer = click.confirm("Send them?", default=False)
    except click.Abort:
        answer = False
    if not answer:
        raise Aborted("nothing was sent")


@click.command()
@common_options
@click.option("--dry-run", is_flag=True,
              help="Write the messages to outbox/ in the month's folder as .eml files; "
                   "send nothing.")
@click.option("--yes", is_flag=True, help="Send without asking for confirmation.")
@click.option("--resend", is_flag=True,
              help="Send again the packs the ledger says were already sent.")
@click.option("--region", "regions", multiple=True, metavar="REGION",
              help="Send only this region's pack (repeat for several; ALL for the "
                   "all-regions pack).")
def send(settings: Settings, dry_run: bool, yes: bool, resend: bool,
         regions: tuple[str, ...]) -> None:
    """E-mail each region's review pack to its leadership, and the all-regions pack.

    Sends the PDF packs `reportgen run` made for the month: each region's to its
    leadership_emails (Regions sheet, or [email.regions] in reportgen.toml), the
    all-regions pack to [email] leadership. Each message goes once: sent.json in the
    month's folder records what was sent, so running the command again sends only what is
    missing. The mail server password is read only from the environment variable named by
    password_env. Nothing is sent before you confirm (or give --yes).
    """
    from reportgen.delivery.compose import (
        build_message,
        check_inputs_unchanged,
        message_bytes,
        plan_messages,
        write_outbox,
    )
    from reportgen.delivery.ledger import read_ledger
    from reportgen.delivery.recipients import sender_address
    from reportgen.delivery.smtp import Mailer, check_email_settings, deliver, password_for
    from reportgen.documents.pack.context import pack_regions
    from reportgen.outputs.manifest import read_manifest

    config = settings.config()
    email = config.email
    check_email_settings(email, dry_run=dry_run)
    dataset, analysis = _month_analysis(settings, config)
    month = str(analysis.month)
    folder = settings.out / month
    manifest = read_manifest(folder)
    if not manifest.get("documents"):
        raise DataError(f"the documents of {month} have not been made in {settings.out}; run "
                        f"`reportgen run --month {month}` first")
    errors = (manifest.get("counts") or {}).get("errors", 0)
    if errors:
        raise DataError(f"the run of {month} had {errors} error(s), so its packs are not sent; "
                        f"correct them, run `reportgen run --month {month}` again, then send")
    check_inputs_unchanged(manifest, dataset, month)
    lang = _run_language(manifest, settings, month)
    only = _chosen_regions(regions, pack_regions(analysis))
    ledger = read_ledger(folder, month)
    outgoing, skipped = plan_messages(
        folder=folder, manifest=manifest, analysis=analysis, dataset=dataset, config=config,
        lang=lang, ledger=ledger, resend=resend, only=only)
    _echo_skipped(skipped, settings.quiet)
    held = sum(s.severity == "error" for s in skipped)
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    messages = [(item, message_bytes(build_message(item, sender=email.sender, lang=lang,
                                                   now=now)))
                for item in outgoing]
    if dry_run:
        # Also with nothing to write: the outbox must not keep an earlier run's messages.
        for path in write_outbox(folder, messages):
            click.echo(f"wrote {path}")
        click.echo(f"{len(messages)} message(s) written; nothing was sent (--dry-run).")
    elif not messages:
        if not settings.quiet:
            click.echo("Nothing to send.")
    else:
        password = password_for(email, os.environ)
        if not email.verify_tls and email.security != "none":
            click.echo(f"warning: the certificate of {email.host} is not checked "
                       "(verify_tls = false)", err=True)
        if not yes:
            _confirm(outgoing, email)
        address = sender_address(email.sender)
        with Mailer(email, password) as mailer:
            report = deliver(
                messages, mailer=mailer, sender=address, ledger=ledger,
                now=lambda: dt.datetime.now().astimezone(),
                echo=lambda line, error: click.echo(line, err=error))
        if report.sent and not settings.quiet:
            click.echo(f"{len(report.sent)} message(s) sent; {ledger.path} records them.")
        if report.failed:
            raise EnvironmentFailure(
                f"{len(report.failed)} of {len(messages)} message(s) were not sent; the "
                "ledger records what was, so `reportgen send` again sends only the rest")
    if held:
        raise DataError(f"{held} pack(s) could not be sent; see the messages above")


@click.command(cls=Command, help=N_(
    "Make the month's documents again whenever a workbook in the inputs folder changes.\n\n"
    "First brings the documents up to date, then waits. When a workbook is dropped in, saved "
    "or removed, it waits until the file has stopped changing (Office lock and temporary "
    "files are ignored) and makes the month again; only documents whose figures changed are "
    "rebuilt. A workbook that cannot be used is reported and watching goes on. Press Ctrl-C "
    "to stop."))
@common_options
@option("--settle", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_SETTLE,
        show_default=True, metavar="SECONDS",
        help=N_("How long a changed workbook must stay unchanged before the documents are "
                "made again."))
def watch(settings: Settings, settle: float) -> None:
    """``reportgen watch``: make the month again whenever a workbook in the inputs changes."""
    from reportgen.delivery.watch import watch_inputs

    lang = settings.lang
    if not settings.inputs.is_dir():
        raise DataError(N_("the inputs folder %(folder)s does not exist; create it, or name "
                           "another with --inputs", folder=settings.inputs))

    def rebuild(changed: Sequence[Path]) -> None:
        if changed:
            click.echo(tr("[%(time)s] changed: %(files)s; making the documents again", lang,
                          time=dt.datetime.now().strftime("%H:%M:%S"),
                          files=Join(p.name for p in changed)))
        rebuild_month(settings)

    stop = threading.Event()
    # A service manager stops with SIGTERM: let it end the watch as cleanly as Ctrl-C does.
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        click.echo(tr("Making the documents from %(folder)s", lang, folder=settings.inputs))
        rebuild_month(settings)
        watch_inputs(settings.inputs, rebuild, settle=settle, stop=stop, started=lambda:
                     click.echo(tr("Watching %(folder)s for changes; press Ctrl-C to stop.",
                                   lang, folder=settings.inputs)))
    except KeyboardInterrupt:
        stop.set()
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    click.echo(tr("Stopped watching.", lang))


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def rebuild_month(settings: Settings) -> bool:
    """Run the month as `reportgen run` does; report a failure and carry on. True when done."""
    from reportgen.cli.language import quoted
    from reportgen.cli.month import produce
    from reportgen.documents.build import Selection

    lang = settings.lang
    try:
        produce(settings, strict=False, selection=Selection(), force=False, workbooks=True)
    except ReportgenError as exc:
        click.echo(tr("error: %(problem)s", lang, problem=exc.message), err=True)
    except Exception as exc:
        if settings.debug:
            raise
        click.echo(tr("error: unexpected problem (%(error)s)", lang,
                      error=quoted(f"{type(exc).__name__}: {exc}")), err=True)
    else:
        return True
    click.echo(tr("Still watching %(folder)s: correct the workbook and save it again.", lang,
                  folder=settings.inputs), err=True)
    return False
