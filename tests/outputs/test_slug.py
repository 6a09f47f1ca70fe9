import os
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reportgen.outputs.slug import WINDOWS_RESERVED, safe_join, slugify, unique_slugs

LONG_CHINESE = "华东重要客户上海申通物流有限公司" * 19  # 304 characters


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../x", "x"),
        ("..", "item"),
        ("...", "item"),
        ("", "item"),
        ("   ", "item"),
        ("a/b", "a-b"),
        ("a\\b", "a-b"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ('<img src="file:///etc/passwd">', "img-src-file-etc-passwd"),
        ("😀", "item"),
        ("😀 Happy Client 😀", "Happy-Client"),
        # Bidi override and zero-width characters are invisible: dropped, not turned into "-".
        ("\u202eevil\u202dgdp.exe", "evilgdp-exe"),
        ("a\u200bb\u200dc\ufeff", "abc"),
        ("a\x00b\nc\td", "a-b-c-d"),
        ("CON", "CON-item"),
        ("con", "con-item"),
        ("Con.txt", "Con-txt"),
        ("nul", "nul-item"),
        ("LPT9", "LPT9-item"),
        ("COM10", "COM10"),
        ("Ｃｏｍ¹", "Com1-item"),  # full-width letters and a superscript fold to COM1
        ("ＡＢＣ１２３", "ABC123"),
        ("  .hidden", "hidden"),
        ("-dash-", "dash"),
        ("trailing. ", "trailing"),
        ("ACME Ltd.", "ACME-Ltd"),
        ("Café Ünïcode", "Café-Ünïcode"),
        ("上海申通物流有限公司", "上海申通物流有限公司"),
        ("华东 / 重要客户", "华东-重要客户"),
        ("\u0301abc", "abc"),  # a leading combining mark has no letter to sit on
    ],
)
def test_slugify_table(text, expected):
    assert slugify(text) == expected


def test_long_chinese_name_is_cut_to_60_characters_and_180_bytes():
    slug = slugify(LONG_CHINESE)
    assert slug == LONG_CHINESE[:60]
    assert len(slug.encode("utf-8")) == 180


def test_four_byte_letters_are_bounded_by_bytes_not_characters():
    # U+20000 is a CJK Extension B letter: 4 bytes in UTF-8, so 180 bytes hold 45 of them.
    assert slugify("\U00020000" * 100) == "\U00020000" * 45


@pytest.mark.parametrize(
    ("text", "max_length", "expected"),
    [
        ("abcdefghijk" * 10, 10, "abcdefghij"),
        ("aaaa bbbb cccc", 10, "aaaa-bbbb"),  # the cut leaves no trailing dash
        ("华东重要客户上海申通物流有限公司", 10, "华东重要客户上海申通"),
    ],
)
def test_max_length(text, max_length, expected):
    assert slugify(text, max_length=max_length) == expected


def test_max_length_too_small_is_refused():
    with pytest.raises(ValueError, match="^max_length must be at least 10, not 3$"):
        slugify("x", max_length=3)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (
            [("C2", "Acme"), ("C1", "ACME"), ("C3", "acme-2"), ("C4", "acme")],
            # C1 keeps the name (first key); C3 keeps its own natural "acme-2"; the others
            # take the next free numbers in key order.
            {"C1": "ACME", "C2": "Acme-3", "C3": "acme-2", "C4": "acme-4"},
        ),
        ([("R2", "华东"), ("R1", "华东")], {"R1": "华东", "R2": "华东-2"}),
        # Case-insensitive file systems fold ß to ss: keep these apart too.
        ([("K1", "Straße"), ("K2", "STRASSE")], {"K1": "Straße", "K2": "STRASSE-2"}),
        ([("A", "CON"), ("B", "con")], {"A": "CON-item", "B": "con-item-2"}),
        ([("A", ""), ("B", "😀")], {"A": "item", "B": "item-2"}),
        ([("A", "East"), ("B", "West")], {"A": "East", "B": "West"}),
    ],
)
def test_unique_slugs_table(items, expected):
    assert unique_slugs(items) == expected


def test_unique_slugs_is_independent_of_input_order():
    items = [("C3", "Acme"), ("C1", "acme"), ("C2", "ACME")]
    assert unique_slugs(items) == unique_slugs(reversed(items))
    assert list(unique_slugs(items)) == ["C1", "C2", "C3"]


def test_unique_slugs_suffix_stays_within_length():
    name = "a" * 80
    slugs = unique_slugs([("1", name), ("2", name)])
    assert slugs == {"1": "a" * 60, "2": "a" * 58 + "-2"}


def test_unique_slugs_refuses_duplicate_keys():
    with pytest.raises(ValueError, match="^unique_slugs needs each key once$"):
        unique_slugs([("C1", "a"), ("C1", "b")])


def test_safe_join_inside(tmp_path):
    assert safe_join(tmp_path, "plans", "c001-acme.pdf") == tmp_path.resolve() / "plans" / (
        "c001-acme.pdf"
    )


@pytest.mark.parametrize(
    "parts", [("..", "x"), ("../../etc/passwd",), ("/etc/passwd",), ("plans", "..", "..", "x")]
)
def test_safe_join_refuses_escapes(tmp_path, parts):
    with pytest.raises(ValueError, match="would leave the folder"):
        safe_join(tmp_path, *parts)


def test_safe_join_refuses_symlink_out(tmp_path):
    outside = tmp_path / "outside"
    root = tmp_path / "root"
    outside.mkdir()
    root.mkdir()
    (root / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ValueError, match="^'link/x.pdf' would leave the folder "):
        safe_join(root, "link", "x.pdf")


# --- properties -----------------------------------------------------------------------------

NASTY = [
    "..",
    ".",
    "/",
    "\\",
    "CON",
    "nul",
    "com1",
    "\u202e",
    "\u200b",
    "\x00",
    "\n",
    " ",
    "-",
    "😀",
    "华东",
    "重要客户",
    "Ａ",
    "¹",
    "\u0301",
    "<",
    ">",
    ":",
    '"',
    "|",
    "?",
    "*",
    "\U00020000",
    "İ",
    "ß",
]
texts = st.one_of(st.text(), st.lists(st.sampled_from(NASTY), max_size=40).map("".join))
BAD_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}


def assert_safe(slug: str, max_length: int = 60) -> None:
    assert slug
    assert "/" not in slug and "\\" not in slug and ".." not in slug and "." not in slug
    assert not slug.startswith(("-", "."))
    assert not slug.endswith((".", " ", "-"))
    assert not any(unicodedata.category(c) in BAD_CATEGORIES for c in slug), slug
    assert slug.split(".")[0] not in WINDOWS_RESERVED
    assert len(slug) <= max_length
    assert len(slug.encode("utf-8")) <= max_length * 3


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@settings(max_examples=300, deadline=None)
@given(text=texts)
@example(text="A\u202a\u0300")  # a control character between a letter and its accent
def test_any_text_gives_a_safe_slug_that_stays_inside(scratch, text):
    slug = slugify(text)
    assert_safe(slug)
    target = safe_join(scratch, slug)
    assert target.parent == scratch.resolve()
    target.touch()  # the operating system accepts the name
    assert slugify(slug) == slug  # idempotent


@settings(max_examples=100, deadline=None)
@given(names=st.lists(texts, min_size=1, max_size=12))
def test_names_give_distinct_files(names):
    slugs = unique_slugs((f"C{i:03d}", name) for i, name in enumerate(names))
    assert len(slugs) == len(names)
    for slug in slugs.values():
        assert_safe(slug)
    assert len({slug.casefold() for slug in slugs.values()}) == len(names)
    with tempfile.TemporaryDirectory() as folder:
        for slug in slugs.values():
            safe_join(Path(folder), slug).write_text(slug)
        assert len(os.listdir(folder)) == len(names)
