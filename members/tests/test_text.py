import unicodedata

import pytest

from members.models import name_key
from members.text import canonical_tones, card_key, fold, looks_like_formula, vi_sort_key

# The order of PostgreSQL's ICU collation vi-x-icu (checked against it in test_ordering.py).
VIETNAMESE_ORDER = [
    "a",
    "à",
    "ả",
    "ã",
    "á",
    "ạ",
    "an bình",
    "anh",
    "ánh",
    "ăn",
    "ân",
    "bình",
    "dung",
    "dương",
    "đặng",
    "đức",
    "giang",
    "hà",
    "hằng",
    "on",
    "ôn",
    "ơn",
    "uyên",
    "ư",
    "ương",
    "yến",
]


def test_sort_key_puts_vietnamese_letters_in_alphabet_order():
    shuffled = sorted(VIETNAMESE_ORDER, key=lambda s: s.encode())  # byte order: "đặng" after "ương"
    assert shuffled != VIETNAMESE_ORDER
    assert sorted(shuffled, key=vi_sort_key) == VIETNAMESE_ORDER


def test_sort_key_is_the_same_for_nfc_and_nfd_input():
    word = "Nguyễn Thị Hằng"
    assert vi_sort_key(unicodedata.normalize("NFD", word)) == vi_sort_key(word)


def test_name_key_matches_nfc_and_nfd_spellings():
    nfd = unicodedata.normalize("NFD", "Trần Thị Thu  Hương ")
    assert nfd != "Trần Thị Thu Hương"
    assert name_key(nfd) == name_key("trần thị thu hương")


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("Thủy", "Thuỷ"), ("Hòa", "Hoà"), ("khỏe", "khoẻ"), ("Thụy", "Thuỵ"), ("Khóa", "Khoá"), ("ỦY", "UỶ")],
)
def test_old_and_new_tone_placement_give_the_same_key(old_style, new_style):
    assert canonical_tones(old_style) == canonical_tones(new_style) == new_style
    assert name_key(f"Nguyễn Thị {old_style}") == name_key(unicodedata.normalize("NFD", f"Nguyễn Thị {new_style}"))


@pytest.mark.parametrize("word", ["Hoàng", "Toàn", "Quý", "Quỳnh", "thuyền", "Khuê", "Tùng", "Hương", "An"])
def test_tone_placement_outside_the_disputed_endings_is_left_alone(word):
    assert canonical_tones(word) == word


def test_fold_removes_diacritics_and_case():
    assert fold("  Họ và  TÊN ") == "ho va ten"
    assert fold("Số thẻ đảng viên") == "so the dang vien"
    assert fold(unicodedata.normalize("NFD", "Chức vụ Đảng")) == "chuc vu dang"


def test_card_key_ignores_spaces_and_case():
    assert card_key(" ab 123 456 ") == "AB123456"


@pytest.mark.parametrize(
    "value,formula",
    [
        ("=1+1", True),
        (' =HYPERLINK("http://x")', True),
        ("+SUM(A1:A2)", True),
        ("-A1", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-", False),
        ("+84 912 345 678", False),
        ("Nguyễn Văn An", False),
        ("-2", False),
    ],
)
def test_looks_like_formula(value, formula):
    assert looks_like_formula(value) is formula


def test_sort_key_places_dang_with_stroke_after_duong_unlike_code_point_order():
    assert vi_sort_key("Dương") < vi_sort_key("Đặng") < vi_sort_key("Em")
    assert not ("Đặng" < "Em")  # code point order would put Đặng after every Latin letter
