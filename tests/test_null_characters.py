"""A NUL character typed or pasted into any text field is refused in Vietnamese (Django's own Vietnamese
catalogue has no translation for its message; the project's locale/ supplies it)."""

from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from members.models import Member


def test_the_null_character_message_is_vietnamese():
    with pytest.raises(forms.ValidationError) as exc:
        forms.CharField().clean("Nguyễn\x00Văn An")
    assert exc.value.messages == ["Nội dung có ký tự rỗng (NUL) không hợp lệ: hãy gõ lại hoặc dán dạng văn bản thường."]


@pytest.mark.django_db
def test_a_member_form_with_a_nul_says_so_in_vietnamese_and_writes_nothing(personas, client_for):
    url = reverse("members:edit", args=[personas.member_record_a1.pk])
    page = client_for(personas.sec_a1).post(url, {"full_name": "Nguyễn\x00Văn An", "gender": "male"})
    assert page.status_code == 200
    assert "ký tự rỗng (NUL)" in page.content.decode()
    assert Member.objects.get(pk=personas.member_record_a1.pk).full_name == "Nguyễn Văn An"
