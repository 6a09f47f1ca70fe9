"""HTML → PDF with WeasyPrint, loading nothing but reportgen's own assets and ``data:`` URIs.

Documents carry spreadsheet text, so the HTML is treated as hostile: the URL fetcher refuses
``file://`` outside the assets folder, every network scheme, and relative paths that climb out;
PDF attachments (``<link rel=attachment>``, ``<a rel=attachment>``) are removed before the PDF
is written. The PDF's creation and modification dates are the run's generation date, and
WeasyPrint 70 adds no clock or randomness of its own when no PDF variant (PDF/A, PDF/X) is
requested, so the same HTML and date give the same bytes.

Fonts are subset by WeasyPrint itself: with libharfbuzz-subset (HarfBuzz ≥ 4.1) it uses
``hb_subset``, fast even for the large CJK fonts; without it, it falls back to fontTools, which
is much slower with Chinese text (and says so in a warning).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import mimetypes
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reportgen import __version__
from reportgen.documents.assets import templates_dir
from reportgen.i18n import HTML_LANG, N_, check_lang

#: The only folder files may be loaded from (images, fonts a template ships).
ASSETS_DIR = templates_dir() / "assets"

CJK_FONT_HINT = N_("Chinese text needs a CJK font: install the Debian package fonts-noto-cjk")
HARFBUZZ_SUBSET_HINT = N_("install the Debian package libharfbuzz-subset0 for fast Chinese PDFs")


class RefusedURL(ValueError):
    """A document asked for a resource reportgen does not load."""


class SafeURLFetcher(URLFetcher):
    """Serves ``data:`` URIs and files inside ``root``; refuses everything else."""

    def __init__(self, root: Path = ASSETS_DIR) -> None:
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False)
        self.root = Path(root).resolve()
        #: Every URL WeasyPrint asked for, and those refused, for logs and tests.
        self.requested: list[str] = []
        self.refused: list[str] = []

    def _local_file(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if path.is_relative_to(self.root) and path.is_file():
            return path
        return None

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """The resource at ``url`` if allowed, else RefusedURL (WeasyPrint logs and skips it)."""
        self.requested.append(url)
        scheme = url.split(":", 1)[0].strip().lower()
        if scheme == "data":
            # urllib's data: handler decodes in memory; allowed_protocols keeps it to data:.
            return super().fetch(url, headers)
        if scheme == "file" and (path := self._local_file(url)) is not None:
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        self.refused.append(url)
        raise RefusedURL(f"reportgen loads only its own assets and data: URIs, not {url[:200]}")


@lru_cache(maxsize=1)
def font_configuration() -> FontConfiguration:
    """One FontConfiguration per process: building it scans the system's fonts."""
    return FontConfiguration()


def _w3c_datetime(moment: dt.datetime) -> str:
    """``moment`` in the W3C form WeasyPrint writes as PDF dates; naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    text = moment.replace(microsecond=0).isoformat()
    return text.replace("+00:00", "Z")


#: The folders of the month's documents: a link into one of them points at the PDF.
_DOCUMENT_FOLDERS = ("packs", "plans")


def _relative(link: tuple[Any, ...], base: str) -> tuple[Any, ...]:
    """A link the HTML wrote relative, relative again; a sibling document's HTML → its PDF.

    WeasyPrint resolves every href against the base (the assets folder); a file path it made
    so is written back relative to that folder, so a copied or e-mailed folder of documents
    keeps its links. Other links are left as they are.
    """
    kind, target = link[0], link[1]
    if kind != "external" or not isinstance(target, str) or not target.startswith("file:"):
        return link
    if not base.startswith("file:"):
        return link
    path = url2pathname(urlsplit(target).path)
    relative = Path(os.path.relpath(path, url2pathname(urlsplit(base).path))).as_posix()
    parts = relative.split("/")
    if (len(parts) >= 2 and parts[-2] in _DOCUMENT_FOLDERS and relative.endswith(".html")):
        relative = relative[: -len(".html")] + ".pdf"
    return (kind, quote(relative), *link[2:])


def render_pdf(
    html: str,
    *,
    base_url: str | None = None,
    generated: dt.datetime,
    title: str,
    lang: str,
    fetcher: SafeURLFetcher | None = None,
) -> bytes:
    """The PDF for ``html``: assets and data: URIs only, no attachments, dates = ``generated``."""
    check_lang(lang)
    fetcher = fetcher if fetcher is not None else SafeURLFetcher()
    # Relative references resolve inside the assets folder; any that climb out are refused.
    base = base_url if base_url is not None else ASSETS_DIR.as_uri() + "/"
    document = HTML(string=html, base_url=base, url_fetcher=fetcher).render(
        font_config=font_configuration()
    )
    metadata = document.metadata
    metadata.attachments = []  # <link rel="attachment">
    for page in document.pages:  # <a rel="attachment">
        page.links[:] = [_relative(link, base) for link in page.links
                         if link[0] != "attachment"]
    metadata.title = title
    metadata.lang = HTML_LANG[lang]
    metadata.generator = f"reportgen {__version__}"
    metadata.created = metadata.modified = _w3c_datetime(generated)
    pdf = document.write_pdf(attachments=None, xmp_metadata=None, custom_metadata=False)
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return bytes(pdf)


def harfbuzz_subset_available() -> bool:
    """True when WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (slow)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


class _FcFontSet(ctypes.Structure):
    _fields_ = [
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    ]


def _fontconfig_count(pattern: bytes) -> int | None:
    """How many fonts fontconfig lists for ``pattern``; None if fontconfig cannot be loaded."""
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        fc = ctypes.CDLL(name)
    except OSError:
        return None
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcObjectSetBuild.restype = ctypes.c_void_p
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for func in ("FcFontSetDestroy", "FcObjectSetDestroy", "FcPatternDestroy", "FcConfigDestroy"):
        getattr(fc, func).argtypes = [ctypes.c_void_p]
    config = fc.FcInitLoadConfigAndFonts()
    query = fc.FcNameParse(pattern)
    objects = fc.FcObjectSetBuild(b"family", None)
    fonts = fc.FcFontList(config, query, objects)
    try:
        return int(fonts.contents.nfont) if fonts else 0
    finally:
        if fonts:
            fc.FcFontSetDestroy(ctypes.cast(fonts, ctypes.c_void_p))
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(query)
        fc.FcConfigDestroy(config)


@lru_cache(maxsize=1)
def cjk_font_available() -> bool:
    """True when fontconfig (which WeasyPrint uses) knows a font covering Simplified Chinese."""
    count = _fontconfig_count(b":lang=zh-cn")
    if count is not None:
        return count > 0
    # No loadable libfontconfig (unusual): ask the command-line tool if it is there.
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, check=False
    )
    return bool(result.stdout.strip())


def font_warnings() -> list[str]:
    """Start-up warnings about fonts and font subsetting (empty when all is well)."""
    warnings = []
    # Client names can be Chinese in English documents too, so the CJK font always matters.
    if not cjk_font_available():
        warnings.append(CJK_FONT_HINT)
    if not harfbuzz_subset_available():
        warnings.append(HARFBUZZ_SUBSET_HINT)
    return warnings
