from django import forms

from gongjian.documents.forms import StyledForm
from gongjian.forms_util import MULTI_HINT, PinyinSelect, PinyinSelectMultiple
from gongjian.matters.models import Proposal
from gongjian.org.models import Person, Unit

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def _units(**kwargs):
    return forms.ModelChoiceField(queryset=Unit.objects.filter(is_active=True).order_by("order", "id"),
                                  widget=PinyinSelect, **kwargs)


def _co_units(label="配合单位"):
    return forms.ModelMultipleChoiceField(queryset=Unit.objects.filter(is_active=True).order_by("order", "id"),
                                          label=label, required=False, help_text=MULTI_HINT,
                                          widget=PinyinSelectMultiple(attrs={"size": 4}))


class InstructionForm(StyledForm):
    leader = forms.ModelChoiceField(queryset=Person.objects.filter(is_city_leader=True), label="批示领导")
    received_on = forms.DateField(label="收文日期", **DATE)
    report_title = forms.CharField(label="所批报告", max_length=200, required=False)
    instruction_text = forms.CharField(label="批示内容", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    scan = forms.FileField(label="批示原件扫描件（PDF/PNG/JPEG）", required=False)
    title = forms.CharField(label="事项名称", max_length=200)
    proposed_handling = forms.CharField(label="拟办意见", max_length=2000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = _units(label="牵头单位")
    co_units = _co_units()
    deadline = forms.DateField(label="办结时限", required=False, help_text="批示未明确时限的，按规则默认工作日数计算",
                               **DATE)
    needs_signoff = forms.BooleanField(label="须领导销号", required=False, initial=True)


class MeetingForm(StyledForm):
    title = forms.CharField(label="会议名称", max_length=200)
    held_on = forms.DateField(label="会议日期", **DATE)
    chair = forms.CharField(label="主持人", max_length=60)
    minutes = forms.CharField(label="会议纪要", max_length=100000, widget=forms.Textarea(attrs={"rows": 10}),
                              help_text="粘贴纪要全文，系统按“会议议定”“会议要求”等段落拟出议定事项，确认后交办")


class AssignmentForm(StyledForm):
    upstream_body = forms.CharField(label="交办机关", max_length=100)
    upstream_number = forms.CharField(label="来文文号", max_length=60, required=False)
    upstream_deadline = forms.DateField(label="上级时限", **DATE)
    lead_workdays = forms.IntegerField(label="提前工作日数", min_value=0, max_value=60, required=False,
                                       help_text="本级时限比上级时限提前的工作日数，空为默认")
    title = forms.CharField(label="事项名称", max_length=200)
    lead_unit = _units(label="牵头单位")
    co_units = _co_units()


class ProposalForm(StyledForm):
    kind = forms.ChoiceField(label="类别", choices=Proposal.Kind.choices)
    code = forms.CharField(label="编号", max_length=30)
    title = forms.CharField(label="案由", max_length=200)
    proposers = forms.CharField(label="领衔人及附议人", max_length=300)
    lead_unit = _units(label="主办单位")
    co_units = _co_units("协办单位")
    joint_units = _co_units("会办单位")
    assigned_on = forms.DateField(label="交办日期", required=False, **DATE)


class TextForm(StyledForm):
    text = forms.CharField(label="办理情况", max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))


class SplitForm(StyledForm):
    title = forms.CharField(label="分解事项", max_length=200)
    lead_unit = _units(label="承办单位")
    deadline = forms.DateField(label="时限", **DATE)


class ReplyForm(StyledForm):
    reply_text = forms.CharField(label="向上级报送情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class MeetForm(StyledForm):
    met_on = forms.DateField(label="面商日期", **DATE)
    note = forms.CharField(label="面商情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(StyledForm):
    answer_class = forms.ChoiceField(label="答复类别", choices=Proposal.Answer.choices)
    answer_text = forms.CharField(label="答复内容", max_length=20000, widget=forms.Textarea(attrs={"rows": 4}))


class FeedbackForm(StyledForm):
    satisfaction = forms.ChoiceField(label="代表委员意见", choices=Proposal.Satisfaction.choices)


class HandlingForm(StyledForm):
    proposed_handling = forms.CharField(label="拟办意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
