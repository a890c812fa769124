from datetime import date

from django import forms

from gongjian.campaigns.models import Campaign
from gongjian.forms_util import PINYIN_HINT, PinyinSelect, style_fields
from gongjian.frontline.models import Category, CategoryAttribute, Idea, Ticket
from gongjian.frontline.services import ASSIGNABLE_KINDS
from gongjian.org.models import Grid, Person, Unit

ATTRIBUTE_PREFIX = "attr_"


def areas():
    return Unit.objects.filter(is_active=True, kind__in=Unit.AREA_KINDS)


class TicketForm(forms.Form):
    """The intake form, for the public page, a phone call or a grid worker; the category's own questions are added
    as extra fields. `kind` is "public", "phone" or "grid"."""

    text = forms.CharField(label="诉求内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    town = forms.ModelChoiceField(label="所在镇街", queryset=Unit.objects.none(), empty_label="请选择")
    address = forms.CharField(label="详细地址", max_length=200, required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, category: Category, kind: str = "public", grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        self.attributes = list(category.attributes.filter(variable=True))
        self.fields["town"].queryset = areas()
        if kind == "grid":
            del self.fields["town"]
            self.fields["grid"] = forms.ModelChoiceField(label="所在网格", queryset=grids, empty_label="请选择")
            self.fields["photo"] = forms.FileField(label="现场照片", required=False,
                                                   widget=forms.ClearableFileInput(attrs={"accept": "image/*",
                                                                                          "capture": "environment"}))
            del self.fields["contact_name"], self.fields["contact_phone"]
        for attribute in self.attributes:
            self.fields[ATTRIBUTE_PREFIX + attribute.code] = _attribute_field(attribute)
        style_fields(self)

    def attribute_values(self) -> dict:
        return {a.code: self.cleaned_data.get(ATTRIBUTE_PREFIX + a.code) for a in self.attributes}

    def service_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(ATTRIBUTE_PREFIX)}
        data["attributes"] = self.attribute_values()
        return data


def _attribute_field(attribute: CategoryAttribute) -> forms.Field:
    common = {"label": attribute.description, "required": attribute.required,
              "help_text": attribute.datatype_description}
    choices = [(v.get("key"), v.get("name")) for v in attribute.values]
    kind = attribute.datatype
    if kind == CategoryAttribute.Datatype.SINGLE:
        return forms.ChoiceField(choices=[("", "请选择"), *choices], **common)
    if kind == CategoryAttribute.Datatype.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if kind == CategoryAttribute.Datatype.NUMBER:
        return forms.DecimalField(max_digits=14, decimal_places=2, **common)
    if kind == CategoryAttribute.Datatype.DATETIME:
        return forms.CharField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), **common)
    if kind == CategoryAttribute.Datatype.TEXT:
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), **common)
    return forms.CharField(max_length=200, **common)


def grids_of(user):
    return Grid.objects.filter(worker=user, level=Grid.Level.GRID).select_related("town", "parent")


class AssignForm(forms.Form):
    unit = forms.ModelChoiceField(label="承办单位", queryset=Unit.objects.none(), empty_label="请选择",
                                  widget=PinyinSelect, help_text=PINYIN_HINT)
    category = forms.ModelChoiceField(label="诉求类别", queryset=Category.objects.filter(is_active=True),
                                      required=False, empty_label="不变")
    urgent = forms.BooleanField(label="紧急（5个工作日内答复）", required=False)
    note = forms.CharField(label="派单意见", max_length=1000, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(is_active=True, kind__in=ASSIGNABLE_KINDS)
        style_fields(self)


class DisputeForm(forms.Form):
    risk_level = forms.ChoiceField(label="风险等级", choices=[("", "请选择"), *Ticket.Risk.choices])
    responsible_leader = forms.ModelChoiceField(label="包案领导", queryset=Person.objects.none(), empty_label="请选择")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_leader"].queryset = Person.objects.filter(is_city_leader=True)
        style_fields(self)


class PromoteForm(forms.Form):
    campaign = forms.ModelChoiceField(label="攻坚行动", queryset=Campaign.objects.all(), empty_label="请选择")
    title = forms.CharField(label="任务名称", max_length=200)
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none(), empty_label="请选择",
                                       widget=PinyinSelect, help_text=PINYIN_HINT)
    deadline = forms.DateField(label="办结时限", widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label="任务描述", max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.LEADERSHIP)
        style_fields(self)


class IdeaForm(forms.Form):
    title = forms.CharField(label="标题", max_length=100)
    category = forms.ChoiceField(label="领域", choices=[("", "请选择"), *Idea.Category.choices])
    town = forms.ModelChoiceField(label="涉及镇街", queryset=Unit.objects.none(), required=False,
                                  empty_label="全市")
    text = forms.CharField(label="内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    proposer_name = forms.CharField(label="提出人", max_length=50, required=False)
    proposer_phone = forms.CharField(label="联系电话", max_length=20, required=False,
                                     help_text="留下电话才能记入采纳积分；仅工作人员可见")
    confirm_duplicate = forms.BooleanField(label="我已查看相似的金点子，仍要提交", required=False)

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = areas()
        if staff:
            del self.fields["proposer_name"], self.fields["proposer_phone"]
        style_fields(self)


class IdeaAcceptForm(forms.Form):
    answer = forms.CharField(label="公开答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    campaign = forms.ModelChoiceField(label="攻坚行动", queryset=Campaign.objects.all(), empty_label="请选择")
    task_title = forms.CharField(label="任务名称", max_length=200, required=False, help_text="不填则用金点子标题")
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none(), empty_label="请选择",
                                       widget=PinyinSelect, help_text=PINYIN_HINT)
    lead_leader = forms.ModelChoiceField(label="牵头市级领导", queryset=Person.objects.filter(is_city_leader=True),
                                         required=False, widget=PinyinSelect, help_text="不选则为牵头单位的分管市级领导")
    deadline = forms.DateField(label="办结时限", widget=forms.DateInput(attrs={"type": "date"}))
    indicator = forms.CharField(label="量化指标", max_length=100, required=False, help_text="如“试点村”；可不填")
    indicator_unit = forms.CharField(label="指标单位", max_length=20, required=False)
    target_value = forms.DecimalField(label="目标值", max_digits=18, decimal_places=2, required=False)
    milestones = forms.CharField(label="推进节点", widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="每行一个：节点名称 计划完成日期，例如“制定实施方案 2023-05-31”")
    points = forms.IntegerField(label="奖励积分", min_value=0, max_value=1000, initial=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = Unit.objects.filter(is_active=True).exclude(kind=Unit.Kind.LEADERSHIP)
        style_fields(self)

    def clean_milestones(self) -> list[tuple[str, date]]:
        parsed = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            title, _, when = line.rpartition(" ")
            try:
                planned = date.fromisoformat(when.strip())
            except ValueError:
                raise forms.ValidationError(f"第{number}行须以日期结尾（YYYY-MM-DD）") from None
            if not title.strip():
                raise forms.ValidationError(f"第{number}行缺少节点名称")
            parsed.append((title.strip()[:200], planned))
        if not parsed:
            raise forms.ValidationError("请至少填写一个节点")
        return parsed


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "kind", "description", "group", "keywords", "sign_days", "reply_days",
                  "is_active", "order"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def validate_unique(self):
        """The service checks uniqueness and answers with 409 and the field; not the form."""
