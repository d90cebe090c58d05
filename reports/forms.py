"""What a page posts to ask for a document (``reports:job_create``), read by a form, never field by field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**31 - 1  # an id column's range: a larger number names no record


class RecordIdField(forms.IntegerField):
    """The id of a record a document is made of: a whole number from 1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("Thiếu hồ sơ của văn bản."),
                "invalid": _("Mã hồ sơ không hợp lệ."),
                "min_value": _("Mã hồ sơ không hợp lệ."),
                "max_value": _("Mã hồ sơ không hợp lệ."),
            },
        )
        super().__init__(**kwargs)


class DocumentRequestForm(forms.Form):
    """A request for one kind of document: the records it is made of, by id (each then fetched by the view through
    its access check), the format, whether to issue the document's number first, and the page to go back to when
    the request is refused. ``needs`` names the records the kind requires; ``formats`` the formats it has, the
    first being the default.

    An id that is missing or is no id names no record: the view answers it as it answers a record the user may not
    see (``names_no_record``, a 404). A format the kind does not have is refused with a message."""

    format = forms.CharField(
        required=False, error_messages={"null_characters_not_allowed": _("Định dạng văn bản không hợp lệ.")}
    )
    self_review = RecordIdField()
    version = RecordIdField()  # a version the page shows ("Lần 1"); none: the viewer's default
    review = RecordIdField()
    cycle = RecordIdField()
    rating = RecordIdField()
    issue = forms.BooleanField(required=False)
    next = forms.CharField(  # an address of this site only (the view checks it)
        required=False, error_messages={"null_characters_not_allowed": _("Địa chỉ trang không hợp lệ.")}
    )

    def __init__(self, data=None, *, needs: tuple[str, ...] = (), formats: tuple[str, ...] = ()):
        super().__init__(data)
        self.formats = formats
        for name in needs:
            self.fields[name].required = True
        # The ids the kind reads (a self-review's version with it); any other field posted is not looked at.
        self.ids = tuple(needs) + (("version",) if "self_review" in needs else ())

    def clean_format(self) -> str:
        value = self.cleaned_data["format"] or (self.formats[0] if self.formats else "")
        if value not in self.formats:
            raise forms.ValidationError(
                _("Văn bản này không có định dạng “%(format)s”."), code="format", params={"format": value[:20]}
            )
        return value

    @property
    def names_no_record(self) -> bool:
        self.is_valid()
        return any(name in self.errors for name in self.ids)

    @property
    def format_error(self) -> str:
        self.is_valid()
        return self.errors["format"][0] if "format" in self.errors else ""

    def value(self, name: str):
        """A field's clean value; None when it was not given or did not read (then, for an id the kind reads,
        ``names_no_record`` is true)."""
        self.is_valid()
        return self.cleaned_data.get(name)
