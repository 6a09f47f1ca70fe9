"""The options every command takes, parsed once into :class:`Settings`.

Kept apart from the command group so that command modules (``delivery_cli``) can use them
without importing the group that registers those commands.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click


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

    def config(self) -> Any:
        """The validated configuration."""
        from reportgen.inputs.config import load_config

        return load_config(self.config_path, explicit=self.config_explicit)


def _parse_month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value.strip()):
        raise click.BadParameter(f"{value!r} is not a month; write it as YYYY-MM, e.g. 2026-10")
    return value.strip()


def _parse_formats(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
    parts = tuple(p.strip().lower() for p in value.split(",") if p.strip())
    bad = [p for p in parts if p not in ("html", "pdf")]
    if bad or not parts:
        raise click.BadParameter(f"{value!r}: choose html, pdf or html,pdf")
    return parts


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command takes, gathered into a :class:`Settings` argument."""
    options = [
        click.option("--inputs", type=click.Path(path_type=Path), default=Path("inputs"),
                     show_default=True, help="Folder holding the month's workbooks."),
        click.option("--out", type=click.Path(path_type=Path), default=Path("outputs"),
                     show_default=True, help="Folder the documents are written to."),
        click.option("--month", callback=_parse_month, metavar="YYYY-MM",
                     help="Report month (default: the latest month with sales)."),
        click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                     help="Language of the documents: English or Simplified Chinese."),
        click.option("--format", "formats", default="html,pdf", show_default=True,
                     callback=_parse_formats, help="Which documents to write: html, pdf or both."),
        click.option("--jobs", type=click.IntRange(min=1), default=None,
                     help="Documents rendered at once (default: the number of cores)."),
        click.option("--config", "config_path", type=click.Path(path_type=Path), default=None,
                     help="Settings file (default: ./reportgen.toml if present)."),
        click.option("--templates", type=click.Path(path_type=Path, file_okay=False),
                     default=None, help="Folder of templates that replace the built-in ones."),
        click.option("--quiet", is_flag=True, help="Print only errors."),
        click.option("--verbose", is_flag=True, help="Print every note, not only warnings."),
        click.option("--debug", is_flag=True, help="Show a full traceback on failure."),
    ]

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        config_path = kwargs.pop("config_path")
        settings = Settings(
            inputs=kwargs.pop("inputs"),
            out=kwargs.pop("out"),
            month=kwargs.pop("month"),
            lang=kwargs.pop("lang"),
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

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper
