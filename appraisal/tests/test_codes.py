import unicodedata

import pytest

from appraisal.codes import DocumentCodeError, body_matches_unit, parse_code


@pytest.mark.parametrize(
    ("text", "number", "doc_type", "body"),
    [
        ("163-CV/ĐU", 163, "CV", "ĐU"),
        ("159-KH/QU", 159, "KH", "QU"),
        ("124-QĐ/TW", 124, "QĐ", "TW"),
        ("25-HD/BTCTW", 25, "HD", "BTCTW"),
        ("12-BB/CB", 12, "BB", "CB"),
        ("01-CTr/TU", 1, "CTr", "TU"),
        ("05-TTr/ĐU", 5, "TTr", "ĐU"),
        ("366-QĐ/TW", 366, "QĐ", "TW"),
    ],
)
def test_real_codes_parse_into_number_type_and_body(text, number, doc_type, body):
    code = parse_code(text)
    assert (code.number, code.doc_type, code.issuing_body) == (number, doc_type, body)
    assert code.code == text


def test_parsed_code_names_its_type_and_body_in_vietnamese():
    code = parse_code("25-HD/BTCTW")
    assert code.type_label == "Hướng dẫn"
    assert code.body_label == "Ban Tổ chức Trung ương"
    assert code.is_central
    assert not parse_code("163-CV/ĐU").is_central


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        (unicodedata.normalize("NFD", "124-QĐ/TW"), "124-QĐ/TW"),
        ("163-CV/\u00d0U", "163-CV/ĐU"),  # Icelandic eth typed for Đ
        ("163-CV/D\u0335U", "163-CV/ĐU"),  # D + combining stroke
        ("163-cv/đu", "163-CV/ĐU"),
        ("Số 163-CV/ĐU", "163-CV/ĐU"),
        ("  163 – CV / ĐU ", "163-CV/ĐU"),
        ("01-ctr/tu", "01-CTr/TU"),
        ("5-HD/BTCTW-BTGTW", "5-HD/BTCTW-BTGTW"),
    ],
)
def test_what_people_type_is_normalised_to_the_canonical_code(typed, canonical):
    assert parse_code(typed).code == canonical


def test_leading_zeros_are_kept_as_written_but_the_number_is_numeric():
    code = parse_code("01-KH/ĐU")
    assert code.number_text == "01" and code.number == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("163-XY/ĐU", "Loại văn bản «XY» không có trong danh mục"),
        ("163CV/ĐU", "không đúng dạng"),
        ("CV/ĐU", "không đúng dạng"),
        ("163-CV", "không đúng dạng"),
        ("163-CV/ĐU/X", "không đúng dạng"),
        ("0-CV/ĐU", "Số văn bản phải lớn hơn 0"),
        ("163-CV/1U", "Ký hiệu cơ quan ban hành «1U» không hợp lệ"),
        ("", "Chưa nhập số, ký hiệu văn bản"),
    ],
)
def test_malformed_or_unknown_codes_are_refused_in_vietnamese(text, message):
    with pytest.raises(DocumentCodeError, match=message):
        parse_code(text)


@pytest.mark.parametrize(
    ("code", "abbreviation", "matches"),
    [
        ("163-CV/ĐU", "ĐU", True),
        ("159-KH/QU", "QU", True),
        ("12-HD/BTCQU", "QU", True),  # the district's organisation board
        ("159-KH/QU", "ĐU", False),
        ("5-HD/BTCTW-BTGTW", "TW", True),
    ],
)
def test_body_must_belong_to_the_issuing_unit(code, abbreviation, matches):
    assert body_matches_unit(parse_code(code), abbreviation) is matches
