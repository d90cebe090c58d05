"""The forms of the self-review pages: they parse what is posted into the typed values the services take."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import date_input

REOPEN_DATE_MESSAGE = _("Ngày được nộp muộn cần nhập theo dạng dd/mm/yyyy.")


class ReopenForm(forms.Form):
    """The secretary lets a member submit after the deadline, until a day (dd/mm/yyyy)."""

    until = forms.DateField(
        label=_("Cho phép nộp muộn đến ngày (dd/mm/yyyy)"),
        widget=date_input(),
        error_messages={"required": REOPEN_DATE_MESSAGE, "invalid": REOPEN_DATE_MESSAGE},
    )
