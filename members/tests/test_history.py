"""The member page's change history: entries without an account, labels and values a person can read."""

import datetime

import pytest
from django.urls import reverse

from audit.services import audit_log
from members import services

pytestmark = pytest.mark.django_db
D = datetime.date


def test_member_page_shows_entries_of_the_system_and_of_deleted_accounts(personas, client_for, django_user_model):
    m = personas.member_record_a1
    services.member_update(actor=None, member=m, government_post="Giáo viên")  # the system: no account
    gone = django_user_model.objects.create(username="da_nghi", first_name="Đã nghỉ")
    audit_log(actor=gone, action="member.updated", obj=m, before={"workplace": ""}, after={"workplace": "Trường"})
    gone.delete()  # the entry's actor becomes NULL

    response = client_for(personas.staff_a).get(reverse("members:detail", args=[m.pk]))
    assert response.status_code == 200
    rows = response.context["history"]
    assert [row.label for row in rows] == ["Sửa thông tin", "Sửa thông tin"]
    assert "hệ thống" in response.content.decode()


def test_history_reads_as_text_with_dates_choices_and_no_raw_ids(personas, client_for):
    m = personas.member_record_a1
    client = client_for(personas.staff_a)
    client.post(
        reverse("members:status_add", args=[m.pk]),
        {"kind": "disciplined", "start_date": "15/10/2025", "discipline_level": "reprimand", "duty_related": "on"},
    )
    client.post(reverse("members:transfer", args=[m.pk]), {"to_unit": personas.cell_a2.pk, "on_date": "01/11/2025"})
    response = client.get(reverse("members:detail", args=[m.pk]))
    transfer, status = response.context["history"][:2]
    assert transfer.label == "Chuyển sinh hoạt" and transfer.actor == "staff_a"
    assert ("chi bộ", "Chi bộ A1", "Chi bộ A2") in transfer.changes
    assert ("từ ngày", "—", "01/11/2025") in transfer.changes
    assert status.label == "Thêm tình trạng"
    assert ("tình trạng", "—", "Bị kỷ luật") in status.changes
    assert ("hình thức kỷ luật", "—", "Khiển trách") in status.changes
    assert ("liên quan đến chức trách, nhiệm vụ", "—", "Có") in status.changes
    shown = [label for row in response.context["history"] for label, _, _ in row.changes]
    assert not [label for label in shown if label.endswith("id")]
    assert str(personas.cell_a2.pk) not in [after for row in response.context["history"] for *_, after in row.changes]
