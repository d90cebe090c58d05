"""The past-rating, past-import and notice forms: what cannot be read is refused in Vietnamese, nothing written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appraisal.forms import PageForm
from appraisal.models import Notification, PastRating
from appraisal.services import notify

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"year": "hai nghìn", "level": "httnv"}, "Năm phải là một số, ví dụ 2019."),
        ({"year": "", "level": "httnv"}, "Năm phải là một số, ví dụ 2019."),
        ({"year": "2019", "level": "gioi"}, "Mức xếp loại không hợp lệ."),
        ({"year": "2019", "level": "httnv", "note": "x" * 256}, "Ghi chú dài tối đa 255 ký tự (đã nhập 256 ký tự)."),
        ({"year": "2019", "level": "httnv", "note": "Hồ\x00sơ"}, "ký tự rỗng (NUL)"),
    ],
)
def test_a_past_rating_that_cannot_be_read_is_refused_and_not_written(personas, client_for, posted, message):
    url = reverse("appraisal:past_rating", args=[personas.member_record_a1.pk])
    response = client_for(personas.sec_a1).post(url, posted)
    assert response.status_code == 200 and message in response.content.decode()
    assert not PastRating.objects.exists()


def test_a_past_rating_typed_well_is_written(personas, client_for):
    url = reverse("appraisal:past_rating", args=[personas.member_record_a1.pk])
    response = client_for(personas.sec_a1).post(url, {"year": " 2019 ", "level": "httnv", "note": " Hồ sơ "})
    assert response.status_code == 302
    assert PastRating.objects.values_list("year", "level", "note").get() == (2019, "httnv", "Hồ sơ")


def test_an_import_without_a_file_says_so(personas, client_for):
    url = reverse("appraisal:past_import", args=[personas.ward_a.pk])
    response = client_for(personas.staff_a).post(url, {}, follow=True)
    assert "Hãy chọn tệp .xlsx hoặc .csv." in response.content.decode()
    empty = SimpleUploadedFile("trong.csv", b"", content_type="text/csv")
    assert client_for(personas.staff_a).post(url, {"file": empty}).status_code == 200  # the import says what
    assert not PastRating.objects.exists()


def test_the_page_form_reads_a_page_number_or_the_first():
    assert [PageForm({"trang": t}).number for t in ("2", "", "abc", "1.5", "0")] == [2, 1, 1, 1, 1]


def test_marking_a_notice_read_opens_it_only_when_asked(personas, client_for):
    (notice,) = notify(actor=None, users=[personas.member_a1.pk], kind="test", text="Thông báo", url="/danh-gia/")
    client = client_for(personas.member_a1)
    url = reverse("appraisal:notification_read", args=[notice.pk])
    assert client.post(url, {"open": "1"}).url == "/danh-gia/"
    assert client.post(url, {}).url == reverse("appraisal:notification_list")
    assert Notification.objects.get().read_at is not None
    assert client.get(reverse("appraisal:notification_list"), {"trang": "x\x00"}).status_code == 200
