"""The options every command takes, parsed once into :class:`Settings`.

Kept apart from the command group so that command modules (``delivery_cli``) can use them
without importing the group that registers those commands.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from reportgen import i18n
from reportgen.cli.language import option
from reportgen.i18n import N_


@dataclass(frozen=True)
class Settings:
    """The options common to every command, parsed once."""

    inputs: Path
    out: Path
    month: str | None
    lang: str
    formats: tuple[str, ...]
    jobs: int
    config_path: Path
    config_explicit: bool
    templates: Path | None
    quiet: bool
    verbose: bool
    debug: bool
    #: --cluster: the Dask scheduler to render on (None: [cluster] in the settings, else here).
    cluster: str | None = None

    def config(self) -> Any:
        """The validated configuration."""
        from reportgen.inputs.config import load_config

        return load_config(self.config_path, explicit=self.config_explicit)


def _parse_month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value.strip()):
        raise click.BadParameter(i18n.tr("%(value)s is not a month; write it as YYYY-MM, e.g. "
                                         "2026-10", value=repr(value)))
    return value.strip()


def _parse_formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    parts = tuple(p.strip().lower() for p in value.split(",") if p.strip())
    bad = [p for p in parts if p not in ("html", "pdf")]
    if bad or not parts:
        raise click.BadParameter(i18n.tr("%(value)s: choose html, pdf or html,pdf",
                                         value=repr(value)))
    return parts


def _parse_cluster(_ctx: click.Context, _param: click.Parameter,
                   value: str | None) -> str | None:
    from reportgen.inputs.config import SCHEDULER_ADDRESS

    if value is None:
        return None
    if not SCHEDULER_ADDRESS.fullmatch(value.strip()):
        raise click.BadParameter(i18n.tr("%(value)s is not a scheduler address; write it as "
                                         "tcp://host:port, e.g. tcp://10.0.0.5:8786",
                                         value=repr(value)))
    return value.strip()


def cluster_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--cluster ADDRESS``, put into the command's :class:`Settings` (below common_options)."""
    @functools.wraps(func)
    def wrapper(settings: Settings, *args: Any, **kwargs: Any) -> Any:
        cluster = kwargs.pop("cluster")
        return func(dataclasses.replace(settings, cluster=cluster), *args, **kwargs)

    return option("--cluster", metavar="ADDRESS", callback=_parse_cluster, default=None,
                  help=N_("Render the documents on the Dask cluster whose scheduler is at "
                          "ADDRESS (tcp://host:port) instead of on this machine (default: "
                          "scheduler under [cluster] in reportgen.toml)."))(wrapper)


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command takes, gathered into a :class:`Settings` argument."""
    options = [
        option("--inputs", type=click.Path(path_type=Path), default=Path("inputs"),
               show_default=True, help=N_("Folder holding the month's workbooks.")),
        option("--out", type=click.Path(path_type=Path), default=Path("outputs"),
               show_default=True, help=N_("Folder the documents are written to.")),
        option("--month", callback=_parse_month, metavar="YYYY-MM",
               help=N_("Report month (default: the latest month with sales).")),
        option("--lang", type=click.Choice(["en", "zh"]), default=None,
               help=N_("Language of the documents and of every message: English or Simplified "
                       "Chinese (default: lang under [report] in reportgen.toml, else the "
                       "system's language, else English).")),
        option("--format", "formats", default="html,pdf", show_default=True,
               callback=_parse_formats, help=N_("Which documents to write: html, pdf or both.")),
        option("--jobs", type=click.IntRange(min=1), default=None,
               help=N_("Documents rendered at once (default: the number of cores).")),
        option("--config", "config_path", type=click.Path(path_type=Path), default=None,
               help=N_("Settings file (default: ./reportgen.toml if present).")),
        option("--templates", type=click.Path(path_type=Path, file_okay=False),
               default=None, help=N_("Folder of templates that replace the built-in ones.")),
        option("--quiet", is_flag=True, help=N_("Print only errors.")),
        option("--verbose", is_flag=True, help=N_("Print every note, not only warnings.")),
        option("--debug", is_flag=True, help=N_("Show a full traceback on failure.")),
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        config_path = kwargs.pop("config_path")
        settings = Settings(
            inputs=kwargs.pop("inputs"),
            out=kwargs.pop("out"),
            month=kwargs.pop("month"),
            # --lang, else what language.start decided from the settings file and the system.
            lang=kwargs.pop("lang") or i18n.current_language(),
            formats=kwargs.pop("formats"),
            jobs=kwargs.pop("jobs") or os.cpu_count() or 1,
            config_path=config_path or Path("reportgen.toml"),
            config_explicit=config_path is not None,
            templates=kwargs.pop("templates"),
            quiet=kwargs.pop("quiet"),
            verbose=kwargs.pop("verbose"),
            debug=kwargs.pop("debug"),
        )
        click.get_current_context().meta["reportgen.debug"] = settings.debug
        return func(settings, *args, **kwargs)

    for decorate in reversed(options):
        wrapper = decorate(wrapper)
    return wrapper
