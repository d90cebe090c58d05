"""The one rule for the dates of a member's record, used by the forms, the services and the roster import.

A date outside these ranges is a typing mistake (01/01/0001, 31/12/9999), never a fact:
- date of birth: from 01/01/1900, before today;
- admission to the Party: from the Party's founding (03/02/1930), not after today, after the date of birth;
- full membership: not before admission, not after today + 1 year;
- activity dates (membership from/to, transfer, statuses): from 03/02/1930 to today + 1 year (a decision may be
  entered ahead of the day it takes effect, never decades ahead).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
PARTY_FOUNDED = datetime.date(1930, 2, 3)
AHEAD = datetime.timedelta(days=366)


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def latest_activity(today: datetime.date | None = None) -> datetime.date:
    return (today or timezone.localdate()) + AHEAD


def activity_date_error(value: datetime.date | None, today: datetime.date | None = None) -> str | None:
    """The message when ``value`` cannot be an activity date (membership, transfer, status), else None."""
    if value is None:
        return None
    last = latest_activity(today)
    if value < PARTY_FOUNDED or value > last:
        return _("Ngày không hợp lệ: cần trong khoảng %(a)s – %(b)s.") % {"a": _fmt(PARTY_FOUNDED), "b": _fmt(last)}
    return None


def member_date_errors(
    *,
    date_of_birth: datetime.date | None,
    admitted_on: datetime.date | None,
    full_member_on: datetime.date | None,
    today: datetime.date | None = None,
) -> dict[str, str]:
    """The member record's date errors keyed by field name (empty when the dates are sane)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if date_of_birth:
        if date_of_birth < EARLIEST_BIRTH:
            errors["date_of_birth"] = _("Ngày sinh không hợp lệ: không được trước %(d)s.") % {"d": _fmt(EARLIEST_BIRTH)}
        elif date_of_birth >= today:
            errors["date_of_birth"] = _("Ngày sinh phải trước ngày hôm nay.")
    if admitted_on:
        if admitted_on > today:
            errors["admitted_on"] = _("Ngày vào Đảng không được sau ngày hôm nay.")
        elif admitted_on < PARTY_FOUNDED:
            errors["admitted_on"] = _("Ngày vào Đảng không được trước ngày thành lập Đảng (03/02/1930).")
        elif date_of_birth and admitted_on <= date_of_birth:
            errors["admitted_on"] = _("Ngày vào Đảng phải sau ngày sinh.")
    if full_member_on:
        if full_member_on > latest_activity(today) or full_member_on < PARTY_FOUNDED:
            errors["full_member_on"] = activity_date_error(full_member_on, today)
        elif admitted_on and full_member_on < admitted_on:
            errors["full_member_on"] = _("Ngày chính thức không được trước ngày vào Đảng.")
    return errors


def validate_activity_date(value: datetime.date | None) -> None:
    """A form-field validator with the activity-date rule."""
    message = activity_date_error(value)
    if message:
        raise ValidationError(message, code="date_range")


def validate_birth_date(value: datetime.date | None) -> None:
    """A form-field validator with the date-of-birth rule."""
    message = member_date_errors(date_of_birth=value, admitted_on=None, full_member_on=None).get("date_of_birth")
    if message:
        raise ValidationError(message, code="date_range")
