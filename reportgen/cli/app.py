"""The command line: parse options, call the pipeline, turn problems into messages and exit codes.

Nothing here computes a figure. Every option is accepted after the subcommand
(``reportgen run --inputs X --out Y --month M``).
"""

from __future__ import annotations

import signal
import sys
from typing import Any

import click

from reportgen import __version__
from reportgen.cli import commands, language
from reportgen.cli.delivery import send, watch
from reportgen.errors import (
    EXIT_DATA,
    EXIT_ENVIRONMENT,
    ConfigError,
    DataError,
    EnvironmentFailure,
    ReportgenError,
)
from reportgen.i18n import N_, Text, current_language, gettext

language.install_click_translations()


class ReportgenGroup(click.Group):
    """A group that speaks the run's language and turns stray failures into one-line errors.

    The language is decided from the raw arguments before Click parses them
    (:func:`reportgen.cli.language.start`), so help and usage errors are in it too.
    """

    context_class = language.Context

    def main(self, args: Any = None, prog_name: str | None = None,  # type: ignore[override]
             **extra: Any) -> Any:
        """Decide the language, then parse and run as Click does."""
        argv, token = language.start(args)
        try:
            return super().main(args=argv, prog_name=prog_name, **extra)
        finally:
            language.finish(token)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's --help option, its help shown in the current language."""
        return language.translated_help_option(super().get_help_option(ctx))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The group's help, translated."""
        original = self.help
        self.help = None if original is None else gettext(original, current_language())
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand, mapping stray exceptions to messages and exit codes."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            raise DataError(N_("interrupted; nothing half-written was left behind")) from None
        except OSError as exc:
            if _debug(ctx):
                raise
            problem = language.quoted(str(exc.strerror or exc))
            raise EnvironmentFailure(
                N_("%(problem)s (%(file)s)", problem=problem, file=exc.filename)
                if exc.filename else Text("%(problem)s", {"problem": problem})) from None
        except Exception as exc:
            if _debug(ctx):
                raise
            raise ReportgenError(N_(
                "unexpected problem (%(error)s); run the command again with --debug and send "
                "the output to the reportgen maintainers",
                error=language.quoted(f"{type(exc).__name__}: {exc}"))) from None


def _debug(ctx: click.Context) -> bool:
    # Click shares ``meta`` between a context and its sub-contexts.
    return bool(ctx.meta.get("reportgen.debug"))


@click.group(cls=ReportgenGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=N_("Turn the month's sales workbooks into account plans and review packs."
                     "\n\nPut the workbooks in the inputs folder, then run `reportgen run`. "
                     "Start with `reportgen demo` to see the documents made from a sample "
                     "dataset, or `reportgen init` to get an example workbook and settings "
                     "file to fill in."))
@click.version_option(__version__, prog_name="reportgen", cls=language.Option,
                      help=N_("Show the version and exit."))
def cli() -> None:
    """The ``reportgen`` command group (its help text is the ``help=`` above)."""


for command in (commands.check, commands.analyze, commands.plans, commands.pack,
                commands.run, commands.init, commands.demo, send, watch):
    cli.add_command(command)


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
