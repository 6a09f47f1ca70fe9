"""The Jinja2 environment documents are rendered with: overrides, escaping, filters, language.

Templates are looked up in the user's ``--templates`` folder first, then in the built-in
templates, so an override is a file with the same name. An override can extend the template it
replaces by naming it ``builtin:<name>`` (``{% extends "builtin:plan.html" %}``).

Every template is autoescaped whatever its file name ends with (spreadsheet text is hostile
input), and an undefined variable is an error rather than an empty string (StrictUndefined), so
a typo in a template cannot silently drop a figure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from markupsafe import Markup, escape

from reportgen import __version__, i18n
from reportgen.documents import fmt
from reportgen.documents.assets import templates_dir
from reportgen.errors import ConfigError

#: Prefix naming a built-in template even when an override of the same name exists.
BUILTIN_PREFIX = "builtin"


def css_string(value: object) -> Markup:
    """``value`` as a quoted CSS string, safe inside ``<style>`` (no quote or tag escapes)."""
    out = ['"']
    for char in str(value):
        # Escape quotes, backslashes, "<" (could close </style>) and anything non-printable.
        if char in '"\\<>&' or not char.isprintable():
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    out.append('"')
    return Markup("".join(out))


def page_counter_css(lang: str) -> Markup:
    """The CSS ``content`` value for "Page N of M" in ``lang``, from the message catalog."""
    text = i18n.gettext("Page %(page)s of %(pages)s", lang)
    marker = "\0"
    parts = (text % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}).split(
        marker
    )
    pieces = []
    for index, part in enumerate(parts):
        if index % 2:  # the placeholders sit at odd positions after the split
            pieces.append(f"counter({part})")
        elif part:
            pieces.append(css_string(part))
    return Markup(" ".join(pieces))


def rag_mark(status: str | None, lang: str) -> Markup:
    """A red/amber/green mark readable in greyscale: a shape (from CSS) and a word."""
    if status is None or status == "":
        return Markup(escape(fmt.BLANK))
    word = i18n.label("rag", status, lang)
    return Markup('<span class="rag rag-{}">{}</span>').format(status, word)


def _loader(user_templates: Path | None) -> jinja2.BaseLoader:
    builtin = jinja2.FileSystemLoader(templates_dir())
    loaders: list[jinja2.BaseLoader] = [
        jinja2.PrefixLoader({BUILTIN_PREFIX: builtin}, delimiter=":")
    ]
    if user_templates is not None:
        folder = Path(user_templates)
        if not folder.is_dir():
            raise ConfigError(i18n.N_(
                "the templates folder %(folder)s does not exist: check the --templates option",
                folder=folder))
        loaders.append(jinja2.FileSystemLoader(folder))
    loaders.append(builtin)
    return jinja2.ChoiceLoader(loaders)


_EMBEDDINGS = frozenset("\u202a\u202b\u202d\u202e")  # LRE RLE LRO RLO, closed by PDF
_ISOLATES = frozenset("\u2066\u2067\u2068")  # LRI RLI FSI, closed by PDI
_PDF, _PDI, _FSI = "\u202c", "\u2069", "\u2068"
_BIDI_CONTROLS = _EMBEDDINGS | _ISOLATES | {_PDF, _PDI}


def isolate_bidi(text: str) -> str:
    """``text`` made unable to reorder what surrounds it on the page.

    Spreadsheet text may carry bidi controls (a right-to-left override, say) that would
    reverse the rest of a line in the document. Controls that close nothing of the text's own
    are dropped, those left open are closed, and the whole is wrapped in an isolate
    (FSI … PDI), as UAX #9 prescribes for text of unknown direction.
    """
    if not _BIDI_CONTROLS.intersection(text):
        return text
    out: list[str] = []
    stack: list[str] = []  # the closer each open embedding or isolate needs
    for ch in text:
        if ch in _EMBEDDINGS:
            stack.append(_PDF)
        elif ch in _ISOLATES:
            stack.append(_PDI)
        elif ch == _PDF:
            if not stack or stack[-1] != _PDF:
                continue  # closes nothing of ours (a PDF facing an isolate is ignored too)
            stack.pop()
        elif ch == _PDI:
            if _PDI not in stack:
                continue
            while stack.pop() != _PDI:  # a PDI closes the embeddings inside its isolate
                pass
        out.append(ch)
    out.extend(reversed(stack))
    return _FSI + "".join(out) + _PDI


def _finalize(value: Any) -> Any:
    """Every value a template prints: plain text gets its bidi controls isolated."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return isolate_bidi(value)
    return value


def _isolating_gettext(func: Callable[[str], str]) -> Callable[..., str]:
    """Jinja's new-style gettext, with each variable's text passed through the finalize hook."""

    @jinja2.pass_context
    def gettext(context: jinja2.runtime.Context, string: str, **variables: Any) -> str:
        text = func(string)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % {k: _finalize(v) for k, v in variables.items()}

    return gettext


def _isolating_ngettext(func: Callable[[str, str, int], str]) -> Callable[..., str]:
    """Jinja's new-style ngettext, with each variable's text passed through the finalize hook."""

    @jinja2.pass_context
    def ngettext(context: jinja2.runtime.Context, singular: str, plural: str, num: int,
                 **variables: Any) -> str:
        variables.setdefault("num", num)
        text = func(singular, plural, num)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % {k: _finalize(v) for k, v in variables.items()}

    return ngettext


def make_environment(
    lang: str, user_templates: Path | None = None, *, currency: str = "CNY"
) -> jinja2.Environment:
    """A Jinja2 environment for documents in ``lang``, with overrides from ``user_templates``."""
    i18n.check_lang(lang)
    env = jinja2.Environment(
        loader=_loader(user_templates),
        # True rather than select_autoescape: a template named .css or .txt is escaped too.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
        finalize=_finalize,
    )
    # Trimmed: line breaks and indentation inside {% trans %} do not change the msgid.
    env.policies["ext.i18n.trimmed"] = True
    translations = i18n.translations(lang)
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    # {% trans name=value %} formats its variables without the finalize hook: isolate them
    # here too, so spreadsheet text inside a sentence cannot reorder the sentence.
    env.globals.update(gettext=_isolating_gettext(translations.gettext),
                       _=_isolating_gettext(translations.gettext),
                       ngettext=_isolating_ngettext(translations.ngettext))
    env.filters.update(
        money=partial(_money, fmt.money, default_currency=currency, lang=lang),
        money_exact=partial(_money, fmt.money_exact, default_currency=currency, lang=lang),
        delta=partial(_money, fmt.delta, default_currency=currency, lang=lang),
        number=partial(_number, lang=lang),
        pct=partial(_pct, lang=lang),
        pp=partial(_pp, lang=lang),
        month=partial(fmt.month_label, lang=lang),
        date=partial(fmt.date_label, lang=lang),
        label=partial(_label, lang=lang),
        css_string=css_string,
    )
    env.globals.update(
        lang=lang,
        html_lang=i18n.HTML_LANG[lang],
        currency=currency,
        page_counter_css=partial(page_counter_css, lang),
        rag=partial(rag_mark, lang=lang),
    )
    return env


# Filter adapters: templates pass options by keyword ({{ x|pct(digits=0) }}); the language
# and currency are fixed by the environment.
def _money(
    func: Any, stored: Any, currency: str | None = None, *, default_currency: str, lang: str
) -> str:
    return str(func(stored, currency or default_currency, lang))


def _number(value: Any, digits: int = 0, *, lang: str) -> str:
    return fmt.number(value, digits, lang)


def _pct(value: Any, digits: int = 1, signed: bool = False, *, lang: str) -> str:
    return fmt.pct(value, digits, lang, signed=signed)


def _pp(value: Any, digits: int = 1, *, lang: str) -> str:
    return fmt.pp(value, digits, lang)


def _label(code: str | None, kind: str, *, lang: str) -> str:
    return i18n.label(kind, code, lang)


def _failing_line(error: BaseException) -> str | None:
    """The innermost template frame of a render error, as "<file>, line N"."""
    # Jinja rewrites tracebacks so that template frames carry the template's file and line.
    where = None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if not filename.endswith(".py") and not filename.startswith("<"):
            where = f"{filename}, line {tb.tb_lineno}"
        tb = tb.tb_next
    return where


def _where(env: jinja2.Environment, name: str) -> str:
    try:
        _, filename, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    except jinja2.TemplateNotFound:
        return name
    return filename or name


def render_template(env: jinja2.Environment, name: str, context: Mapping[str, Any]) -> str:
    """Render template ``name``; template mistakes become a one-line ConfigError."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateNotFound as error:
        raise ConfigError(i18n.N_(
            "template %(name)s not found in the --templates folder or the built-in templates",
            name=error.name)) from error
    except jinja2.TemplateSyntaxError as error:
        raise ConfigError(i18n.N_(
            "template %(name)s, line %(line)s: %(error)s",
            name=error.filename or error.name or name, line=error.lineno,
            error=_jinja_words(str(error.message)))) from error
    except jinja2.UndefinedError as error:
        where = _failing_line(error) or _where(env, name)
        raise ConfigError(i18n.N_(
            "template %(where)s uses something the document does not have: %(error)s",
            where=where, error=_jinja_words(str(error.message)))) from error


def _jinja_words(text: str) -> i18n.Term:
    """Jinja's own description of a mistake: as it is, quoted in Chinese."""
    return i18n.Term(text, words={"zh": f"“{text}”"})


def _references(env: jinja2.Environment, source: str) -> list[str]:
    """Templates a source extends, includes or imports by a constant name."""
    # Dynamic names ({% include var %}) cannot be known before rendering and are skipped.
    return sorted(
        ref for ref in meta.find_referenced_templates(env.parse(source)) if ref is not None
    )


def template_sources(env: jinja2.Environment, names: Iterable[str]) -> dict[str, str]:
    """Every template ``names`` use (parents, includes, imports), name → source."""
    loader = env.loader
    assert loader is not None
    seen: dict[str, str] = {}
    pending = list(names)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        source, _, _ = loader.get_source(env, name)
        seen[name] = source
        pending.extend(_references(env, source))
    return dict(sorted(seen.items()))


def template_fingerprint(env: jinja2.Environment, names: Iterable[str]) -> str:
    """A hash of the templates ``names`` use, the language's catalog and reportgen's version."""
    digest = hashlib.sha256()
    # The catalog and the code version change the output as surely as a template does.
    lang = env.globals.get("lang", "")
    digest.update(f"reportgen {__version__}\0{lang}\0".encode())
    if lang in i18n.LANGS:
        for path in i18n.catalog_paths(str(lang)):
            digest.update(path.read_bytes())
    for name, source in template_sources(env, names).items():
        digest.update(f"\0{name}\0".encode())
        digest.update(source.encode("utf-8"))
    return digest.hexdigest()


def template_origin(env: jinja2.Environment, name: str) -> str:
    """The file a template name resolves to (the override or the built-in one)."""
    return _where(env, name)
