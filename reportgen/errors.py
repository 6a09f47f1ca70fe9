"""One exception hierarchy; each class carries the exit code the CLI returns for it.

The classes subclass Click's ``ClickException`` so that, at the command-line boundary, they
print as a single ``Error: …`` line with the right exit code and no traceback.
"""

from __future__ import annotations

import click

from reportgen import i18n

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3


class ReportgenError(click.ClickException):
    """Base class: a problem a supervisor can act on, printed as one line.

    The message may be an ``i18n.N_`` text: it is shown in the language of the run.
    """

    exit_code = EXIT_DATA

    def format_message(self) -> str:
        """The message in the current language."""
        return i18n.render(self.message, i18n.current_language())


class DataError(ReportgenError):
    """The input data cannot be used (missing sheets, unreadable files, --strict warnings)."""

    exit_code = EXIT_DATA


class ConfigError(ReportgenError):
    """The configuration file is missing, unreadable or invalid."""

    exit_code = EXIT_USAGE


class Aborted(ReportgenError):
    """The user declined a confirmation."""

    exit_code = EXIT_DATA


class EnvironmentFailure(ReportgenError):
    """The machine let us down: output not writable, disk full, SMTP refused."""

    exit_code = EXIT_ENVIRONMENT


class LimitExceeded(DataError):
    """A configured resource limit (size, rows, columns, time) was hit."""
