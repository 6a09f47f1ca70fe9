"""Safe file-name components from client and region names, and joins that stay inside a folder.

Spreadsheet text must never reach a file path as-is: a client called ``../../etc`` or ``CON``
or one with a right-to-left override must still give an ordinary, harmless file name. A slug
keeps letters and digits of any script (Chinese stays Chinese) and turns everything else into
``-``, so it cannot hold a separator, a dot, a control character or an invisible one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

    K = TypeVar("K", bound=SupportsRichComparison)
else:
    K = TypeVar("K")

#: What an empty or all-punctuation name becomes.
FALLBACK = "item"

#: Names Windows refuses for a file, with or without an extension, in any case.
WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)

#: The smallest max_length that still fits a reserved name with its "-item" suffix.
MIN_LENGTH = 10

# Unicode categories kept in a slug: letters, marks (needed by scripts such as Thai or
# Devanagari) and numbers. Invisible format characters (bidi overrides, zero-width spaces and
# joiners, BOM) are dropped, as a reader would not see them between the letters. Everything
# else - punctuation, symbols, spaces, emoji, control, private-use, unassigned - separates.
_KEPT_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"})
_DROPPED_CATEGORIES = frozenset({"Cf"})


def _replacement(char: str) -> str:
    category = unicodedata.category(char)
    if category in _KEPT_CATEGORIES:
        return char
    return "" if category in _DROPPED_CATEGORIES else "-"


def _truncate(text: str, max_chars: int, max_bytes: int) -> str:
    """Cut ``text`` to at most ``max_chars`` characters and ``max_bytes`` UTF-8 bytes."""
    text = text[:max_chars]
    while len(text.encode("utf-8")) > max_bytes:
        text = text[:-1]
    # A cut may leave a dangling separator or a mark without its base letter.
    return text.rstrip("-")


def slugify(text: str, *, max_length: int = 60) -> str:
    """A safe, non-empty file-name component for ``text`` (Chinese and other letters kept)."""
    if max_length < MIN_LENGTH:
        raise ValueError(f"max_length must be at least {MIN_LENGTH}, not {max_length}")
    # NFKC folds full-width letters and digits (ＡＢＣ１２３) and superscripts into plain ones,
    # so "ＣＯＭ¹" is recognised as the reserved name it is.
    # Case is kept (client ids read as written); reserved names are matched ignoring case.
    folded = unicodedata.normalize("NFKC", str(text))
    # Dropping a control character can bring a letter and its combining mark together
    # ("A\u202a\u0300"): compose them again, so a slug of a slug is the same slug.
    chars = unicodedata.normalize("NFKC", "".join(_replacement(c) for c in folded))
    # Collapse runs of separators and trim them at both ends (no leading dash or dot).
    slug = "-".join(part for part in chars.split("-") if part)
    # A combining mark has no letter to sit on at the front of a name; drop it.
    while slug and unicodedata.category(slug[0]).startswith("M"):
        slug = slug[1:].lstrip("-")
    slug = _truncate(slug, max_length, max_length * 3)
    if not slug:
        return FALLBACK
    if slug.lower() in WINDOWS_RESERVED:
        slug = f"{slug}-{FALLBACK}"
    return slug


def _with_suffix(base: str, number: int, max_length: int) -> str:
    """``base`` with ``-number`` appended, shortening ``base`` so the whole stays in bounds."""
    suffix = f"-{number}"
    room_chars = max_length - len(suffix)
    room_bytes = max_length * 3 - len(suffix)
    head = _truncate(base, room_chars, room_bytes) or FALLBACK
    return f"{head}{suffix}"


def unique_slugs(items: Iterable[tuple[K, str]], *, max_length: int = 60) -> dict[K, str]:
    """Slugs for ``(key, text)`` pairs, made distinct (ignoring case) with -2, -3… in key order."""
    pairs = sorted(items, key=lambda pair: pair[0])
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("unique_slugs needs each key once")
    bases = {key: slugify(text, max_length=max_length) for key, text in pairs}
    # Pass 1: the first key (in key order) of each base keeps it, so a name that is naturally
    # "acme-2" is never displaced by a generated "-2" suffix.
    result: dict[K, str] = {}
    taken: set[str] = set()
    for key in keys:
        folded = bases[key].casefold()
        if folded not in taken:
            taken.add(folded)
            result[key] = bases[key]
    # Pass 2: the others get the smallest free suffix, again in key order.
    for key in keys:
        if key in result:
            continue
        number = 2
        while (candidate := _with_suffix(bases[key], number, max_length)).casefold() in taken:
            number += 1
        taken.add(candidate.casefold())
        result[key] = candidate
    return {key: result[key] for key in keys}


def safe_join(root: Path, *parts: str) -> Path:
    """``root`` joined with ``parts``, resolved; ValueError if that lands outside ``root``."""
    base = Path(root).resolve()
    target = base.joinpath(*parts).resolve()
    if not target.is_relative_to(base):
        raise ValueError(f"{'/'.join(parts)!r} would leave the folder {base}")
    return target


def plan_stems(clients: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``plans/<client_id>-<slug>`` for each (client_id, name), distinct and safe."""
    slugs = unique_slugs([(cid, f"{cid}-{name}") for cid, name in clients])
    return {cid: f"plans/{slug}" for cid, slug in slugs.items()}


LEADERSHIP_STEM = "packs/all-regions"


def pack_stems(regions: Sequence[str]) -> dict[str, str]:
    """``packs/<region-slug>`` for each region, distinct and never the leadership pack's name.

    The leadership pack takes ``all-regions`` first (its key sorts before every region), so
    a region whose name slugs to it in any case ("All Regions") gets a numbered name instead.
    """
    keyed: list[tuple[tuple[int, str], str]] = [((0, ""), "all-regions")]
    keyed += [((1, region), region) for region in regions]
    slugs = unique_slugs(keyed)
    return {key[1]: f"packs/{slug}" for key, slug in slugs.items() if key[0] == 1}
