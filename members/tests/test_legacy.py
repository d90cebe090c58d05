"""Old-font Vietnamese (TCVN3/ABC and VNI) inside Unicode files: the conversion tables, detection, and the import
preview that shows the converted names for the user to confirm."""

import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from members import legacy
from members.importing import ImportFileError, read_table
from members.models import Member

from .factories import HEADER, xlsx_bytes

VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậđeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵ"
ENCODE_TCVN3 = {u: t for t, u in legacy.TCVN3_MAP.items()}


def to_tcvn3(text: str) -> str:
    return "".join(ENCODE_TCVN3.get(ch, ch) for ch in text)


def test_tcvn3_table_covers_every_small_vietnamese_letter_and_the_capitals_it_has():
    for letter in VIETNAMESE:
        assert legacy.tcvn3_to_unicode(to_tcvn3(letter)) == letter
    assert len(set(legacy.TCVN3_MAP.values())) == len(legacy.TCVN3_MAP) == 67 + 7
    assert legacy.tcvn3_to_unicode("Lª V¨n Quý") == "Lê Văn Quý"
    assert legacy.tcvn3_to_unicode("§Æng Thu H\xad¬ng") == "Đặng Thu Hương"


@pytest.mark.parametrize(
    "vni,unicode_",
    [
        ("Leâ Vaên Quyù", "Lê Văn Quý"),
        ("Nguyeãn Thò Thu Höông", "Nguyễn Thị Thu Hương"),
        ("Ñaëng Ñöùc Tuaán", "Đặng Đức Tuấn"),
        ("Tröôøng Tieåu hoïc Maïc Ñónh Chi", "Trường Tiểu học Mạc Đĩnh Chi"),
        ("Phaïm Thò Yeán", "Phạm Thị Yến"),
        ("Hoaøng Vaên Em", "Hoàng Văn Em"),
        ("Buøi Thò Thuyû", "Bùi Thị Thuỷ"),
        ("LEÂ VAÊN QUYÙ", "LÊ VĂN QUÝ"),
        ("Thaéng Lôïi Ngöõ", "Thắng Lợi Ngữ"),
    ],
)
def test_vni_converts_base_letters_and_their_marks(vni, unicode_):
    assert unicodedata.normalize("NFC", legacy.vni_to_unicode(vni)) == unicode_
    assert legacy.detect(vni) == legacy.VNI


@pytest.mark.parametrize(
    "text",
    ["Lê Văn Quý", "Nguyễn Thị Thuỳ Dương", "Đỗ Thị Bích Ngọc", "Tổ trưởng chuyên môn khối 5", "Giáo viên Tin học",
     "Phó Hiệu trưởng", "Chi bộ Trường THCS Quyết Thắng", "Mary-Anne", "- Giáo viên Tin học", "+84 912 345 678",
     "Hoà", "Hòa", "Nghiêm Thị Khuê", "Nguyễn Thị Ngoan", "Quách Thị Oanh", "Ưng Văn Uy"],
)  # fmt: skip
def test_real_unicode_text_is_left_alone(text):
    assert legacy.detect(text) is None


@pytest.mark.parametrize(
    "text,encoding",
    [("Lª V¨n Quý", "tcvn3"), ("NguyÔn ThÞ Thu H\xad¬ng", "tcvn3"), ("Gi¸o viªn", "tcvn3"), ("N÷", "tcvn3"),
     ("Leâ Vaên Quyù", "vni"), ("Ñaëng Ñöùc Tuaán", "vni")],
)  # fmt: skip
def test_old_font_text_is_detected(text, encoding):
    assert legacy.detect(text) == encoding


# ---- the import preview ----------------------------------------------------------------------------------------

ROW = ["", "01/02/1990", "", "", "19/05/2015", "", "", "", "Chi bộ A1"]


def legacy_xlsx(names: list[str], gender: str = "N÷") -> bytes:
    rows = []
    for name in names:
        row = ROW[:]
        row[0], row[2] = name, gender
        rows.append(row)
    return xlsx_bytes(rows)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,converted,label",
    [("Lª V¨n Quý", "Lê Văn Quý", "TCVN3"), ("Leâ Thò Quyù", "Lê Thị Quý", "VNI")],
)
def test_the_preview_shows_converted_names_and_import_needs_the_users_confirmation(
    personas, client_for, name, converted, label
):
    client = client_for(personas.staff_a)
    gender = "N÷" if label == "TCVN3" else "Nöõ"
    response = client.post(
        reverse("members:import", args=[personas.ward_a.pk]),
        {"file": SimpleUploadedFile("ds.xlsx", legacy_xlsx([name], gender))},
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [r.full_name for r in plan.rows] == [converted] and plan.rows[0].values["gender"] == "female"
    assert plan.legacy_encoding == label.lower() and not plan.is_valid and plan.confirmable
    html = response.content.decode()
    assert converted in html and name in html and label in html and 'name="chuyen_ma"' in html
    token = response.context["token"]
    before = (Member.objects.count(), AuditEntry.objects.count())

    refused = client.post(reverse("members:import_confirm", args=[personas.ward_a.pk]), {"token": token})
    assert refused.status_code == 200 and "đánh dấu ô xác nhận" in refused.content.decode()
    assert (Member.objects.count(), AuditEntry.objects.count()) == before

    done = client.post(
        reverse("members:import_confirm", args=[personas.ward_a.pk]), {"token": token, "chuyen_ma": label.lower()}
    )
    assert done.status_code == 302
    created = Member.objects.get(full_name=converted)
    assert created.gender == "female" and not Member.objects.filter(full_name=name).exists()


@pytest.mark.django_db
def test_a_sheet_typed_entirely_in_tcvn3_including_its_header_is_read(personas):
    header = [to_tcvn3(h) for h in HEADER]
    table = read_table(xlsx_bytes([["Lª V¨n Quý", "", "Nam"]], header), "ds.xlsx")
    assert table.rows[0][1][0] == "Lê Văn Quý" and table.legacy_encoding == "tcvn3"


def test_a_legacy_csv_says_how_to_save_it_as_utf8():
    data = (",".join(to_tcvn3(h) for h in HEADER) + "\nLª V¨n Quý,,Nam\n").encode("cp1252")
    with pytest.raises(ImportFileError) as refused:
        read_table(data, "ds.csv")
    message = str(refused.value)
    assert "TCVN3" in message and "CSV UTF-8 (Comma delimited)" in message and "byte" not in message
