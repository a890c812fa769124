import re

import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme

from gongjian.errors import UserError
from gongjian.validate import INT_MAX


def add_user_error(form: forms.Form, exc: UserError) -> None:
    """Show a service's refusal beside the field it names, or above the form when it names none."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def first_error(form: forms.BaseForm) -> str:
    """The form's first error as one line, naming its field's label (for a refusal shown as a message)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"「{label}」{errors[0]}" if label else errors[0]
    return "输入有误"


def style_fields(form: forms.BaseForm) -> None:
    """Bootstrap classes by widget kind, so a form renders like the rest of the platform."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
def safe_next(request, default: str) -> str:
    """The `next` a form posted, if it stays on this site; otherwise the default (no open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return default


class BadParameter(BadRequest):
    pass


def int_param(request, name: str, *, minimum: int = 0, maximum: int = INT_MAX) -> int | None:
    """An optional integer query parameter; None when absent or empty, 400 when it is not an integer in range."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"参数“{name}”须为整数") from None
    if not minimum <= value <= maximum:
        raise BadParameter(f"参数“{name}”超出范围（{minimum}–{maximum}）")
    return value


class _PinyinOptions:
    """Options carry their unit's or person's pinyin initials, so ui.js can filter a long list as the user types
    "fgj" for 发改局 (the list still works without script)."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-pinyin-search": "", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pinyin = getattr(getattr(value, "instance", None), "pinyin", "")
        if pinyin:
            option["attrs"]["data-pinyin"] = pinyin
        return option


# The hints beside a long unit list, one wording everywhere.
PINYIN_HINT = "可输入单位名称或拼音首字母查找，如“fgj”找发改局。"
MULTI_HINT = "可选多个：按住 Ctrl（苹果电脑按 ⌘）逐个点选；可输入名称或拼音首字母查找。"


class PinyinSelect(_PinyinOptions, forms.Select):
    pass


class PinyinSelectMultiple(_PinyinOptions, forms.SelectMultiple):
    pass


ALL = "全部"
_YES, _NO = ("true", "True", "1"), ("false", "False", "0")


def style_filter_fields(form: forms.BaseForm) -> None:
    """A filter row's fields: "全部" where nothing is chosen (never "---------"), Bootstrap's small controls."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = ALL
        css = "form-select form-select-sm" if hasattr(field, "choices") else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class _YesNoField(django_filters.fields.ChoiceField):
    """全部/是/否 rather than django-filter's 未知/是/否; a shared link's "true"/"1"/"false"/"0" keep working."""

    def __init__(self, *args, **kwargs):
        kwargs["choices"] = [("true", "是"), ("false", "否")]
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = "true" if value in _YES else "false" if value in _NO else value
        return super().to_python(value)

    def clean(self, value):
        value = super().clean(value)
        return None if value in ("", None) else value == "true"


class YesNoFilter(django_filters.ChoiceFilter):
    field_class = _YesNoField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", ALL)
        super().__init__(*args, choices=[("true", "是"), ("false", "否")], **kwargs)


class FilterSet(django_filters.FilterSet):
    """Every list's filters: "全部" where nothing is chosen (never "---------"), Bootstrap's small controls, and the
    only 攻坚行动 chosen when there is one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_filter_fields(self.form)
        for name, field in self.form.fields.items():
            queryset = getattr(field, "queryset", None)
            if name == "campaign" and queryset is not None and not self.is_bound:
                only = list(queryset.values_list("pk", flat=True)[:2])
                if len(only) == 1:
                    field.initial = only[0]



_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")


class IntegerRangeMiddleware:
    """No query parameter or path segment may carry an integer beyond 64 bits: the database cannot hold it, and a filter on it
    would fail deep inside a query (a 500). Refused here once for every page and API call: 400 naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # An id in the path beyond 64 bits names nothing that can exist.
        if any(part.isdigit() and len(part) > 18 and int(part) > INT_MAX for part in request.path.split("/")):
            if request.path.startswith("/open311/"):
                return JsonResponse([{"code": 404, "description": "未找到"}], safe=False, status=404)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "未找到"}, status=404)
            raise Http404
        for name, values in request.GET.lists():
            for value in values:
                for piece in value.split(","):
                    if _INTEGER.match(piece) and abs(int(piece)) > INT_MAX:
                        return self._refuse(request, name)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, name: str):
        message = f"参数“{name[:40]}”超出范围"
        if request.path.startswith("/open311/"):
            return JsonResponse([{"code": 400, "description": message}], safe=False, status=400)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "code": "out_of_range", "field": name[:40]}, status=400)
        raise BadParameter(message)
