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
from reportgen.cli import commands
from reportgen.cli.delivery import send, watch
from reportgen.errors import (
    EXIT_DATA,
    EXIT_ENVIRONMENT,
    ConfigError,
    DataError,
    EnvironmentFailure,
    ReportgenError,
)


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
