"""The language the command line speaks, decided before Click parses anything.

One setting governs the documents and every message: ``--lang``, else ``lang`` under
``[report]`` in the settings file (``--config``, else ./reportgen.toml), else the environment
(the first of LC_ALL, LC_MESSAGES, LANG that is set; ``zh…`` means Chinese), else English.
It is decided from the raw arguments, so ``--help`` and Click's own usage errors ("No such
option") are in that language too.

Click's messages go through the standard library's ``gettext`` (each Click module imports
``gettext as _``), which reads the process's locale and ``.mo`` files installed for the
"messages" domain. So that the language can come from ``--lang`` and the settings file, the
``_`` and ``ngettext`` of Click's modules are pointed at :func:`click_gettext`, which reads the
``click`` catalog in the chosen language (tests/cli/test_language.py fails if a Click upgrade
moves them). Click wraps help text by characters; Chinese characters take two columns, so a
Chinese help screen is laid out by :class:`ChineseHelpFormatter`, which wraps by display width.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import importlib
import os
import sys
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click
from click.formatting import iter_rows, measure_table

from reportgen import i18n

#: Click's modules that translate messages.
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion",
                 "termui", "types", "utils", "_termui_impl")


def _option_value(args: Sequence[str], name: str) -> str | None:
    """The last value given for ``--name`` in raw arguments (``--name X`` or ``--name=X``)."""
    found = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == name and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(name + "="):
            found = arg.split("=", 1)[1]
    return found


def _configured_language(path: Path) -> str | None:
    """``[report] lang`` of a settings file, or None (a broken file is reported later)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    report = raw.get("report")
    lang = report.get("lang") if isinstance(report, dict) else None
    return lang if lang in i18n.LANGS else None


def resolve_language(args: Sequence[str], environ: Mapping[str, str] | None = None) -> str:
    """The run's language from the raw arguments, the settings file and the environment."""
    given = _option_value(args, "--lang")
    if given in i18n.LANGS:
        return given
    config = _option_value(args, "--config")
    configured = _configured_language(Path(config or "reportgen.toml"))
    if configured is not None:
        return configured
    return i18n.language_from_environment(os.environ if environ is None else environ) or "en"


def quoted(text: str) -> i18n.Term:
    """A library's or the system's own words: as they are, in quotes in Chinese."""
    return i18n.Term(text, words={"zh": f"“{text}”"})


# --------------------------------------------------------------------------- Click's own words

def click_gettext(message: str) -> str:
    """Click's ``_``: the message in the current language (the ``click`` catalog)."""
    lang = i18n.current_language()
    return message if lang == "en" else str(i18n.translations(lang).gettext(message))


def click_ngettext(singular: str, plural: str, n: int) -> str:
    """Click's ``ngettext``, in the current language."""
    lang = i18n.current_language()
    if lang == "en":
        return singular if n == 1 else plural
    return str(i18n.translations(lang).ngettext(singular, plural, n))


def install_click_translations() -> list[str]:
    """Point Click's ``_`` and ``ngettext`` at reportgen's catalogs; the modules patched."""
    patched = []
    for name in CLICK_MODULES:
        try:
            module = importlib.import_module(f"click.{name}")
        except ImportError:  # pragma: no cover - a module of another platform
            continue
        if getattr(module, "_", None) in (stdlib_gettext.gettext, click_gettext):
            module._ = click_gettext  # type: ignore[attr-defined]
            patched.append(name)
        if getattr(module, "ngettext", None) in (stdlib_gettext.ngettext, click_ngettext):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]
    return patched


# --------------------------------------------------------------------------- help screens

_CLOSING = set("，。、；：？！）」』”’》〉】,.;:?!)")
#: Opening punctuation, which never ends a line: it stays with the word after it.
_OPENING = set("（「『“‘《〈【([")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _tokens(text: str) -> Iterable[str]:
    """Words to wrap between: a run of non-wide characters, a space, or one wide character.

    Opening punctuation is joined to the word after it (``[默认``), so no line ends with it.
    """
    pending = ""
    for token in _words(text):
        if pending and token != " ":
            token, pending = pending + token, ""
        elif pending:
            yield pending
            pending = ""
        if token != " " and token[-1] in _OPENING:
            pending = token
            continue
        yield token
    if pending:
        yield pending


def _words(text: str) -> Iterable[str]:
    run = ""
    for char in text:
        if char == " " or unicodedata.east_asian_width(char) in "WF":
            if run:
                yield run
                run = ""
            yield char
        else:
            run += char
    if run:
        yield run


def wrap(text: str, width: int, initial: str = "", subsequent: str = "") -> list[str]:
    """Lines of at most ``width`` columns; no line starts with closing punctuation.

    A closing mark that does not fit takes the character before it onto the next line
    rather than hanging past the edge of the terminal.
    """
    lines: list[str] = []
    prefix, words = initial, list[str]()
    for token in _tokens(" ".join(text.split())):
        if token == " " and not words:
            continue
        used = display_width(prefix) + sum(display_width(word) for word in words)
        if token != " " and words and used + display_width(token) > width:
            carried: list[str] = []
            if token in _CLOSING:
                while len(words) > 1 and words[-1] != " " and (
                        not carried or carried[0] in _CLOSING):
                    carried.insert(0, words.pop())
            if carried or token not in _CLOSING:
                lines.append((prefix + "".join(words)).rstrip())
                prefix, words = subsequent, [w for w in carried if w != " "]
        words.append(token)
    if "".join(words).strip():
        lines.append((prefix + "".join(words)).rstrip())
    return lines


class ChineseHelpFormatter(click.HelpFormatter):
    """Click's help layout, wrapped by display width (a Chinese character is two columns)."""

    def write_text(self, text: str) -> None:
        """Paragraphs of ``text``, re-wrapped; a paragraph after a backspace line is kept."""
        indent = " " * self.current_indent
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        out = []
        for paragraph in paragraphs:
            if paragraph.lstrip("\n").startswith("\b"):
                body = paragraph.lstrip("\n")[1:].strip("\n")
                out.append("\n".join(indent + line for line in body.splitlines()))
            else:
                out.append("\n".join(wrap(paragraph, self.width, indent, indent)))
        self.write("\n\n".join(out))
        self.write("\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        """A definition list (options, commands), the second column wrapped by display width."""
        rows = list(rows)
        widths = measure_table(rows)
        first_col = min(widths[0], col_max) + col_spacing
        for first, second in iter_rows(rows, len(widths)):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - self.current_indent - 1, 10)
            lines = wrap(second, text_width)
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(click.Context):
    """A context whose help screens are laid out for the current language."""

    def make_formatter(self) -> click.HelpFormatter:
        """Click's formatter in English; :class:`ChineseHelpFormatter` in Chinese."""
        if i18n.current_language() == "zh":
            return ChineseHelpFormatter(width=self.terminal_width,
                                        max_width=self.max_content_width)
        return super().make_formatter()


def _translated(text: str | None) -> str | None:
    return None if text is None else i18n.gettext(text, i18n.current_language())


#: Click's own help text for --help (translated from the click catalog where it is shown).
HELP_OPTION_TEXT = "Show this message and exit."


def translated_help_option(option: click.Option | None) -> click.Option | None:
    """Click's --help option, made to show its help in the current language.

    Click makes the option once per command and keeps it, with its help text translated
    then: a run in another language later in the same process would show that language.
    """
    if option is not None and not isinstance(option, Option):
        option.__class__ = Option
        option.help = HELP_OPTION_TEXT
    return option


class Command(click.Command):
    """A command whose help texts (its own and its options') are shown in the current language.

    Give it ``help=N_("…")`` (Babel cannot read docstrings); paragraphs are separated by a
    blank line, as in a docstring.
    """

    context_class = Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click's --help option, its help shown in the current language."""
        return translated_help_option(super().get_help_option(ctx))

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command's help, translated."""
        original = self.help
        self.help = _translated(original)
        try:
            super().format_help_text(ctx, formatter)
        finally:
            self.help = original

    def get_short_help_str(self, limit: int = 45) -> str:
        """The first sentence of the help, translated (for the list of commands)."""
        if i18n.current_language() == "zh" and self.help and not self.short_help:
            first = (_translated(self.help) or "").split("\n\n")[0].strip()
            return first.split("。")[0] + ("。" if "。" in first else "")
        return super().get_short_help_str(limit)


class Option(click.Option):
    """An option whose help text is shown in the current language."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        """The option's line in ``--help``, translated."""
        original = self.help
        self.help = _translated(original)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = original


def option(*names: str, **kwargs: Any) -> Any:
    """``click.option`` with a translated help text (``help=N_("…")``)."""
    return click.option(*names, cls=Option, **kwargs)


def start(args: Sequence[str] | None) -> tuple[list[str], Any]:
    """Decide the language for one invocation of the command line.

    Returns the arguments to parse and a token for :func:`finish`, which puts back the
    language that was current before (a test runs many invocations in one process).
    """
    argv = list(sys.argv[1:] if args is None else args)
    return argv, i18n.set_language(resolve_language(argv))


def finish(token: Any) -> None:
    """Put back the language that was current before :func:`start`."""
    i18n.reset_language(token)


__all__ = ["Command", "Context", "Option", "option", "resolve_language", "start", "finish",
           "install_click_translations"]
