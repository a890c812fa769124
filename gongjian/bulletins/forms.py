from django import forms

from gongjian.campaigns.models import Campaign, FocusArea
from gongjian.org.models import Person


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


class MonthForm(StyledForm):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动", empty_label=None)
    month = forms.CharField(label="月份", max_length=7, widget=forms.TextInput(attrs={"type": "month"}),
                            help_text="如 2023-03")


class BulletinForm(StyledForm):
    title = forms.CharField(label="标题", max_length=120)
    office_text = forms.CharField(label="督查室意见", required=False, max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 8}),
                                  help_text="通报第五部分的文字，发布前可反复修改；每段一行")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AnnualReportForm(StyledForm):
    last_year_summary = forms.CharField(label="上年工作总结", required=False, max_length=20_000,
                                        widget=forms.Textarea(attrs={"rows": 5}))
    approach = forms.CharField(label="本年工作思路", required=False, max_length=20_000,
                               widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label="具体措施", required=False, max_length=20_000,
                               widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class GoalForm(StyledForm):
    text = forms.CharField(label="目标", max_length=200)
    quantity = forms.DecimalField(label="目标值", required=False, max_digits=18, decimal_places=2,
                                  help_text="能量化的请填写，如 10")
    unit_of_measure = forms.CharField(label="计量单位", required=False, max_length=20, help_text="如 个、亿元、公里")
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))


class ConvertForm(StyledForm):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动", required=False,
                                      empty_label="该年度最新的攻坚行动")
    focus_area = forms.ModelChoiceField(FocusArea.objects.all(), label="重点方向", required=False, empty_label="不分")
    lead_leader = forms.ModelChoiceField(Person.objects.filter(is_city_leader=True), label="牵头市级领导",
                                         required=False, empty_label="暂不指定")
