from django import forms
from django.contrib.auth.models import User

from gongjian.campaigns.models import Campaign, Task
from gongjian.forms_util import StyledForm
from gongjian.inspections.models import Inspection, Rectification
from gongjian.org.models import Role


class InspectionForm(StyledForm):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动", empty_label=None)
    kind = forms.ChoiceField(label="督查方式", choices=[c for c in Inspection.Kind.choices
                                                        if c[0] != Inspection.Kind.RECHECK])
    subject = forms.CharField(label="督查主题", max_length=200)
    scope = forms.CharField(label="督查范围", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    start = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    checklist = forms.CharField(label="检查清单", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                help_text="每行一项，如：施工现场是否开工、进度是否与填报一致")
    tasks = forms.ModelMultipleChoiceField(Task.objects.none(), label="核查事项", required=False,
                                           widget=forms.CheckboxSelectMultiple)
    team = forms.ModelMultipleChoiceField(User.objects.none(), label="督查组成员", required=False,
                                          widget=forms.CheckboxSelectMultiple)
    max_distance_m = forms.IntegerField(label="位置偏差上限（米）", initial=500, min_value=10, max_value=50_000)
    max_accuracy_m = forms.IntegerField(label="定位精度要求（米）", initial=100, min_value=10, max_value=50_000,
                                        help_text="手机定位精度差于此值的照片标为“无法核实”")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = (Task.objects.filter(status__in=Task.OPEN_STATUSES)
                                         .select_related("lead_unit").order_by("campaign", "id"))
        self.fields["tasks"].label_from_instance = lambda t: f"{t.title}（{t.lead_unit.name}）"
        self.fields["team"].queryset = (User.objects.filter(is_active=True, role_grants__role=Role.SUPERVISION_OFFICE)
                                        .select_related("person").distinct().order_by("id"))
        self.fields["team"].label_from_instance = lambda u: getattr(getattr(u, "person", None), "display_name",
                                                                    u.get_username())
        campaigns = Campaign.objects.all()
        if campaigns.count() == 1:
            self.fields["campaign"].initial = campaigns.first().pk


class FindingForm(StyledForm):
    checklist_item = forms.ChoiceField(label="检查项", required=False)
    description = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 3}))
    progress_seen = forms.DecimalField(label="现场所见进度%", required=False, min_value=0, max_value=100,
                                       decimal_places=2, help_text="与单位填报的进度对照")
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checklist_item"].choices = [("", "（不对应清单）")] + [(c, c) for c in checklist]


class RectifyForm(StyledForm):
    deadline = forms.DateField(label="整改时限", widget=forms.DateInput(attrs={"type": "date"}))
    requirement = forms.CharField(label="整改要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FalseReportForm(StyledForm):
    reason = forms.CharField(label="报送不实说明", widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(StyledForm):
    note = forms.CharField(label="整改情况", widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label="整改佐证（照片或PDF）")


class RecheckForm(StyledForm):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label="攻坚行动", empty_label=None)
    sample_size = forms.IntegerField(label="抽查数量", min_value=1, max_value=500, initial=5)


class RecheckResultForm(StyledForm):
    result = forms.ChoiceField(label="回头看结论", choices=Rectification.Recheck.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}))
