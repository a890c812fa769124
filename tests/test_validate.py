"""The shared input checks (gongjian/validate.py, forms_util.first_error) every app's services and views use."""

import pytest
from django import forms

from gongjian.errors import UserError
from gongjian.forms_util import first_error
from gongjian.validate import INT_MAX, clean_text, int_or_none


def test_clean_text_strips_and_accepts_what_fits():
    assert clean_text("  约谈纪要 ", "notes", "约谈情况", 4) == "约谈纪要"
    assert clean_text(None, "note", "说明", 10, required=False) == ""
    assert clean_text(12, "code", "服务代码", 5) == "12"


@pytest.mark.parametrize(("value", "required", "message", "code"), [
    ("   ", True, "「理由」不能为空", "required"),
    (None, True, "「理由」不能为空", "required"),
    ("五个字太长", False, "「理由」不能超过4个字", "too_long"),
])
def test_clean_text_refuses_naming_the_field(value, required, message, code):
    with pytest.raises(UserError) as caught:
        clean_text(value, "reason", "理由", 4, required=required)
    assert (caught.value.message, caught.value.code, caught.value.field) == (message, code, "reason")


@pytest.mark.parametrize(("value", "expected"), [
    ("42", 42), (" -3 ", -3), (7, 7), (None, None), ("", None), ("abc", None), ("1.5", None),
    (str(INT_MAX), INT_MAX), (str(INT_MAX + 1), None), (str(-INT_MAX - 1), None),
])
def test_int_or_none(value, expected):
    assert int_or_none(value) == expected


class _Form(forms.Form):
    days = forms.IntegerField(label="延期天数", min_value=1)


def test_first_error_names_the_label():
    form = _Form({"days": "0"})
    assert not form.is_valid()
    assert first_error(form) == "「延期天数」确保该值大于或等于1。"


def test_first_error_without_a_field():
    form = _Form({"days": "2"})
    assert form.is_valid()
    form.add_error(None, "整张表不对")
    assert first_error(form) == "整张表不对"
