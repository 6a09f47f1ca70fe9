"""The delivery commands, ``reportgen send`` and ``reportgen watch``: options and messages only.

The work is in :mod:`reportgen.delivery` (``compose``, ``ledger``, ``recipients``, ``smtp`` and
``watch``); the main group registers these commands with ``cli.add_command``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from reportgen.cli.language import Command, option
from reportgen.cli.options import Settings, cluster_option, common_options
from reportgen.delivery.watch import DEFAULT_SETTLE
from reportgen.errors import Aborted, DataError, EnvironmentFailure, ReportgenError
from reportgen.i18n import N_, Join, render, tr

__all__ = ["rebuild_month", "send", "watch"]

#: What ``--region`` takes for the all-regions pack (unless a region has that name).
ALL_REGIONS_OPTION = "ALL"
_LANGUAGES = {"en": N_("English"), "zh": N_("Chinese")}
#: Seconds a send waits for another send of the same month, or a run writing its documents.
DEFAULT_WAIT = 10.0
#: Seconds to wait for each answer of the mail server (as smtp.SMTP_TIMEOUT).
SMTP_TIMEOUT = 30.0


def _month_analysis(inputs: Path, month: str | None, config: Any, manifest: Any,
                    out: Path, lang: str) -> tuple[Any, Any]:
    """The inputs and the month's analysis; DataError naming every problem that stops it."""
    import pandas as pd

    from reportgen.analysis.pipeline import analyse, resolve_month
    from reportgen.delivery.compose import check_inputs_unchanged, run_command
    from reportgen.inputs.issues import Severity
    from reportgen.inputs.load import load_inputs

    if month and not inputs.is_dir():
        raise DataError(N_(
            "the inputs folder %(folder)s does not exist, so the packs of %(month)s cannot be "
            "checked against it and nothing was sent; name the folder they were made from with "
            "--inputs, or make them again with `%(command)s`", folder=str(inputs), month=month,
            command=run_command(inputs, out, month)))
    dataset = load_inputs(inputs, config, month=pd.Period(month, "M") if month else None)
    errors = [i for i in dataset.issues if i.severity is Severity.ERROR]
    for issue in errors:
        click.echo(issue.line(lang), err=True)
    if month and manifest.get("documents"):
        # Changed files explain any new error, and the command given mends both.
        check_inputs_unchanged(manifest, dataset, month, inputs=inputs, out=out)
    if errors:
        raise DataError(N_("the inputs in %(folder)s have %(count)s error(s), listed above, so "
                           "nothing was sent", folder=str(inputs), count=f"{len(errors):,}"))
    if not dataset.usable:
        raise DataError(N_("the inputs in %(folder)s do not hold the sales lines and clients "
                           "reportgen needs, so nothing was sent", folder=str(inputs)))
    period, notes = resolve_month(dataset, month)
    return dataset, analyse(dataset, config, period, notes)


def _given(name: str) -> bool:
    """Whether the option ``name`` was given on the command line."""
    source = click.get_current_context().get_parameter_source(name)
    return source is click.core.ParameterSource.COMMANDLINE


def _latest_run(out: Path) -> str | None:
    """The latest month under ``out`` whose documents a run made (None: no such month)."""
    import re

    from reportgen.outputs.manifest import read_manifest

    if not out.is_dir():
        return None
    months = sorted((p.name for p in out.iterdir()
                     if re.fullmatch(r"\d{4}-\d{2}", p.name) and p.is_dir()), reverse=True)
    return next((m for m in months if read_manifest(out / m).get("documents")), None)


def _inputs_of_run(settings: Settings, manifest: dict[str, Any]) -> Path:
    """The inputs folder to check the packs against: --inputs, else the one the run read."""
    from reportgen.outputs.manifest import recorded_inputs

    if _given("inputs"):
        return settings.inputs
    return recorded_inputs(manifest) or settings.inputs


def _chosen_regions(asked: Sequence[str], regions: Sequence[str],
                    option: str = "--region") -> list[str | None] | None:
    """The packs ``option`` selects (None: every pack); DataError for an unknown region."""
    if not asked:
        return None
    chosen: list[str | None] = []
    for name in dict.fromkeys(asked):
        if name in regions:
            chosen.append(name)
        elif name == ALL_REGIONS_OPTION:
            chosen.append(None)
        else:
            raise DataError(N_("%(option)s %(name)s: no such region; the regions are "
                               "%(regions)s (and %(all)s for the all-regions pack)",
                               option=option, name=name, regions=Join(regions),
                               all=ALL_REGIONS_OPTION))
    return chosen


def _run_language(manifest: dict[str, Any], settings: Settings, month: str) -> str:
    """The language the packs were made in; DataError when --lang asks for another."""
    options = manifest.get("options")
    lang = options.get("lang") if isinstance(options, dict) else None
    lang = lang if lang in _LANGUAGES else "en"
    source = click.get_current_context().get_parameter_source("lang")
    if source is click.core.ParameterSource.COMMANDLINE and settings.lang != lang:
        raise DataError(N_(
            "the packs of %(month)s are in %(made)s; make them in %(asked)s first with "
            "`reportgen pack --month %(month)s --lang %(lang)s`, then send", month=month,
            made=_LANGUAGES[lang], asked=_LANGUAGES[settings.lang], lang=settings.lang))
    return lang


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"


def _echo_skipped(skipped: Sequence[Any], quiet: bool, lang: str) -> None:
    for item in skipped:
        label, reason = render(item.label, lang), render(item.reason, lang)
        if item.severity == "error":
            click.echo(tr("error: %(label)s: %(reason)s", lang, label=label, reason=reason),
                       err=True)
        elif item.severity == "warning":
            if not quiet:
                click.echo(tr("warning: %(label)s: %(reason)s", lang, label=label,
                              reason=reason))
        elif not quiet:
            click.echo(tr("%(label)s: %(reason)s", lang, label=label, reason=reason))


def _confirm(outgoing: Sequence[Any], email: Any, lang: str) -> None:
    """List what will go to whom and ask; Aborted when the answer is no."""
    click.echo(tr("About to send %(count)s message(s) from %(sender)s through %(server)s "
                  "(%(security)s):", lang, count=f"{len(outgoing):,}", sender=email.sender,
                  server=f"{email.host}:{email.port}", security=email.security))
    for item in outgoing:
        names = tr('"%(name)s" (%(size)s)', lang, name=item.pdf_name, size=_size(item.pdf))
        if item.html is not None:
            names = tr('%(pdf)s and "%(html)s"', lang, pdf=names, html=item.html_name)
        line = tr("%(label)s → %(recipients)s: %(files)s", lang, label=render(item.label, lang),
                  recipients=", ".join(item.recipients), files=names)
        if item.already:
            line = tr("%(label)s → %(recipients)s (already sent to %(already)s): %(files)s",
                      lang, label=render(item.label, lang),
                      recipients=", ".join(item.recipients), already=", ".join(item.already),
                      files=names)
        click.echo(f"  {line}")
    try:
        # Click takes y or n (yes/no) whatever the language; the question says so.
        answer = click.confirm(tr("Send them? Answer y to send, n to cancel.", lang),
                               default=False)
    except click.Abort:
        answer = False
    if not answer:
        raise Aborted(N_("nothing was sent"))


@click.command(cls=Command, help=N_(
    "E-mail each region's review pack to its leadership, and the all-regions pack.\n\n"
    "Sends the PDF packs `reportgen run` made for the month: each region's to its "
    "leadership_emails (Regions sheet, or [email.regions] in reportgen.toml), the all-regions "
    "pack to [email] leadership. The packs are checked against the inputs folder the run read "
    "(or --inputs), and nothing is sent when a file there changed since. Each message goes "
    "once: sent.json in the month's folder records what was sent, so running the command "
    "again sends only what is missing, and a message the mail server may have received "
    "without confirming it is marked uncertain and sent again only with --resend. One send "
    "runs at a time per month. The mail server password is read only from the environment "
    "variable named by password_env. Nothing is sent before you confirm (or give --yes)."))
@common_options
@option("--dry-run", is_flag=True,
        help=N_("Write the messages to outbox/ in the month's folder as .eml files; send "
                "nothing."))
@option("--yes", is_flag=True, help=N_("Send without asking for confirmation."))
@option("--resend", "resend", multiple=True, metavar="REGION",
        help=N_("Send this region's pack again to everyone, even if the ledger says it was "
                "sent or is uncertain (repeat for several; ALL for the all-regions pack)."))
@option("--region", "regions", multiple=True, metavar="REGION",
        help=N_("Send only this region's pack (repeat for several; ALL for the all-regions "
                "pack)."))
@option("--wait", type=click.FloatRange(min=0), default=DEFAULT_WAIT, show_default=True,
        metavar="SECONDS",
        help=N_("How long to wait for another send of the same month, or a run writing its "
                "documents, to finish."))
@option("--timeout", type=click.FloatRange(min=0, min_open=True), default=SMTP_TIMEOUT,
        show_default=True, metavar="SECONDS",
        help=N_("How long to wait for each answer of the mail server."))
def send(settings: Settings, dry_run: bool, yes: bool, resend: tuple[str, ...],
         regions: tuple[str, ...], wait: float, timeout: float) -> None:
    """E-mail each region's review pack to its leadership, and the all-regions pack.

    Sends the PDF packs `reportgen run` made for the month: each region's to its
    leadership_emails (Regions sheet, or [email.regions] in reportgen.toml), the
    all-regions pack to [email] leadership. Each message goes once: sent.json in the
    month's folder records what was sent, so running the command again sends only what is
    missing. The mail server password is read only from the environment variable named by
    password_env. Nothing is sent before you confirm (or give --yes).
    """
    from reportgen.delivery.ledger import send_lock
    from reportgen.delivery.smtp import check_email_settings
    from reportgen.outputs.manifest import read_manifest

    config = settings.config()
    email = config.email
    check_email_settings(email, dry_run=dry_run)
    month_asked = settings.month or (None if _given("inputs") else _latest_run(settings.out))
    manifest = read_manifest(settings.out / month_asked) if month_asked else {}
    inputs = _inputs_of_run(settings, manifest)
    if month_asked is not None and not manifest.get("documents"):
        raise DataError(N_("the documents of %(month)s have not been made in %(out)s; run "
                           "`reportgen run --month %(month)s` first", month=month_asked,
                           out=str(settings.out)))
    folder = settings.out / month_asked if month_asked else None
    lock = (send_lock(folder, wait) if folder is not None and not dry_run
            else contextlib.nullcontext())
    with lock:
        _send_month(settings, config, inputs=inputs, month_asked=month_asked, dry_run=dry_run,
                    yes=yes, resend=resend, regions=regions, timeout=timeout, wait=wait)


def _send_month(settings: Settings, config: Any, *, inputs: Path, month_asked: str | None,
                dry_run: bool, yes: bool, resend: tuple[str, ...], regions: tuple[str, ...],
                timeout: float, wait: float) -> None:
    """The body of `reportgen send`: the month's inputs read and analysed, then the sending.

    Runs under the month's send lock when the month was named (or is the latest run's); when
    only --inputs was given, the month is known once they are read, and the lock is taken
    then.
    """
    from reportgen.delivery.ledger import send_lock
    from reportgen.outputs.manifest import read_manifest

    manifest = read_manifest(settings.out / month_asked) if month_asked else {}
    dataset, analysis = _month_analysis(inputs, month_asked, config, manifest, settings.out,
                                        settings.lang)
    month = str(analysis.month)
    folder = settings.out / month
    not_made = DataError(N_("the documents of %(month)s have not been made in %(out)s; run "
                            "`reportgen run --month %(month)s` first", month=month,
                            out=str(settings.out)))
    if not folder.is_dir():
        raise not_made
    with contextlib.ExitStack() as held:
        if month_asked is None and not dry_run:
            # The month was known only once the inputs were read: one send at a time here too.
            held.enter_context(send_lock(folder, wait))
        _send_locked(settings, config, inputs=inputs, month=month,
                     folder=folder, dataset=dataset, analysis=analysis, not_made=not_made,
                     dry_run=dry_run, yes=yes, resend=resend, regions=regions,
                     timeout=timeout, wait=wait)


def _send_locked(settings: Settings, config: Any, *, inputs: Path, month: str, folder: Path,
                 dataset: Any, analysis: Any, not_made: DataError, dry_run: bool, yes: bool,
                 resend: tuple[str, ...], regions: tuple[str, ...], timeout: float,
                 wait: float) -> None:
    """The rest of `reportgen send`, run while the month's send lock is held.

    The month's documents are read under its run lock too (``outputs/lock.py``): a `run`
    rewriting them meanwhile would have the mail carry a pack the manifest does not describe.
    The lock is let go once every message is built, before the prompt and the mail server.
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
    from reportgen.delivery.smtp import Mailer, deliver, password_for
    from reportgen.documents.pack.context import pack_regions
    from reportgen.outputs.lock import month_lock
    from reportgen.outputs.manifest import read_manifest

    email = config.email
    with month_lock(folder, wait):
        # Read again under the run lock, which a run holds while it writes the documents.
        manifest = read_manifest(folder)
        if not manifest.get("documents"):
            raise not_made
        errors = (manifest.get("counts") or {}).get("errors", 0)
        if errors:
            raise DataError(N_("the run of %(month)s had %(count)s error(s), so its packs are not "
                               "sent; correct them, run `reportgen run --month %(month)s` again, "
                               "then send", month=month, count=str(errors)))
        # Against the manifest read under the lock: a run may have finished meanwhile, made
        # from other files than the ones this send analysed.
        check_inputs_unchanged(manifest, dataset, month, inputs=inputs, out=settings.out)
        lang = _run_language(manifest, settings, month)
        names = pack_regions(analysis)
        again = _chosen_regions(resend, names, "--resend") or []
        only = _chosen_regions(regions, names)
        if only is not None:
            # A pack named by --resend is sent even when --region names only others.
            only += [r for r in again if r not in only]
        ledger = read_ledger(folder, month)
        outgoing, skipped = plan_messages(
            folder=folder, manifest=manifest, analysis=analysis, dataset=dataset, config=config,
            lang=lang, ledger=ledger, resend=again, only=only)
        now = dt.datetime.now().astimezone().replace(microsecond=0)
        messages = [(item, message_bytes(build_message(item, sender=email.sender, lang=lang,
                                                       now=now)))
                    for item in outgoing]
    _echo_skipped(skipped, settings.quiet, settings.lang)
    held = sum(s.severity == "error" for s in skipped)
    if dry_run:
        # Also with nothing to write: the outbox must not keep an earlier run's messages.
        for path in write_outbox(folder, messages):
            click.echo(tr("wrote %(path)s", settings.lang, path=str(path)))
        click.echo(tr("%(count)s message(s) written; nothing was sent (--dry-run).",
                      settings.lang, count=f"{len(messages):,}"))
    elif not messages:
        if not settings.quiet:
            click.echo(tr("Nothing to send.", settings.lang))
    else:
        password = password_for(email, os.environ)
        if not email.verify_tls and email.security != "none":
            click.echo(tr("warning: the certificate of %(host)s is not checked (verify_tls = "
                          "false)", settings.lang, host=email.host), err=True)
        if not yes:
            _confirm(outgoing, email, settings.lang)
        address = sender_address(email.sender)
        with Mailer(email, password, timeout=timeout) as mailer:
            report = deliver(
                messages, mailer=mailer, sender=address, ledger=ledger,
                now=lambda: dt.datetime.now().astimezone(),
                echo=lambda line, error: click.echo(line, err=error),
                all_option=ALL_REGIONS_OPTION, lang=settings.lang)
        if report.sent and not settings.quiet:
            click.echo(tr("%(count)s message(s) sent; %(path)s records them.", settings.lang,
                          count=f"{len(report.sent):,}", path=str(ledger.path)))
        problems = []
        if report.uncertain:
            problems.append(N_(
                "%(count)s message(s) may have been delivered without the mail server "
                "confirming it (see above); check with the recipients before sending them "
                "again with --resend", count=f"{len(report.uncertain):,}"))
        if report.failed:
            problems.append(N_(
                "%(count)s of %(total)s message(s) were not sent; the ledger records what was, "
                "so `reportgen send` again sends only the rest", count=f"{len(report.failed):,}",
                total=f"{len(messages):,}"))
        if problems:
            raise EnvironmentFailure(problems[0] if len(problems) == 1 else N_(
                "%(first)s; %(second)s", first=problems[0], second=problems[1]))
    if held:
        raise DataError(N_("%(count)s pack(s) could not be sent; see the messages above",
                           count=str(held)))


@click.command(cls=Command, help=N_(
    "Make the month's documents again whenever a workbook in the inputs folder changes.\n\n"
    "First brings the documents up to date, then waits. When a workbook is dropped in, saved "
    "or removed, it waits until the file has stopped changing (Office lock and temporary "
    "files are ignored) and makes the month again; only documents whose figures changed are "
    "rebuilt. A workbook that cannot be used is reported and watching goes on. Press Ctrl-C "
    "to stop."))
@common_options
@cluster_option
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
