from __future__ import annotations

import contextlib
from typing import cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.forms import ID_MAX, IdChoiceField, IdMultipleChoiceField
from members.forms import add_errors as add_errors  # the one helper, re-exported for appraisal's views
from party_units.models import PartyUnit

from .models import DEADLINE_FIELDS, CycleState, GuidanceDocument, PeriodKind, ReviewCycle
from .rules import RULE_SET_CHOICES, Level, UnknownRuleSet, rule_set_code_for_year
from .selectors.cycles import higher_documents
from .validators import validate_document_file

DEFAULT_TITLE = (
    "Kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên và tập thể, cá nhân cán bộ lãnh đạo, "
    "quản lý năm {year}"
)
# The 2011 rule, kept as an option (RULES.md: off by default).
DEFAULT_VOTE_THRESHOLDS = {"excellent": "2/3", "good": "1/2"}


def date_input() -> forms.DateInput:
    # Typed as dd/mm/yyyy whatever the browser's locale (a native date picker would follow the browser's).
    return forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy"})


def document_label(document: GuidanceDocument) -> str:
    summary = document.summary if len(document.summary) <= 90 else document.summary[:89] + "…"
    return f"{document} — {summary}"


class DocumentForm(forms.Form):
    code = forms.CharField(label=_("Số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 163-CV/ĐU, 159-KH/QU."))
    issued_on = forms.DateField(label=_("Ngày ban hành"), widget=date_input())
    summary = forms.CharField(
        label=_("Trích yếu"),
        max_length=500,
        help_text=_("Ví dụ: V/v Hướng dẫn kiểm điểm, đánh giá, xếp loại chất lượng … năm 2021."),
    )
    file = forms.FileField(
        label=_("Tệp đính kèm"),
        required=False,
        validators=[validate_document_file],
        help_text=_("PDF hoặc Word (.docx), tối đa 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx"}),
    )
    implements = IdChoiceField(
        label=_("Thực hiện văn bản cấp trên"), queryset=GuidanceDocument.objects.none(), required=False
    )

    def __init__(self, *args, unit: PartyUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implements"].queryset = higher_documents(unit)
        self.fields["implements"].label_from_instance = document_label
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Lưu vào sổ văn bản")))


def add_deadline_fields(form: forms.Form) -> None:
    for name, label in DEADLINE_FIELDS:
        form.fields[name] = forms.DateField(label=label, required=False, widget=date_input())


def set_document_choices(field: forms.ModelMultipleChoiceField, unit: PartyUnit) -> None:
    """A cycle cites its own committee's documents, those of committees above it, and central ones."""
    field.queryset = (
        GuidanceDocument.objects.filter(issuing_unit_id__in=unit.ancestor_ids())
        | GuidanceDocument.objects.filter(issuing_unit__isnull=True)
    ).order_by("-issued_on", "-id")
    field.label_from_instance = document_label


def guidance_documents_field() -> IdMultipleChoiceField:
    """The documents a cycle cites, ticked; its choices are set by ``set_document_choices``."""
    return IdMultipleChoiceField(
        label=_("Văn bản hướng dẫn"),
        queryset=GuidanceDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CycleForm(forms.Form):
    title = forms.CharField(label=_("Tên kỳ đánh giá"), max_length=300)
    period_kind = forms.ChoiceField(label=_("Loại kỳ"), choices=PeriodKind.choices, initial=PeriodKind.YEAR)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quý"),
        choices=[("", "—")] + [(q, q) for q in (1, 2, 3, 4)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Chỉ với kỳ hằng quý."),
    )
    start_date = forms.DateField(
        label=_("Từ ngày"), required=False, widget=date_input(), help_text=_("Chỉ với kỳ theo nhiệm kỳ.")
    )
    end_date = forms.DateField(label=_("Đến ngày"), required=False, widget=date_input())
    rule_set = forms.ChoiceField(label=_("Bộ quy tắc"), choices=RULE_SET_CHOICES)
    vote_thresholds = forms.BooleanField(
        label=_("Áp dụng ngưỡng biểu quyết (xuất sắc từ 2/3, tốt trên 1/2 số đảng viên chính thức)"),
        required=False,
    )
    sick_leave_cap = forms.ChoiceField(
        label=_("Nghỉ ốm từ 3 tháng trở lên trong năm"),
        choices=[
            ("", _("Theo bộ quy tắc")),
            ("on", _("Không xếp loại cao hơn hoàn thành nhiệm vụ")),
            ("off", _("Không giới hạn mức xếp loại")),
        ],
        required=False,
    )
    parent = IdChoiceField(
        label=_("Triển khai kỳ đánh giá của cấp trên"), queryset=ReviewCycle.objects.none(), required=False
    )
    guidance_documents = guidance_documents_field()

    def __init__(self, *args, unit: PartyUnit, **kwargs):
        super().__init__(*args, **kwargs)
        add_deadline_fields(self)
        ancestors = unit.ancestor_ids()
        self.fields["parent"].queryset = (
            ReviewCycle.objects.filter(issuing_unit_id__in=ancestors[:-1])
            .exclude(state=CycleState.CLOSED)
            .select_related("issuing_unit")
            .order_by("-start_date")
        )
        set_document_choices(self.fields["guidance_documents"], unit)
        self.fields["parent"].label_from_instance = lambda cycle: f"{cycle.title} — {cycle.issuing_unit.name}"
        if not self.is_bound:
            year = timezone.localdate().year
            self.initial.setdefault("year", year)
            self.initial.setdefault("title", DEFAULT_TITLE.format(year=year))
            with contextlib.suppress(UnknownRuleSet):
                self.initial.setdefault("rule_set", rule_set_code_for_year(year))
        self.helper = FormHelper()
        deadlines = [Column(name, css_class="col-md") for name, _label in DEADLINE_FIELDS]
        self.helper.layout = Layout(
            "title",
            Row(Column("period_kind"), Column("year"), Column("quarter"), Column("start_date"), Column("end_date")),
            Fieldset(_("Bộ quy tắc"), "rule_set", Row(Column("vote_thresholds"), Column("sick_leave_cap"))),
            Fieldset(_("Văn bản và kỳ cấp trên"), "parent", "guidance_documents"),
            Fieldset(_("Thời hạn"), Row(*deadlines)),
        )
        self.helper.add_input(Submit("submit", _("Tạo kỳ đánh giá")))

    def rule_options(self) -> dict:
        options: dict = {}
        if self.cleaned_data.get("vote_thresholds"):
            options["vote_thresholds"] = dict(DEFAULT_VOTE_THRESHOLDS)
        if self.cleaned_data.get("sick_leave_cap"):
            options["sick_leave_cap"] = self.cleaned_data["sick_leave_cap"] == "on"
        return options

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {
            name: data.get(name)
            for name in ("title", "period_kind", "year", "quarter", "start_date", "end_date", "rule_set", "parent")
        }
        kwargs["rule_options"] = self.rule_options()
        kwargs["guidance_documents"] = list(data.get("guidance_documents") or [])
        for name, _label in DEADLINE_FIELDS:
            kwargs[name] = data.get(name)
        return kwargs


class CycleEditForm(forms.Form):
    """What may still change once a cycle exists: its title, documents and deadlines."""

    title = forms.CharField(label=_("Tên kỳ đánh giá"), max_length=300)
    guidance_documents = guidance_documents_field()

    def __init__(self, *args, cycle: ReviewCycle, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": cycle.title,
                "guidance_documents": list(cycle.guidance_documents.all()),
                **{name: getattr(cycle, name) for name, _label in DEADLINE_FIELDS},
            },
        )
        super().__init__(*args, **kwargs)
        add_deadline_fields(self)
        set_document_choices(self.fields["guidance_documents"], cycle.issuing_unit)
        self.helper = FormHelper()
        deadlines = [Column(name, css_class="col-md") for name, _label in DEADLINE_FIELDS]
        self.helper.layout = Layout("title", "guidance_documents", Fieldset(_("Thời hạn"), Row(*deadlines)))
        self.helper.add_input(Submit("submit", _("Lưu")))

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {"title": data["title"], "guidance_documents": list(data.get("guidance_documents") or [])}
        for name, _label in DEADLINE_FIELDS:
            kwargs[name] = data.get(name)
        return kwargs


class CycleReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do mở lại"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ví dụ: Chi bộ Khu dân cư số 3 chưa tổ chức hội nghị kiểm điểm; cấp ủy cho phép hoàn thành."),
    )


REASON_MAX = 5000


class ReasonForm(forms.Form):
    """The one reason a move needs (returning a self-review or a unit's proposals, reopening…): required, at most
    ``REASON_MAX`` characters. ``required_message`` says what the reason is for ("Cần ghi lý do trả lại …")."""

    reason = forms.CharField(label=_("Lý do"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, required_message: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.error_messages = {
            **field.error_messages,
            "required": required_message or _("Cần ghi lý do."),
            "max_length": _("Lý do dài tối đa %(limit_value)s ký tự (đã nhập %(show_value)s ký tự)."),
        }


class PageForm(forms.Form):
    """Which page of a list (``?trang=``); anything that is not a number shows the first."""

    trang = forms.IntegerField(required=False)

    @property
    def number(self) -> int:
        return (self.cleaned_data.get("trang") if self.is_valid() else None) or 1


YEAR_MESSAGE = _("Năm phải là một số, ví dụ 2019.")
LEVEL_MESSAGE = _("Mức xếp loại không hợp lệ.")


class PastRatingForm(forms.Form):
    """A member's final rating of a year before the system (the service checks the year's range)."""

    year = forms.IntegerField(label=_("Năm"), error_messages={"required": YEAR_MESSAGE, "invalid": YEAR_MESSAGE})
    level = forms.ChoiceField(
        label=_("Xếp loại"),
        choices=[(level.value, level.label) for level in Level],
        error_messages={"required": LEVEL_MESSAGE, "invalid_choice": LEVEL_MESSAGE},
    )
    note = forms.CharField(
        label=_("Ghi chú (căn cứ)"),
        required=False,
        max_length=255,
        error_messages={"max_length": _("Ghi chú dài tối đa %(limit_value)s ký tự (đã nhập %(show_value)s ký tự).")},
    )


class PastImportForm(forms.Form):
    """A unit's file of past ratings (.xlsx or .csv; its rows are checked by the import)."""

    file = forms.FileField(
        label=_("Tệp .xlsx hoặc .csv"),
        allow_empty_file=True,
        error_messages={"required": _("Hãy chọn tệp .xlsx hoặc .csv."), "invalid": _("Hãy chọn tệp .xlsx hoặc .csv.")},
    )


class NoticeOpenForm(forms.Form):
    """Marking a notice read: ``open`` also goes to what it is about."""

    open = forms.BooleanField(required=False)

    @property
    def opens(self) -> bool:
        return self.is_valid() and self.cleaned_data["open"]


class CloseConfirmForm(forms.Form):
    """Closing a cycle is confirmed on its page (``xac_nhan=1``): anything else goes back to the page."""

    xac_nhan = forms.ChoiceField(choices=[("1", _("Xác nhận"))], widget=forms.HiddenInput)


class PageField(forms.Field):
    """A page number as ``Paginator.get_page`` takes it: anything but a positive number is the first page."""

    widget = forms.HiddenInput

    def to_python(self, value) -> int | None:
        text = str(value or "").strip()
        if not (text.isascii() and text.isdigit()):
            return None
        return int(text) or None


SEARCH_YEAR_MESSAGE = _("Năm cần là một số từ 1930 đến 2100.")


class DocumentSearchForm(forms.Form):
    """The guidance register's search: part of a document's code (``ma``), its year (``nam``), the page."""

    ma = forms.CharField(label=_("Số, ký hiệu"), required=False, max_length=100)
    nam = forms.IntegerField(
        label=_("Năm"),
        required=False,
        min_value=1930,
        max_value=2100,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), SEARCH_YEAR_MESSAGE),
    )
    trang = PageField(required=False)


class DayField(forms.DateField):
    """A day typed dd/mm/yyyy; a refusal quotes what was typed."""

    default_error_messages = {"invalid": _("«%(value)s» không phải ngày dạng dd/mm/yyyy.")}

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": str(value).strip()}
            ) from None


UNIT_MESSAGE = _("Đơn vị cần chọn trong danh sách.")


class AuditFilterForm(forms.Form):
    """The cycle log's filters: a unit of the cycle (``don_vi``), part of a person's name or login (``nguoi``),
    an action (``hanh_dong``), from and to a day (``tu_ngay``, ``den_ngay``), the page (``trang``). A filter
    refused is left out and said why; the others still apply."""

    don_vi = forms.IntegerField(
        label=_("Đơn vị"),
        required=False,
        min_value=0,
        max_value=ID_MAX,
        error_messages=dict.fromkeys(("invalid", "min_value", "max_value"), UNIT_MESSAGE),
    )
    nguoi = forms.CharField(label=_("Người thực hiện"), required=False, max_length=150)
    hanh_dong = forms.ChoiceField(
        label=_("Hành động"),
        required=False,
        error_messages={"invalid_choice": _("Hành động này không có trong nhật ký của kỳ đánh giá.")},
    )
    tu_ngay = DayField(label=_("Từ ngày"), required=False)
    den_ngay = DayField(label=_("Đến ngày"), required=False)
    trang = PageField(required=False)

    def __init__(self, *args, actions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["hanh_dong"]).choices = [("", _("Tất cả")), *actions]
        self.is_valid()  # the valid filters apply, whatever the others

    def unit_pk(self) -> int | None:
        """The unit the log is narrowed to, by id (the view checks it is in the cycle's scope and visible)."""
        return self.cleaned_data.get("don_vi")

    def page(self) -> int | None:
        return self.cleaned_data.get("trang")

    def filters(self) -> dict:
        """The valid filters, as the log's selector takes them."""
        data = self.cleaned_data
        return {
            "person": " ".join((data.get("nguoi") or "").split()),
            "action": data.get("hanh_dong") or "",
            "start": data.get("tu_ngay"),
            "end": data.get("den_ngay"),
        }

    def query(self) -> str:
        """The filters as the pagination links repeat them (without the page)."""
        query = cast(QueryDict, self.data).copy()
        query.pop("trang", None)
        return query.urlencode()
