"""Vietnamese text helpers: the alphabetical sort key, diacritic-insensitive keys, card numbers.

The sort key reproduces the order of PostgreSQL's ICU collation ``vi-x-icu`` (CLDR's Vietnamese rules) for
names, so SQLite (which has no ICU) lists a roster in the same order as PostgreSQL:

- primary: the 29 letters in the Vietnamese alphabet order ``a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u
  ư v x y`` (the Latin letters f j w z in their Latin places, for foreign names); a space sorts before any
  letter, so "An Bình" comes before "Anh";
- secondary (only when the letters are equal): the tone marks in the order ngang < huyền < hỏi < ngã < sắc <
  nặng (a à ả ã á ạ);
- tertiary: lower case before upper case.
"""

from __future__ import annotations

import re
import unicodedata

from party_units.models import fold, nfc  # noqa: F401 - fold lives with nfc at the bottom layer; re-exported here

ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "ô", "ơ"]
ALPHABET += ["p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: 100 + i for i, letter in enumerate(ALPHABET)}
# Combining marks that make a different letter (primary) versus the five tones (secondary).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve (ă), circumflex (â ê ô), horn (ơ ư)
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng

# The Postgres ICU collation with the same order (Debian's PostgreSQL ships it predefined).
PG_COLLATION = "vi-x-icu"


def _split(char: str) -> tuple[str, int, int]:
    """(the letter without its tone, its tone rank, 1 if upper case) of one character."""
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    marks = decomposed[1:]
    tone = 0
    letter_marks = ""
    for mark in marks:
        if mark in _TONE_RANK:
            tone = _TONE_RANK[mark]
        elif mark in _LETTER_MARKS:
            letter_marks += mark
    letter = unicodedata.normalize("NFC", base + letter_marks)
    upper = 1 if letter != letter.lower() else 0
    return letter.lower(), tone, upper


def _primary(letter: str) -> int:
    if letter in _LETTER_RANK:
        return _LETTER_RANK[letter]
    if letter.isspace():
        return 0
    if letter.isdigit():
        return 50 + int(letter) if letter in "0123456789" else 60
    if not letter.isalnum():
        return 1 + (ord(letter) % 40)  # punctuation and symbols: before digits and letters
    return 1000 + ord(letter)  # letters of other scripts: after the Vietnamese alphabet


def vi_sort_key(value: str) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """A key that orders strings like the ICU Vietnamese collation (see the module docstring)."""
    parts = [_split(ch) for ch in nfc(value)]
    return (
        tuple(_primary(letter) for letter, _, _ in parts),
        tuple(tone for _, tone, _ in parts),
        tuple(upper for _, _, upper in parts),
    )


def member_sort_key(given_name: str, name_key: str, pk: int | None = 0) -> tuple:
    """Vietnamese lists sort by the given name (the last word), then the whole name."""
    return (vi_sort_key(given_name), vi_sort_key(name_key), pk or 0)


# The stored form of the sort key: a string whose plain character order is the order of ``vi_sort_key``, so a
# database orders (and pages) members by an indexed column, the same way on PostgreSQL and SQLite. Only the
# characters 0-9 and a-f are used, which every collation orders as their bytes (no punctuation or case to
# ignore). Each element is fixed-width and never starts with "0"; "0" ends each sequence, so a sequence that is a
# prefix of another sorts first — exactly as tuples compare.
_PRIMARY_WIDTH, _PRIMARY_BASE, _PRIMARY_MAX = 4, 0x1000, 0xEFFF
SORT_KEY_LENGTH = 1000


def _encode(key: tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]) -> str:
    primary, tones, cases = key
    return (
        "".join(f"{_PRIMARY_BASE + min(value, _PRIMARY_MAX):04x}" for value in primary)
        + "0"
        + "".join(str(1 + tone) for tone in tones)
        + "0"
        + "".join(str(1 + upper) for upper in cases)
        + "0"
    )


def sort_key_text(given_name: str, name_key: str) -> str:
    """``member_sort_key`` (without the id) as an orderable string: see above. At most SORT_KEY_LENGTH long."""
    return (_encode(vi_sort_key(given_name[:40])) + _encode(vi_sort_key(name_key[:120])))[:SORT_KEY_LENGTH]


_TONE_MARKS = frozenset(_TONE_RANK)
# Old ("hòa", "thủy", "khỏe") and new ("hoà", "thuỷ", "khoẻ") tone placement differ only when a syllable ends in
# one of these pairs; input methods and habits write either. The new style puts the tone on the last letter.
_DISPUTED_ENDINGS = ("oa", "oe", "uy")


def canonical_tones(value: str) -> str:
    """The same text with every syllable's tone mark in the new-style place, NFC.

    A key for search and "same person" checks, never for display: "Nguyễn Thị Thủy" and "Nguyễn Thị Thuỷ" are
    one name typed two ways. Only the disputed endings oa, oe, uy move; "hoàng", "quý", "thuyền" are unchanged.
    """
    words = []
    for word in nfc(value).split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        tones = [ch for ch in decomposed if ch in _TONE_MARKS]
        if len(tones) != 1:
            words.append(word)
            continue
        base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
        if base.lower().endswith(_DISPUTED_ENDINGS):
            word = unicodedata.normalize("NFC", base + tones[0])  # the tone on the final a, e or y
        words.append(word)
    return " ".join(words)


def has_marks(value: str) -> bool:
    """Whether the text carries any Vietnamese mark (a tone, ă â ê ô ơ ư, đ): typed with marks, it is meant so.
    Without marks, a search compares with ``fold`` (the member's stored search key): "duc" finds "Đức"."""
    return fold(value) != " ".join(nfc(value).casefold().split())


_CARD_SPACES = re.compile(r"\s+")


def card_key(value: str) -> str:
    """A party card number as stored: NFC, upper case, no spaces ("12 345 678" = "12345678")."""
    return _CARD_SPACES.sub("", nfc(value)).upper()


_FORMULA_BODY = re.compile(
    r"""^(
        [A-Za-z_][\w.]*\s*\(      # a function call: SUM( HYPERLINK( cmd(
        | \$?[A-Za-z]{1,3}\$?\d+  # a cell reference: A1, $B$2
        | .*\|                    # DDE: cmd|' /C calc'!A0
    )""",
    re.VERBOSE,
)


def looks_like_formula(value: str) -> bool:
    """A text that a spreadsheet would run as a formula (CSV/formula injection).

    "=..." always is; "+", "-" and "@" only when followed by a call, a cell reference or DDE, so that "-"
    (an empty cell written as a dash) or "+84 912 345 678" stay plain text.
    """
    text = value.lstrip()
    if not text:
        return False
    if text[0] == "=":
        return True
    if text[0] in "+-@":
        return bool(_FORMULA_BODY.match(text[1:].lstrip()))
    return False
