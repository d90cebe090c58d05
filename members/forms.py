"""Forms of the members pages (crispy forms, Bootstrap 5). Cross-record rules live in services.py."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dates import validate_activity_date, validate_birth_date
from .importing import MAX_FILE_BYTES
from .legacy import LABELS as LEGACY_LABELS
from .models import MEMBER_FIELDS, Member, MemberStatus, StatusKind
from .services import STATUS_FIELDS
from .text import looks_like_formula

DATE_WIDGET = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


def date_field(label, *, required=True, help_text="") -> forms.DateField:
    """A dd/mm/yyyy date of a member's activity (membership, transfer, status): members.dates' range."""
    return forms.DateField(
        label=label, required=required, widget=DATE_WIDGET, help_text=help_text, validators=[validate_activity_date]
    )


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one, else on the form."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


# Ids a database column can hold (a signed 64-bit integer); a larger number typed into a choice is no choice.
ID_MIN, ID_MAX = -(2**63), 2**63 - 1


def _out_of_range(value) -> bool:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number: the field's own check answers
    return not ID_MIN <= number <= ID_MAX


class IdChoiceField(forms.ModelChoiceField):
    """A choice of one record by id that answers an id beyond any database integer with the usual form error."""

    def to_python(self, value):
        if value not in self.empty_values and _out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several records by id; an id beyond any database integer is a form error, not a 500
    (SQLite raises OverflowError for it, which Django's own field does not catch)."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if _out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:30]}
                )
        return super()._check_values(value)


class CrispyMixin:
    submit_label = _("Lưu")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def no_formula(value: str) -> str:
    if value and looks_like_formula(value):
        raise forms.ValidationError(_("Không được bắt đầu bằng dấu =, +, -, @ như một công thức bảng tính."))
    return value


class MemberForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = Member
        fields = list(MEMBER_FIELDS)
        widgets = {"date_of_birth": DATE_WIDGET, "admitted_on": DATE_WIDGET, "full_member_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].validators.append(validate_birth_date)

    def clean_full_name(self):
        return no_formula(self.cleaned_data["full_name"])

    def clean_card_number(self):
        return no_formula(self.cleaned_data["card_number"])

    def clean_government_post(self):
        return no_formula(self.cleaned_data["government_post"])

    def changes(self) -> dict:
        """The cleaned values as keyword arguments for the services."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AccountLinkForm(CrispyMixin, forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập của tài khoản"),
        max_length=150,
        help_text=_("Tài khoản của chính đảng viên này, để đảng viên xem được hồ sơ của mình."),
    )


class CellChoiceField(IdChoiceField):
    """A cell named with its committee ("Chi bộ 1 – ĐU phường A"): city staff choose among hundreds of cells
    whose names repeat from ward to ward. The choices come from `selectors.manageable_cells`/`viewable_cells`,
    ordered by path (each ward's cells stand together) with the parent joined."""

    def label_from_instance(self, obj) -> str:
        return f"{obj.name} – {obj.parent.short_name}" if obj.parent_id else obj.name


class MemberCreateForm(MemberForm):
    cell = CellChoiceField(label=_("Chi bộ sinh hoạt"), queryset=None)
    start_date = date_field(_("Sinh hoạt tại chi bộ từ ngày"))

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells
        self.fields["start_date"].initial = timezone.localdate()
        self.order_fields(["cell", "start_date", *self.Meta.fields])


class TransferForm(CrispyMixin, forms.Form):
    to_unit = CellChoiceField(label=_("Chuyển đến chi bộ"), queryset=None)
    on_date = date_field(_("Ngày chuyển đến"), help_text=_("Sinh hoạt ở chi bộ cũ kết thúc vào ngày hôm trước."))
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=255, help_text=_("Ví dụ: số giấy giới thiệu sinh hoạt đảng.")
    )

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = cells

    def clean_note(self):
        return no_formula(self.cleaned_data["note"])


class TemporaryForm(CrispyMixin, forms.Form):
    unit = CellChoiceField(label=_("Chi bộ sinh hoạt tạm thời"), queryset=None)
    start_date = date_field(_("Từ ngày"))
    end_date = date_field(_("Đến ngày"), required=False)
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)

    def __init__(self, *args, cells=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = cells

    def clean_note(self):
        return no_formula(self.cleaned_data["note"])


class EndDateForm(CrispyMixin, forms.Form):
    end_date = date_field(_("Ngày kết thúc"))


class StatusForm(CrispyMixin, forms.ModelForm):
    class Meta:
        model = MemberStatus
        fields = [name for name in STATUS_FIELDS if name != "member_id"]
        widgets = {"start_date": DATE_WIDGET, "end_date": DATE_WIDGET}
        help_texts = {
            "start_date": _("Với kỷ luật: ngày ký quyết định."),
            "end_date": _("Để trống nếu chưa kết thúc (kỷ luật không có ngày kết thúc)."),
            "months": _("Bắt buộc với nghỉ ốm dài ngày: tổng số tháng nghỉ."),
            "decision_ref": _("Ví dụ: 15-QĐ/ĐU."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("start_date", "end_date"):
            self.fields[name].validators.append(validate_activity_date)

    def clean_decision_ref(self):
        return no_formula(self.cleaned_data["decision_ref"])

    def clean_note(self):
        return no_formula(self.cleaned_data["note"])

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind == StatusKind.DISCIPLINED and not data.get("discipline_level"):
            self.add_error("discipline_level", _("Cần chọn hình thức kỷ luật."))
        if kind == StatusKind.SICK_LEAVE and not data.get("months"):
            self.add_error("months", _("Cần ghi số tháng nghỉ ốm."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ImportForm(CrispyMixin, forms.Form):
    file = forms.FileField(
        label=_("Tệp danh sách (.xlsx hoặc .csv)"),
        help_text=_("CSV mã UTF-8 (có hoặc không có BOM). Tối đa 5 MB, 10.000 dòng."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)})
        if upload.size == 0:
            raise forms.ValidationError(_("Tệp rỗng."))
        return upload


class ImportConfirmForm(forms.Form):
    """The preview's confirmation: the signed token of the stored upload and, where old-font text was found, the
    encoding the user confirmed converting (``members.legacy``: TCVN3, VNI)."""

    token = forms.CharField(required=False, max_length=2000)
    chuyen_ma = forms.ChoiceField(required=False, choices=[("", ""), *((code, code) for code in LEGACY_LABELS)])


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm theo tên"), required=False)
    tinh_trang = forms.ChoiceField(
        label=_("Tình trạng"),
        required=False,
        choices=[("", _("Tất cả")), ("probationary", _("Đảng viên dự bị")), *StatusKind.choices],
    )
    nam = forms.IntegerField(label=_("Năm"), required=False, min_value=1930, max_value=2100)
